package dev.karuku.engine.llama;

import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.GgufWriter;
import dev.karuku.engine.gguf.TensorInfo;
import dev.karuku.engine.llama.internal.Abi;
import dev.karuku.engine.llama.internal.Fn;
import dev.karuku.engine.settings.LoadSettings;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// An importance matrix, llama.cpp's way (`tools/imatrix`): for every weight matrix of the blocks, the sum of the
/// squares of each input column's activations over a text, and how many rows (tokens) were summed. Quantizing with
/// it ([LlamaRuntime#quantize]) weighs each column's rounding error by its mean squared activation, so the weights
/// that meet large activations keep more precision: llama.cpp's form of the activation-aware idea behind AWQ.
///
/// Collected through the context's eval callback exactly as `llama-imatrix` does: every `MUL_MAT` whose weight is a
/// `blk.*` tensor and whose F32 input has at least 16 rows. Mixture-of-experts matrices (`MUL_MAT_ID`) are not
/// collected here. Saved and read in llama.cpp's GGUF imatrix format (`NAME.in_sum2`, `NAME.counts`,
/// `imatrix.chunk_count`, `imatrix.chunk_size`, `imatrix.datasets`), so `llama-quantize --imatrix` reads our files too.
public final class ImportanceMatrix {

    /// One matrix: `sums` holds `ne0 × matrices` squared-activation sums, `counts` the rows summed per matrix.
    public record Entry(float[] sums, float[] counts) {
        /// Mean squared activation per input column: what `llama_model_quantize` takes.
        public float[] means() {
            int mats = counts.length;
            int ne0 = sums.length / mats;
            float[] out = new float[sums.length];
            for (int m = 0; m < mats; m++) {
                float c = counts[m];
                for (int j = 0; j < ne0; j++) out[m * ne0 + j] = c > 0 ? sums[m * ne0 + j] / c : 1f; // no data: neutral
            }
            return out;
        }
    }

    /// Told after each chunk.
    @FunctionalInterface
    public interface Progress {
        void chunkDone(int done, int total);
    }

    private final SortedMap<String, Entry> entries;
    private final int chunkCount;
    private final int chunkSize;
    private final List<String> datasets;

    public ImportanceMatrix(Map<String, Entry> entries, int chunkCount, int chunkSize, List<String> datasets) {
        this.entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
        this.chunkCount = chunkCount;
        this.chunkSize = chunkSize;
        this.datasets = List.copyOf(datasets);
    }

    /// Matrices by weight name (`blk.0.attn_q.weight`).
    public SortedMap<String, Entry> entries() {
        return entries;
    }

