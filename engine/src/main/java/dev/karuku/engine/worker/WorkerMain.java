package dev.karuku.engine.worker;

import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.hardware.HardwareProbe;
import dev.karuku.engine.batch.Completers;
import dev.karuku.engine.batch.LoadedCompleter;
import dev.karuku.engine.estimate.MeasuredBuffers;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.ModelInfo;
import dev.karuku.engine.verify.BufferLogParser;
import dev.karuku.engine.llama.LlamaLog;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.serve.Completer;
import dev.karuku.engine.serve.Completion;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ServeException;
import dev.karuku.engine.settings.SpeculativeSettings;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/// The worker process: hosts one model for a [Supervisor], speaking [WorkerProtocol] on stdin and stdout.
///
/// stdout carries nothing but frames, so `System.out` is pointed at stderr before anything can print. stderr gets
/// every llama.cpp log line as plain text, and is where ggml writes a `GGML_ASSERT` before it aborts: the
/// supervisor keeps the last lines and hands them to whoever was waiting when the process died. The process exits
/// on [WorkerMessage.Shutdown] or when stdin closes, so it never outlives its supervisor, even one killed with -9.
public final class WorkerMain {

    /// The argument that makes the worker report [WorkerMessage.Devices] and exit instead of hosting a model.
    static final String DEVICES = "--devices";

    private final OutputStream out;
    private final Map<Long, Pending> completions = new ConcurrentHashMap<>();
    private volatile LoadedCompleter completer;
    /// llama.cpp's log while the model loads, for the buffers it allocated; null once loaded
    private volatile StringBuilder loadLog;

