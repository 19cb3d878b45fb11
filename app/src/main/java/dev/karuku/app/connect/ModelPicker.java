package dev.karuku.app.connect;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.engine.serve.ServeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import javafx.beans.InvalidationListener;
import javafx.beans.Observable;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/// The Chat screen's model picker: the model loaded in this window, and each connection's models labelled by its
/// name; a connection that cannot be reached is listed as such (not choosable). [#backend()] is what the Chat
/// screen talks to: the local model's backend, or a [RemoteChatBackend] for the chosen connection's model.
/// Loading a model in the window chooses it. Runs on the UI thread.
public final class ModelPicker {

    /// One line of the picker.
    public sealed interface Choice {
        /// The model loaded in this window.
        record Local(String name) implements Choice {}

        /// A model a connection serves.
        record Remote(String connectionId, String connectionName, String model) implements Choice {}

        /// A connection being checked, or one that could not be reached (`problem` non-null): shown, not choosable.
        record Unavailable(String connectionId, String connectionName, ServeException problem) implements Choice {}
    }

    private final ObservableValue<String> localName;
    private final ObservableValue<ChatBackend> localBackend;
    private final ConnectionsViewModel connections;
    private final BiFunction<String, ServeException, String> describe;
    private final Map<Choice.Remote, RemoteChatBackend> remotes = new HashMap<>();

    // Properties
    private final ObservableList<Choice> choices = FXCollections.observableArrayList();
    private final ObjectProperty<Choice> selected = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<ChatBackend> backend = new ReadOnlyObjectWrapper<>();

    /// @param localName    the name of the model loaded in this window (null when none)
    /// @param localBackend its chat backend (null when none)
    /// @param describe     the words a failed remote reply shows, for a connection's name and the failure
    public ModelPicker(ObservableValue<String> localName, ObservableValue<ChatBackend> localBackend,
                       ConnectionsViewModel connections, BiFunction<String, ServeException, String> describe) {
        this.localName = localName;
        this.localBackend = localBackend;
        this.connections = connections;
        this.describe = describe;
        InvalidationListener rebuild = o -> rebuild();
        connections.items().addListener((ListChangeListener<ConnectionsViewModel.Item>) c -> {
            while (c.next()) for (var i : c.getAddedSubList()) { i.models().addListener(rebuild); i.status().addListener(rebuild); }
            rebuild();
        });
        for (var i : connections.items()) { i.models().addListener(rebuild); i.status().addListener(rebuild); }
        localName.addListener((o, a, b) -> {
            rebuild();
            if (b != null) selected.set(new Choice.Local(b)); // a model just loaded here is the one to chat with
        });
        localBackend.addListener((Observable o) -> updateBackend());
        selected.addListener((Observable o) -> updateBackend());
        rebuild();
        if (localName.getValue() != null) selected.set(new Choice.Local(localName.getValue()));
    }

    public ObservableList<Choice> choices() { return choices; }
    /// The chosen line; choosing an [Choice.Unavailable] one is ignored.
    public ObjectProperty<Choice> selected() { return selected; }
    /// What the Chat screen talks to, or null when nothing usable is chosen.
    public ReadOnlyObjectProperty<ChatBackend> backend() { return backend.getReadOnlyProperty(); }

    // Commands

    /// Asks every connection again for its models.
    public void refresh() {
        connections.checkAll();
    }

    private void rebuild() {
        List<Choice> out = new ArrayList<>();
        if (localName.getValue() != null) out.add(new Choice.Local(localName.getValue()));
        for (var i : connections.items()) {
            Connection c = i.connection();
            // while a connection is checked again its last models stay, so a chosen one stays chosen
            boolean listed = i.status().get() == ConnectionsViewModel.Status.REACHABLE
                    || i.status().get() == ConnectionsViewModel.Status.CHECKING && !i.models().get().isEmpty();
            if (listed)
                for (String m : i.models().get()) out.add(new Choice.Remote(c.id(), c.name(), m));
            else out.add(new Choice.Unavailable(c.id(), c.name(), i.problem().get()));
        }
        Choice keep = selected.get();
        if (!out.equals(choices)) choices.setAll(out);
        if (keep instanceof Choice.Local && localName.getValue() != null) keep = new Choice.Local(localName.getValue());
        if (keep != null && !choices.contains(keep)) keep = choices.stream().filter(ch -> ch instanceof Choice.Local).findFirst().orElse(null);
        if (!Objects.equals(keep, selected.get())) selected.set(keep);
        remotes.keySet().removeIf(r -> !choices.contains(r));
        updateBackend();
    }

    private void updateBackend() {
        ChatBackend b = switch (selected.get()) {
            case null -> null;
            case Choice.Local l -> localBackend.getValue();
            case Choice.Remote r -> {
                var item = connections.find(r.connectionId());
                yield item == null ? null : remotes.computeIfAbsent(r, k -> new RemoteChatBackend(item.host(), k.model(),
                        e -> describe.apply(k.connectionName(), e)));
            }
            case Choice.Unavailable u -> null;
        };
        if (b != backend.get()) backend.set(b);
    }
}
