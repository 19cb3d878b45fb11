package dev.karuku.engine.worker;

import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.hardware.HardwareProbe;

import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/// This machine as llama.cpp sees it (its GPUs with their free memory, its CPU backend), asked of a short-lived
/// worker process, so the process that serves never loads native code; RAM and cores come from the OS here. When
/// the worker cannot tell (no natives, it crashed), the machine is described without GPUs.
final class WorkerHardware {

    private static final System.Logger LOG = System.getLogger("karuku.worker");

    private WorkerHardware() {}

    static Hardware snapshot(List<String> jvmArgs) {
        try {
            Process p = new ProcessBuilder(WorkerCommand.forThisProcess(jvmArgs, WorkerMain.DEVICES))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            WorkerMessage m;
            try (InputStream in = p.getInputStream()) {
                m = WorkerProtocol.read(in);
            } finally {
                if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
            }
            if (m instanceof WorkerMessage.Devices d) return new HardwareProbe(d::gpus, d::cpu).snapshot();
            LOG.log(System.Logger.Level.WARNING, "the device probe answered {0}; planning without GPUs", m);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "the device probe failed ({0}); planning without GPUs", e.toString());
        }
        return HardwareProbe.withoutGpus().snapshot();
    }
}
