package dev.karuku.engine.llama;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.TensorInfo;
import dev.karuku.engine.library.ModelFiles;
import dev.karuku.engine.llama.internal.Abi;
import dev.karuku.engine.llama.internal.Fn;
import dev.karuku.engine.llama.internal.LogBridge;
import dev.karuku.engine.llama.internal.ModelFileCheck;
import dev.karuku.engine.llama.internal.ThreadLog;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// `llama_model_quantize` with progress and a safe output: llama.cpp writes to `OUT.part`, which replaces `OUT`
/// only when quantization succeeded, so a failure never leaves a half-written model that looks valid. Also its dry
/// run, which makes llama.cpp choose every tensor's type without writing anything: the size of the output follows.
final class Quantizer {

    /// `[  12/ 201]   blk.0.attn_q.weight - [ 2048,  2048,     1,     1], type =    f16, …`
    private static final Pattern TENSOR_LINE = Pattern.compile("^\\[\\s*(\\d+)/\\s*(\\d+)]\\s+(\\S+)");
    /// The rest of a dry run's tensor line: `size =     8.00 MiB ->     2.25 MiB (q4_K)`, or `size = 0.008 MiB` when kept.
    private static final Pattern SIZE_LINE = Pattern.compile("^size\\s*=.*\\((\\w+)\\)\\s*$");
    private static final String NEEDS_IMATRIX = "will require an imatrix";

    private Quantizer() {}

