package dev.karuku.app.server;

import dev.karuku.engine.serve.Completion;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.HostedModel;
import dev.karuku.engine.serve.ModelHost;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/// The models the local API serves, as the list of them changes (a model added to the library, another loaded in
/// the window): a [ModelHost] made by `make` for the current list, made again when the list's ids change. The one
/// it replaces is closed once its running completions have had their time (a minute), so no answer is cut short
/// by a download finishing.
public final class ServedModels implements ModelHost {
    private final Supplier<List<HostedModel>> list;
    private final Function<List<HostedModel>, ModelHost> make;
    private List<String> ids;
    private ModelHost host;

    public ServedModels(Supplier<List<HostedModel>> list, Function<List<HostedModel>, ModelHost> make) {
        this.list = list;
        this.make = make;
    }

    private synchronized ModelHost current() {
        List<HostedModel> now = list.get();
        List<String> nowIds = now.stream().map(HostedModel::id).toList();
        if (host == null || !nowIds.equals(ids)) {
            ModelHost old = host;
            host = make.apply(now);
            ids = nowIds;
            if (old != null) Thread.ofVirtual().name("karuku-served-models-retire").start(() -> {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException ignored) {
                    // close now
                }
                old.close();
            });
        }
        return host;
    }

    @Override
    public List<HostedModel> models() {
        return current().models();
    }

    @Override
    public Completion submit(CompletionRequest request, CompletionListener listener) {
        return current().submit(request, listener);
    }

    @Override
    public synchronized void close() {
        if (host != null) host.close();
        host = null;
    }
}
