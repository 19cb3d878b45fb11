package dev.karuku.engine.llama;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.llama.internal.Abi;
import dev.karuku.engine.llama.internal.Fn;
import dev.karuku.engine.llama.internal.LogBridge;
import dev.karuku.engine.llama.internal.ModelFileCheck;
import dev.karuku.engine.llama.internal.ThreadLog;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/// `llama_model_quantize` with progress and a safe output: llama.cpp writes to `OUT.part`, which replaces `OUT`
/// only when quantization succeeded, so a failure never leaves a half-written model that looks valid.
final class Quantizer {

    /// `[  12/ 201]   blk.0.attn_q.weight - [ 2048,  2048,     1,     1], type =    f16, …`
    private static final Pattern TENSOR_LINE = Pattern.compile("^\\[\\s*(\\d+)/\\s*(\\d+)]\\s+(\\S+)");

    private Quantizer() {}

    static QuantizeResult quantize(Path in, Path out, FileType type, int threads, QuantizeListener listener) {
        var problem = ModelFileCheck.problem(in);
        if (problem.isPresent()) throw new ModelLoadException(in, problem.get(), List.of());
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1: " + threads);
        Path part = out.resolveSibling(out.getFileName() + ".part");
        long start = System.nanoTime();
        Consumer<LogLine> progress = line -> {
            Matcher m = TENSOR_LINE.matcher(line.text().strip());
            if (m.find()) listener.onTensor(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3));
        };
        LogBridge.beginThreadCapture(progress);
        try (Arena a = Arena.ofConfined(); ThreadLog log = ThreadLog.start()) {
            MemorySegment p = (MemorySegment) Fn.llama_model_quantize_default_params.invokeExact((SegmentAllocator) a);
            p.set(JAVA_INT, Abi.QP_NTHREAD, threads);
            p.set(JAVA_INT, Abi.QP_FTYPE, type.id());
            p.set(JAVA_BOOLEAN, Abi.QP_ALLOW_REQUANTIZE, true);
            int rc = (int) Fn.llama_model_quantize.invokeExact(a.allocateFrom(in.toAbsolutePath().toString()),
                    a.allocateFrom(part.toAbsolutePath().toString()), p);
            if (rc != 0) {
                Files.deleteIfExists(part);
                throw new LlamaException("cannot quantize " + in.getFileName() + " to " + type.label() + ": "
                        + log.reason("llama.cpp failed (" + rc + ")"), log.lines());
            }
            Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new QuantizeResult(out, type, Files.size(in), Files.size(out), Duration.ofNanos(System.nanoTime() - start));
        } catch (LlamaException e) {
            throw e;
        } catch (IOException e) {
            throw new LlamaException("cannot write " + out + ": " + e.getMessage(), List.of(), e);
        } catch (Throwable t) {
            throw Model.rethrow(t);
        } finally {
            LogBridge.endThreadCapture(progress);
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