    private WorkerMain(OutputStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        OutputStream protocol = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        System.setOut(System.err);
        Logger.getLogger("llama.cpp").setLevel(Level.OFF); // its lines reach stderr once, below, as plain text
        if (args.length > 0 && args[0].equals(DEVICES)) {
            System.exit(new WorkerMain(protocol).devices());
        }
        InputStream in = new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16);
        int code = new WorkerMain(protocol).serve(in);
        System.exit(code);
    }

    /// Reads requests until shutdown or the end of stdin; returns the exit code.
    private int serve(InputStream in) {
        while (true) {
            WorkerMessage m;
            try {
                m = WorkerProtocol.read(in);
            } catch (IOException e) {
                System.err.println("karuku worker: " + e.getMessage());
                return 2;
            }
            switch (m) {
                case null -> {
                    return stop();
                }
                case WorkerMessage.Shutdown s -> {
                    return stop();
                }
                case WorkerMessage.Load l -> Thread.ofPlatform().name("karuku-worker-load").start(() -> load(l));
                case WorkerMessage.Submit s -> submit(s);
                case WorkerMessage.Count c -> Thread.ofVirtual().start(() -> count(c));
                case WorkerMessage.Cancel c -> {
                    Pending p = completions.get(c.id());
                    if (p != null) p.cancel();
                }
                default -> System.err.println("karuku worker: unexpected " + m.getClass().getSimpleName());
            }
        }
    }

    private int devices() {
        HardwareProbe probe = dev.karuku.engine.llama.LlamaHardware.probe();
        Hardware hw = probe.snapshot();
        send(new WorkerMessage.Devices(hw.gpus(), hw.cpu()));
        return 0;
    }

    private void load(WorkerMessage.Load l) {
        try {
            LlamaRuntime runtime = LlamaRuntime.load();
            StringBuilder log = new StringBuilder();
            loadLog = log;
            LlamaLog.subscribe(line -> {
                System.err.println(line.text());
                StringBuilder b = loadLog;
                if (b != null) synchronized (b) { b.append(line.text()).append('\n'); }
            });
            float[] last = {-1};
            LoadOptions options = l.options().withProgress(f -> {
                if (f - last[0] >= 0.01f || f >= 1f) { // a frame per percent, not one per tensor
                    last[0] = f;
                    send(new WorkerMessage.Progress(f));
                }
                return true;
            });
            LoadedCompleter c = Completers.open(runtime, l.file(), options, l.parallel(), l.queueLimit(), l.speculative());
            completer = c;
            loadLog = null;
            String text;
            synchronized (log) { text = log.toString(); }
            send(new WorkerMessage.Loaded(report(runtime, c, l.options().settings().gpuLayers(), text, l.speculative())));
        } catch (RuntimeException | Error e) {
            send(new WorkerMessage.LoadFailed(e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    /// Where the layers went and what llama.cpp allocated, from its log (its own "offloaded X/Y layers" when it
    /// wrote it).
    private static LoadReport report(LlamaRuntime runtime, LoadedCompleter c, int gpuLayersAsked, String log,
                                     SpeculativeSettings speculative) {
        ModelInfo info = c.model().info();
        MeasuredBuffers b = BufferLogParser.parse(log, runtime.bufferTypes()); // with a draft model: both models' buffers
        // where the layers went is the model's own line, the first of the log; a draft model's comes after it
        MeasuredBuffers own = speculative.draft() == null ? b : BufferLogParser.parse(untilFirstOffload(log), runtime.bufferTypes());
        int layers = own.units() > 0 ? own.units() : info.layers() + 1;
        int onGpu = !runtime.supportsGpuOffload() ? 0 : own.offloaded() >= 0 ? own.offloaded()
                : gpuLayersAsked < 0 ? layers : Math.min(gpuLayersAsked, layers);
        String backend = onGpu > 0 ? backendName(runtime.backend()) : "CPU";
        return new LoadReport(backend, onGpu, layers, c.sequenceSize(), info.sizeBytes(), b,
                c.template().jinjaFailure().orElse(null), c.template().offersThinkingSwitch(), speculative);
    }

    private static String untilFirstOffload(String log) {
        int at = log.indexOf("layers to GPU");
        if (at < 0) return log;
        int end = log.indexOf('\n', at);
        return end < 0 ? log : log.substring(0, end + 1);
    }

    static String backendName(String b) {
        return switch (b.toLowerCase(java.util.Locale.ROOT)) {
            case "cuda" -> "CUDA";
            case "vulkan" -> "Vulkan";
            case "metal" -> "Metal";
            default -> "CPU";
        };
    }

    private void count(WorkerMessage.Count c) {
        LoadedCompleter b = completer;
        try {
            if (b == null) throw new IllegalStateException("no model is loaded in this worker");
            send(new WorkerMessage.Counted(c.id(), b.countTokens(c.messages()), null));
        } catch (RuntimeException e) {
            send(new WorkerMessage.Counted(c.id(), -1, String.valueOf(e.getMessage())));
        }
    }

    private void submit(WorkerMessage.Submit s) {
        Completer c = completer;
        if (c == null) {
            send(new WorkerMessage.Error(s.id(), ServeException.Kind.INTERNAL, "no model is loaded in this worker"));
            return;
        }
        Pending p = new Pending();
        completions.put(s.id(), p);
        p.set(c.submit(s.request(), new CompletionListener() {
            @Override
            public void onPrompt(int tokens) {
                send(new WorkerMessage.Prompt(s.id(), tokens));
            }

            @Override
            public void onText(String piece) {
                send(new WorkerMessage.Text(s.id(), piece));
            }

            @Override
            public void onComplete(CompletionResult result) {
                completions.remove(s.id());
                send(new WorkerMessage.Complete(s.id(), result.reason(), result.stats()));
            }

            @Override
            public void onError(ServeException error) {
                completions.remove(s.id());
                send(new WorkerMessage.Error(s.id(), error.kind(), error.getMessage()));
            }
        }));
    }

    private int stop() {
        completions.values().forEach(Pending::cancel);
        Completer c = completer;
        if (c != null) c.close();
        return 0;
    }

    private void send(WorkerMessage m) {
        synchronized (out) {
            try {
                WorkerProtocol.write(out, m);
            } catch (IOException e) {
                // the supervisor is gone: nobody is left to answer
                Runtime.getRuntime().halt(3);
            }
        }
    }

    /// A completion's handle, which may be cancelled before the completer has returned it.
    private static final class Pending {
        private Completion completion;
        private boolean cancelled;

        synchronized void set(Completion c) {
            completion = c;
            if (cancelled) c.cancel();
        }

        synchronized void cancel() {
            cancelled = true;
            if (completion != null) completion.cancel();
        }
    }
}