    public int chunkCount() {
        return chunkCount;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /// What it was computed on (file names, or `text`).
    public List<String> datasets() {
        return datasets;
    }

    /// Runs `text` through `model` in chunks of `contextLength` tokens (each from an empty cache, its first token
    /// BOS where the model adds one, as `llama-imatrix` does) and collects the activations. `chunks` 0 = all the
    /// text holds. Load the model with 0 GPU layers: the activations are read from CPU memory.
    ///
    /// @throws IllegalArgumentException when the text is shorter than one chunk
    /// @throws CancellationException    when cancelled (nothing is returned)
    public static ImportanceMatrix compute(Model model, String text, String dataset, int contextLength, int chunks, int threads,
                                           Progress progress, Cancellation cancel) {
        int[] tokens = model.tokenize(text, true, false);
        int n = contextLength;
        int available = tokens.length / n;
        if (available == 0) {
            throw new IllegalArgumentException("the text has " + tokens.length + " tokens, fewer than one chunk of " + n
                    + "; use a longer text or a smaller context");
        }
        int total = chunks == 0 ? available : Math.min(chunks, available);
        Collector collector = new Collector();
        LoadOptions load = LoadOptions.of(LoadSettings.DEFAULTS.withGpuLayers(0).withContextLength(n).withThreads(threads)
                .withBatch(Math.min(n, 2048)).withUbatch(Math.min(n, 512)));
        try (Context ctx = model.newObservedCpuContext(load, collector)) {
            for (int c = 0; c < total; c++) {
                int[] chunk = Arrays.copyOfRange(tokens, c * n, (c + 1) * n);
                if (model.addsBos()) chunk[0] = tokens[0]; // tokenized with BOS first
                ctx.clear();
                // every position is an output, as in llama-imatrix: else the last block's feed-forward sees one row
                if (!ctx.evaluateWithLogits(chunk, 0, n, 0, (i, logits) -> {}, cancel) || cancel.isCancelled()) {
                    throw new CancellationException("importance matrix cancelled");
                }
                progress.chunkDone(c + 1, total);
            }
        }
        if (collector.failure != null) throw new LlamaException("cannot collect activations: " + collector.failure, List.of());
        if (collector.stats.isEmpty()) throw new LlamaException("no weight matrix of " + model.file().getFileName()
                + " met an activation (only dense blk.* matrices are collected)", List.of());
        Map<String, Entry> out = new TreeMap<>();
        collector.stats.forEach((name, s) -> {
            float[] sums = new float[s.sums.length];
            for (int i = 0; i < sums.length; i++) sums[i] = (float) s.sums[i];
            float[] counts = new float[s.counts.length];
            for (int i = 0; i < counts.length; i++) counts[i] = s.counts[i];
            out.put(name, new Entry(sums, counts));
        });
        return new ImportanceMatrix(out, total, n, List.of(dataset));
    }

    /// Writes llama.cpp's GGUF imatrix file.
    public void write(Path file) throws IOException {
        GgufWriter w = new GgufWriter()
                .putString("general.type", "imatrix")
                .putStrings("imatrix.datasets", datasets)
                .putU32("imatrix.chunk_count", chunkCount)
                .putU32("imatrix.chunk_size", chunkSize);
        for (var e : entries.entrySet()) {
            int mats = e.getValue().counts().length;
            w.tensor(e.getKey() + ".in_sum2", GgmlType.F32, new long[] {e.getValue().sums().length / mats, mats},
                    GgufWriter.TensorData.of(e.getValue().sums()));
            w.tensor(e.getKey() + ".counts", GgmlType.F32, new long[] {1, mats}, GgufWriter.TensorData.of(e.getValue().counts()));
        }
        w.write(file);
    }

    /// Reads a GGUF imatrix file (ours or `llama-imatrix`'s).
    public static ImportanceMatrix read(Path file) throws IOException {
        GgufFile g;
        try {
            g = GgufReader.read(file);
        } catch (dev.karuku.engine.gguf.GgufException e) {
            throw new IOException(file.getFileName() + ": " + e.getMessage(), e);
        }
        if (!"imatrix".equals(g.metadata().string("general.type").orElse(""))) {
            throw new IOException(file.getFileName() + " is not an importance matrix (general.type is not imatrix)");
        }
        Map<String, Entry> out = new TreeMap<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (TensorInfo t : g.tensors()) {
                if (!t.name().endsWith(".in_sum2")) continue;
                String name = t.name().substring(0, t.name().length() - ".in_sum2".length());
                TensorInfo c = g.tensor(name + ".counts").orElseThrow(() -> new IOException("no counts for " + name));
                out.put(name, new Entry(floats(ch, g, t), floats(ch, g, c)));
            }
        }
        int chunks = (int) g.metadata().integer("imatrix.chunk_count").orElse(0);
        int size = (int) g.metadata().integer("imatrix.chunk_size").orElse(0);
        return new ImportanceMatrix(out, chunks, size, List.of());
    }