    static QuantizeResult quantize(Path in, Path out, FileType type, int threads, ImportanceMatrix imatrix, QuantizeListener listener) {
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
            if (imatrix != null) p.set(ADDRESS, Abi.QP_IMATRIX, imatrixData(a, imatrix.entries()));
            int rc = (int) Fn.llama_model_quantize.invokeExact(a.allocateFrom(in.toAbsolutePath().toString()),
                    a.allocateFrom(part.toAbsolutePath().toString()), p);
            if (rc != 0) {
                Files.deleteIfExists(part);
                String reason = log.reason("llama.cpp failed (" + rc + ")");
                if (imatrix == null && log.lines().stream().anyMatch(l -> l.text().contains("requires an importance matrix")
                        || l.text().contains("Missing importance matrix"))) {
                    throw new ImportanceMatrixRequiredException(type, log.lines());
                }
                throw new LlamaException("cannot quantize " + in.getFileName() + " to " + type.label() + ": " + reason, log.lines());
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

    /// llama.cpp's dry run: the type it gives each tensor for `type` (with an importance matrix or without: some
    /// choices depend on having one), and from those types the output's exact tensor bytes; the header's size is
    /// the input's with `general.file_type` and `general.quantization_version` set and the split keys removed.
    static QuantizePlan plan(Path in, FileType type, boolean withImatrix) {
        var problem = ModelFileCheck.problem(in);
        if (problem.isPresent()) throw new ModelLoadException(in, problem.get(), List.of());
        Map<String, TensorInfo> inputs = new LinkedHashMap<>();
        GgufFile first;
        try {
            first = GgufReader.read(in);
            for (Path f : ModelFiles.parts(in)) for (TensorInfo t : GgufReader.read(f).tensors()) inputs.put(t.name(), t);
        } catch (IOException | dev.karuku.engine.gguf.GgufException e) {
            throw new ModelLoadException(in, e.getMessage(), List.of());
        }
        Map<String, GgmlType> chosen = new LinkedHashMap<>();
        String[] current = {null};
        boolean[] needsImatrix = {false};
        Consumer<LogLine> sink = line -> {
            String text = line.text().strip();
            Matcher m = TENSOR_LINE.matcher(text);
            if (m.find()) {
                current[0] = m.group(3);
                return;
            }
            if (text.contains(NEEDS_IMATRIX)) needsImatrix[0] = true;
            Matcher s = SIZE_LINE.matcher(text);
            if (s.find() && current[0] != null) {
                chosen.put(current[0], GgmlType.valueOf(s.group(1).toUpperCase(Locale.ROOT)));
                current[0] = null;
            }
        };
        LogBridge.beginThreadCapture(sink);
        try (Arena a = Arena.ofConfined(); ThreadLog log = ThreadLog.start()) {
            MemorySegment p = (MemorySegment) Fn.llama_model_quantize_default_params.invokeExact((SegmentAllocator) a);
            p.set(JAVA_INT, Abi.QP_NTHREAD, 1);
            p.set(JAVA_INT, Abi.QP_FTYPE, type.id());
            p.set(JAVA_BOOLEAN, Abi.QP_ALLOW_REQUANTIZE, true);
            p.set(JAVA_BOOLEAN, Abi.QP_DRY_RUN, true);
            // an empty matrix (just the end marker) makes llama.cpp choose as it would with one
            if (withImatrix) p.set(ADDRESS, Abi.QP_IMATRIX, imatrixData(a, Map.of()));
            Path nowhere = in.resolveSibling(in.getFileName() + ".dry-run");
            int rc = (int) Fn.llama_model_quantize.invokeExact(a.allocateFrom(in.toAbsolutePath().toString()),
                    a.allocateFrom(nowhere.toAbsolutePath().toString()), p);
            if (rc != 0) {
                throw new LlamaException("cannot plan " + in.getFileName() + " as " + type.label() + ": "
                        + log.reason("llama.cpp failed (" + rc + ")"), log.lines());
            }
        } catch (LlamaException e) {
            throw e;
        } catch (Throwable t) {
            throw Model.rethrow(t);
        } finally {
            LogBridge.endThreadCapture(sink);
        }
        long tensorBytes = 0;
        long padded = 0;
        long infoIn = 0;
        long infoOut = 0;
        Map<String, GgmlType> types = new LinkedHashMap<>();
        for (TensorInfo t : inputs.values()) {
            GgmlType to = chosen.getOrDefault(t.name(), t.type());
            types.put(t.name(), to);
            long bytes = TensorInfo.byteSize(to, t.shape());
            tensorBytes += bytes;
            padded += alignUp(bytes, 32); // llama.cpp pads each tensor to GGUF_DEFAULT_ALIGNMENT
            infoOut += tensorInfoBytes(t);
        }
        for (TensorInfo t : first.tensors()) infoIn += tensorInfoBytes(t);
        long kv = first.headerBytes() - infoIn;
        var md = first.metadata();
        if (md.get("general.file_type").isEmpty()) kv += kvU32Bytes("general.file_type");
        if (md.get("general.quantization_version").isEmpty()) kv += kvU32Bytes("general.quantization_version");
        for (String k : List.of("split.no", "split.count", "split.tensors.count")) {
            if (md.get(k).isPresent()) kv -= 8 + k.getBytes(StandardCharsets.UTF_8).length + 4 + (k.equals("split.tensors.count") ? 4 : 2);
        }
        long header = alignUp(kv + infoOut, first.alignment());
        return new QuantizePlan(type, header + padded, tensorBytes, types, needsImatrix[0] && !withImatrix);
    }

    /// `llama_model_imatrix_data[]` for `entries`, ended by an entry with a NULL name; lives as long as `a`.
    private static MemorySegment imatrixData(Arena a, Map<String, ImportanceMatrix.Entry> entries) {
        MemorySegment array = a.allocate(Abi.IMATRIX_DATA, entries.size() + 1);
        long size = Abi.IMATRIX_DATA.byteSize();
        int i = 0;
        for (var e : entries.entrySet()) {
            float[] means = e.getValue().means();
            MemorySegment data = a.allocate(JAVA_FLOAT, means.length);
            MemorySegment.copy(means, 0, data, JAVA_FLOAT, 0, means.length);
            MemorySegment item = array.asSlice(i++ * size, size);
            item.set(ADDRESS, 0, a.allocateFrom(e.getKey()));
            item.set(ADDRESS, ADDRESS.byteSize(), data);
            item.set(JAVA_LONG, 2 * ADDRESS.byteSize(), means.length);
        }
        return array; // the last entry stays zeroed: name NULL ends the list
    }

    private static long tensorInfoBytes(TensorInfo t) {
        return 8 + t.name().getBytes(StandardCharsets.UTF_8).length + 4 + 8L * t.dimensions() + 4 + 8;
    }

    private static long kvU32Bytes(String key) {
        return 8 + key.getBytes(StandardCharsets.UTF_8).length + 4 + 4;
    }

    private static long alignUp(long n, long alignment) {
        return (n + alignment - 1) / alignment * alignment;
    }
}
