package dev.karuku.engine.quality;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.ImportanceMatrix;
import dev.karuku.engine.llama.ImportanceMatrixRequiredException;
import dev.karuku.engine.llama.LlamaException;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.QuantizeListener;
import dev.karuku.engine.llama.QuantizeResult;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/// Quantizes in a child process, so that cancelling really stops the work: `llama_model_quantize` cannot be
/// interrupted, but a process can be ended, and its threads and memory go with it. The child writes `OUT.part`
/// (renamed to `OUT` when done, see [LlamaRuntime#quantize]); after a cancel or a failure neither is left.
///
/// The child is this JVM's own Java with its class path and `karuku.*` properties (so it finds the same natives),
/// running [#main]; it reports on stdout, one line each: `tensor DONE TOTAL NAME`, then `done` or
/// `error imatrix|other MESSAGE`.
public final class QuantizeProcess {

    private QuantizeProcess() {}

    /// Blocks until the file is written.
    ///
    /// @param imatrixFile an importance matrix in llama.cpp's GGUF format, or null
    /// @throws CancellationException           when `cancel` was signalled (nothing is left on disk)
    /// @throws ImportanceMatrixRequiredException when the type needs a matrix and none was given
    /// @throws LlamaException                  when llama.cpp failed, with its reason
    public static QuantizeResult run(Path in, Path out, FileType type, int threads, Path imatrixFile, QuantizeListener listener,
                                     Cancellation cancel) throws IOException {
        Path part = out.resolveSibling(out.getFileName() + ".part");
        List<String> cmd = command(in, out, type, threads, imatrixFile);
        long start = System.nanoTime();
        // stdin stays open while this process lives: the child ends (leaving nothing) when it closes
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread watcher = Thread.ofPlatform().daemon(true).name("karuku-quantize-cancel").start(() -> {
            try {
                while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
                    if (cancel.isCancelled()) {
                        p.destroyForcibly();
                        return;
                    }
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        });
        String error = null;
        boolean done = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("tensor ")) {
                    String[] f = line.split(" ", 4);
                    listener.onTensor(Integer.parseInt(f[1]), Integer.parseInt(f[2]), f.length > 3 ? f[3] : "");
                } else if (line.equals("done")) {
                    done = true;
                } else if (line.startsWith("error ")) {
                    error = line.substring(6);
                }
            }
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            cancel.cancel();
        } finally {
            watcher.interrupt();
        }
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(part);
        if (cancel.isCancelled() || !done) {
            Files.deleteIfExists(out); // a cancel that came as the child finished: nothing is kept either
            if (cancel.isCancelled()) throw new CancellationException("quantization cancelled");
            if (error != null && error.startsWith("imatrix ")) throw new ImportanceMatrixRequiredException(type, List.of());
            throw new LlamaException(error != null ? error.substring(error.indexOf(' ') + 1)
                    : "the quantizing process ended without a result (exit " + p.exitValue() + ")", List.of());
        }
        return new QuantizeResult(out, type, Files.size(in), Files.size(out), Duration.ofNanos(System.nanoTime() - start));
    }

    private static List<String> command(Path in, Path out, FileType type, int threads, Path imatrixFile) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-XX:+DisplayVMOutputToStderr");
        cmd.add("-Xlog:disable");
        cmd.add("-Xlog:all=warning:stderr");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dfile.encoding=UTF-8");
        cmd.add("-Dstdout.encoding=UTF-8");
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("karuku.")).sorted()
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(QuantizeProcess.class.getName());
        cmd.add(in.toAbsolutePath().toString());
        cmd.add(out.toAbsolutePath().toString());
        cmd.add(type.label());
        cmd.add(Integer.toString(threads));
        if (imatrixFile != null) cmd.add(imatrixFile.toAbsolutePath().toString());
        return cmd;
    }

    /// `bin/java` of the running runtime (an app image's launcher is not `java`, but its runtime has one).
    private static String java() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        Path java = Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
        if (Files.isExecutable(java)) return java.toString();
        return ProcessHandle.current().info().command().orElse("java");
    }

    /// The child: `IN OUT TYPE THREADS [IMATRIX]`.
    public static void main(String[] args) {
        PrintStream report = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // stdout carries the report lines only
        Path part = Path.of(args[1] + ".part");
        // the parent gone (killed, or Ctrl-C on karuku quantize): stop, and leave no half-written file behind
        Thread.ofPlatform().daemon(true).name("karuku-quantize-parent").start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent; only the end matters
                }
            } catch (IOException ignored) {
                // closed
            }
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // best effort
            }
            Runtime.getRuntime().halt(4);
        });
        try {
            FileType type = FileType.fromLabel(args[2]).orElseThrow(() -> new IllegalArgumentException("unknown type " + args[2]));
            ImportanceMatrix imatrix = args.length > 4 ? ImportanceMatrix.read(Path.of(args[4])) : null;
            LlamaRuntime.load().quantize(Path.of(args[0]), Path.of(args[1]), type, Integer.parseInt(args[3]), imatrix,
                    (done, total, tensor) -> report.println("tensor " + done + " " + total + " " + tensor));
            report.println("done");
            System.exit(0);
        } catch (ImportanceMatrixRequiredException e) {
            report.println("error imatrix " + oneLine(e.getMessage()));
            System.exit(3);
        } catch (Throwable t) {
            report.println("error other " + oneLine(t.getMessage() == null ? t.toString() : t.getMessage()));
            System.exit(2);
        }
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
