package dev.karuku.app.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.serve.ServeException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// Settings → Connections and the Chat screen's picker without a window: connections are kept with their keys in
/// a private file, an unreachable one says so and cannot be chosen.
class ConnectionsViewModelTest {
    @TempDir Path home;

    @Test
    void aConnectionIsKeptWithItsKeyAndAnUnreachableOneSaysSoInThePicker() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ConnectionStore store = new ConnectionStore(home.resolve("connections.json"));
        ConnectionsViewModel vm = new ConnectionsViewModel(store, Runnable::run, Runnable::run, UiThread.direct());
        SimpleStringProperty localName = new SimpleStringProperty("successor.gguf");
        SimpleObjectProperty<ChatBackend> localBackend = new SimpleObjectProperty<>(new RemoteChatBackend(
                new dev.karuku.engine.remote.RemoteHost(java.net.URI.create("http://127.0.0.1:9/v1"), null), "local", e -> ""));
        ModelPicker picker = new ModelPicker(localName, localBackend, vm, (name, e) -> name + ": " + e.kind());

        vm.url().set("ftp://nowhere");
        assertThat(vm.add()).isNull();
        assertThat(vm.formProblem().get()).isEqualTo(ConnectionsViewModel.FormProblem.BAD_URL);

        vm.name().set("Desk PC");
        vm.url().set("127.0.0.1:" + port);
        vm.apiKey().set("sk-secret");
        ConnectionsViewModel.Item item = vm.add();
        assertThat(item.connection().url()).isEqualTo("http://127.0.0.1:" + port + "/v1");
        assertThat(item.status().get()).isEqualTo(ConnectionsViewModel.Status.FAILED);
        assertThat(item.problem().get().kind()).isEqualTo(ServeException.Kind.UNREACHABLE);
        assertThat(vm.url().get()).isEmpty();

        assertThat(picker.choices()).containsExactly(new ModelPicker.Choice.Local("successor.gguf"),
                new ModelPicker.Choice.Unavailable(item.connection().id(), "Desk PC", item.problem().get()));
        assertThat(picker.backend().get()).isSameAs(localBackend.get());

        assertThat(new ConnectionStore(home.resolve("connections.json")).load())
                .containsExactly(new Connection(item.connection().id(), "Desk PC", "http://127.0.0.1:" + port + "/v1", "sk-secret"));
        if (Files.getFileStore(home).supportsFileAttributeView("posix"))
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("connections.json"))))
                    .isEqualTo("rw-------");

        vm.remove(item);
        assertThat(picker.choices()).containsExactly(new ModelPicker.Choice.Local("successor.gguf"));
        assertThat(store.load()).isEmpty();
        vm.close();
    }
}
