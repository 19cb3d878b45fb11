package dev.karuku.app.load;

import dev.karuku.engine.llama.LlamaHardware;
import dev.karuku.engine.worker.Supervisor;
import dev.karuku.engine.worker.SupervisorOptions;
import java.util.List;

/// A real supervisor of worker processes for a test, and the app's loader over it; closing ends every worker.
final class TestHost implements AutoCloseable {
    final Supervisor host = new Supervisor(List.of(), SupervisorOptions.defaults().withHardware(LlamaHardware.probe()::snapshot));

    ModelLoader loader() {
        return new WorkerModelLoader(host, null, e -> e.kind() + ": " + e.getMessage());
    }

    @Override
    public void close() {
        host.close();
    }
}