    private static float[] floats(FileChannel ch, GgufFile g, TensorInfo t) throws IOException {
        if (t.type() != GgmlType.F32) throw new IOException(t.name() + " is " + t.type() + ", not F32");
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(t.bytes())).order(ByteOrder.LITTLE_ENDIAN);
        long pos = g.dataOffset() + t.offset();
        while (b.hasRemaining()) if (ch.read(b, pos + b.position()) < 0) throw new IOException("truncated: " + t.name());
        b.flip();
        float[] out = new float[Math.toIntExact(t.bytes() / 4)];
        b.asFloatBuffer().get(out);
        return out;
    }

    /// The eval callback's side: sums the squares of each matrix product's input, per column.
    static final class Collector implements Context.EvalObserver {
        private static final long TENSOR_BYTES = Abi.GGML_TENSOR.byteSize();
        private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

        static final class Stat {
            final double[] sums;
            final long[] counts;

            Stat(int values, int mats) {
                sums = new double[values];
                counts = new long[mats];
            }
        }

        final Map<String, Stat> stats = new TreeMap<>();
        String failure;
        private float[] row = new float[0];

        @Override
        public boolean observe(MemorySegment node, boolean ask) {
            MemorySegment t = node.reinterpret(TENSOR_BYTES);
            int op = t.get(JAVA_INT, Abi.T_OP);
            if (op != Abi.GGML_OP_MUL_MAT) return !ask; // MUL_MAT_ID (experts) is not collected here
            MemorySegment src0 = t.get(ADDRESS, Abi.T_SRC).reinterpret(TENSOR_BYTES);
            MemorySegment src1 = t.get(ADDRESS, Abi.T_SRC + ADDRESS.byteSize()).reinterpret(TENSOR_BYTES);
            String name = weightName(src0);
            if (ask) {
                return ne(src1, 1) >= 16 && src1.get(JAVA_INT, Abi.T_TYPE) == Abi.GGML_TYPE_F32 && name.startsWith("blk.");
            }
            try {
                collect(name, src0, src1);
            } catch (RuntimeException e) {
                if (failure == null) failure = name + ": " + e.getMessage();
            }
            return true;
        }

        private void collect(String name, MemorySegment src0, MemorySegment src1) {
            MemorySegment data = src1.get(ADDRESS, Abi.T_DATA);
            MemorySegment buffer = src1.get(ADDRESS, Abi.T_BUFFER);
            if (data.equals(MemorySegment.NULL) || buffer.equals(MemorySegment.NULL) || !isHost(buffer)) {
                throw new IllegalStateException("the activations are not in CPU memory (load the model with 0 GPU layers)");
            }
            long ne0 = ne(src1, 0);
            long mats0 = ne(src0, 2) * ne(src0, 3);
            Stat s = stats.computeIfAbsent(name, k -> new Stat(Math.toIntExact(ne0 * mats0), (int) mats0));
            if (s.sums.length != ne0 * mats0) throw new IllegalStateException("inconsistent size " + s.sums.length + " vs " + ne0 * mats0);
            long nb1 = nb(src1, 1), nb2 = nb(src1, 2), nb3 = nb(src1, 3);
            long extent = (ne(src1, 3) - 1) * nb3 + (ne(src1, 2) - 1) * nb2 + (ne(src1, 1) - 1) * nb1 + ne0 * 4;
            MemorySegment x = data.reinterpret(extent);
            if (row.length < ne0) row = new float[(int) ne0];
            for (long i3 = 0; i3 < ne(src1, 3); i3++) {
                for (long i2 = 0; i2 < ne(src1, 2); i2++) {
                    int mat = (int) ((i3 % ne(src0, 3)) * ne(src0, 2) + (i2 % ne(src0, 2)));
                    int base = (int) (mat * ne0);
                    for (long r = 0; r < ne(src1, 1); r++) {
                        MemorySegment.copy(x, F32, r * nb1 + i2 * nb2 + i3 * nb3, row, 0, (int) ne0);
                        for (int j = 0; j < ne0; j++) s.sums[base + j] += (double) row[j] * row[j];
                    }
                }
            }
            long rows = ne(src1, 1) * ne(src1, 2) * ne(src1, 3);
            for (int m = 0; m < s.counts.length; m++) s.counts[m] += rows / mats0;
            for (int j = 0; j < s.sums.length; j++) {
                if (!Double.isFinite(s.sums[j])) throw new IllegalStateException("non-finite activations");
            }
        }

        private static boolean isHost(MemorySegment buffer) {
            try {
                return (boolean) Fn.ggml_backend_buffer_is_host.invokeExact(buffer);
            } catch (Throwable t) {
                return false;
            }
        }

        private static long ne(MemorySegment t, int i) {
            return t.get(JAVA_LONG, Abi.T_NE + 8L * i);
        }

        private static long nb(MemorySegment t, int i) {
            return t.get(JAVA_LONG, Abi.T_NB + 8L * i);
        }

        /// The weight's name, as `llama-imatrix` filters it (the part between `#` marks of a renamed copy).
        static String weightName(MemorySegment tensor) {
            String raw = tensor.getString(Abi.T_NAME);
            int p = raw.indexOf('#');
            if (p < 0) return raw;
            int q = raw.indexOf('#', p + 1);
            return q < 0 ? raw.substring(p + 1) : raw.substring(p + 1, q);
        }
    }
}
