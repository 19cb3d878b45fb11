package dev.karuku.engine.llama;

import dev.karuku.engine.llama.internal.Abi;
import dev.karuku.engine.llama.internal.Fn;
import dev.karuku.engine.llama.internal.ModelFileCheck;
import dev.karuku.engine.llama.internal.ThreadLog;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/// A loaded model (weights in memory, on the GPU or mapped from the file): a `llama_model *` owned by an arena,
/// so [#close] frees it exactly once and any later use throws [IllegalStateException].
///
/// Load one with [LlamaRuntime#loadModel]; create [Context]s from it to evaluate text. Closing the model closes
/// its contexts first (llama.cpp would crash freeing a model under a live context). Tokenization and metadata
/// calls are safe from any thread; a [Context] belongs to one thread at a time (see [InferenceWorker]).
public final class Model implements AutoCloseable {

    private final Path file;
    private final Arena arena;
    private final MemorySegment handle;
    private final MemorySegment vocab;
    private final List<LogLine> loadLog;
    private final ModelInfo info;
    private final Set<AutoCloseable> contexts = ConcurrentHashMap.newKeySet();

    private Model(Path file, MemorySegment raw, List<LogLine> loadLog) {
        this.file = file;
        this.arena = Arena.ofShared();
        this.handle = raw.reinterpret(arena, Model::free);
        this.loadLog = List.copyOf(loadLog);
        try {
            this.vocab = ((MemorySegment) Fn.llama_model_get_vocab.invokeExact(handle)).reinterpret(arena, null);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        this.info = readInfo();
    }

    /// Loads `file`; see [LlamaRuntime#loadModel] (the public entry, which guarantees the natives are loaded).
    static Model load(Path file, LoadOptions options) {
        Optional<String> problem = ModelFileCheck.problem(file);
        if (problem.isPresent()) throw new ModelLoadException(file, problem.get(), List.of());
        ProgressUpcall progress = new ProgressUpcall(options.progress());
        try (Arena tmp = Arena.ofConfined(); ThreadLog log = ThreadLog.start()) {
            MemorySegment params = (MemorySegment) Fn.llama_model_default_params.invokeExact((SegmentAllocator) tmp);
            params.set(JAVA_INT, Abi.MP_N_GPU_LAYERS, options.settings().gpuLayers());
            if (!options.settings().mmap()) params.set(JAVA_INT, Abi.MP_LOAD_MODE, 0); // LLAMA_LOAD_MODE_NONE: read into memory
            params.set(ADDRESS, Abi.MP_PROGRESS_CALLBACK, progress.stub(tmp));
            MemorySegment path = tmp.allocateFrom(file.toAbsolutePath().toString());
            MemorySegment raw = (MemorySegment) Fn.llama_model_load_from_file.invokeExact(path, params);
            if (raw.equals(MemorySegment.NULL)) {
                if (progress.cancelled()) throw new LoadCancelledException(file, log.lines());
                throw new ModelLoadException(file, log.reason("llama.cpp could not load it"), log.lines());
            }
            return new Model(file, raw, log.lines());
        } catch (LlamaException e) {
            throw e;
        } catch (Throwable t) {
            throw new ModelLoadException(file, t.toString(), List.of());
        }
    }

    private static void free(MemorySegment model) {
        try {
            Fn.llama_model_free.invokeExact(model);
        } catch (Throwable ignored) {
            // nothing sensible to do while closing
        }
    }

    /// The native pointer; throws when closed. For this package's other handles.
    MemorySegment handle() {
        if (!arena.scope().isAlive()) throw new IllegalStateException("this model is closed: " + file.getFileName());
        return handle;
    }

    MemorySegment vocab() {
        handle();
        return vocab;
    }

    public Path file() {
        return file;
    }

    public ModelInfo info() {
        handle();
        return info;
    }

    /// What llama.cpp logged while loading this model (buffer sizes, layer assignment, warnings).
    public List<LogLine> loadLog() {
        return loadLog;
    }

    /// A GGUF metadata value as llama.cpp renders it, e.g. `meta("general.name")`.
    public Optional<String> meta(String key) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment k = a.allocateFrom(key);
            MemorySegment buf = a.allocate(256);
            int n = (int) Fn.llama_model_meta_val_str.invokeExact(handle(), k, buf, buf.byteSize());
            if (n < 0) return Optional.empty();
            if (n >= buf.byteSize()) {
                buf = a.allocate(n + 1L);
                n = (int) Fn.llama_model_meta_val_str.invokeExact(handle(), k, buf, buf.byteSize());
            }
            return Optional.of(buf.getString(0));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /// The model's default chat template (Jinja source), if the file has one.
    public Optional<String> chatTemplate() {
        return info().chatTemplate();
    }

    /// Text to tokens. `addSpecial` adds BOS/EOS as the model wants (true for a prompt's start);
    /// `parseSpecial` turns control-token text such as `<|im_start|>` into those tokens (true for rendered chats).
    public int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment t = a.allocateFrom(text);
            int len = (int) t.byteSize() - 1;
            int cap = len + 8;
            MemorySegment out = a.allocate(JAVA_INT, cap);
            int n = (int) Fn.llama_tokenize.invokeExact(vocab(), t, len, out, cap, addSpecial, parseSpecial);
            if (n < 0) {
                cap = -n;
                out = a.allocate(JAVA_INT, cap);
                n = (int) Fn.llama_tokenize.invokeExact(vocab(), t, len, out, cap, addSpecial, parseSpecial);
            }
            if (n < 0) throw new LlamaException("cannot tokenize the text (" + len + " bytes)");
            return out.asSlice(0, (long) n * Integer.BYTES).toArray(JAVA_INT);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /// The bytes a token stands for (may be part of a UTF-8 character). Control tokens give no bytes.
    public byte[] tokenBytes(int token) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(64);
            int n = pieceInto(token, buf);
            if (n < 0) {
                buf = a.allocate(-n);
                n = pieceInto(token, buf);
            }
            return buf.asSlice(0, Math.max(0, n)).toArray(JAVA_BYTE);
        }
    }

    /// A token's text as written in a prompt, control tokens included (`<|im_start|>`, `<bos>`): what a chat
    /// template reads as `bos_token`.
    public String tokenText(int token) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(256);
            int n = pieceInto(token, buf, true);
            if (n < 0) {
                buf = a.allocate(-n);
                n = pieceInto(token, buf, true);
            }
            return new String(buf.asSlice(0, Math.max(0, n)).toArray(JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /// Writes a token's bytes into `buf`; returns the length, or minus the size needed when `buf` is too small.
    int pieceInto(int token, MemorySegment buf) {
        return pieceInto(token, buf, false);
    }

    private int pieceInto(int token, MemorySegment buf, boolean special) {
        try {
            return (int) Fn.llama_token_to_piece.invokeExact(vocab(), token, buf, (int) buf.byteSize(), 0, special);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /// Tokens back to text (whole string; incomplete UTF-8 at the end becomes U+FFFD).
    public String detokenize(int[] tokens) {
        Utf8Accumulator utf8 = new Utf8Accumulator();
        StringBuilder sb = new StringBuilder();
        for (int t : tokens) sb.append(utf8.append(tokenBytes(t)));
        return sb.append(utf8.flush()).toString();
    }

    /// True for tokens that end a generation (EOS, end-of-turn, …).
    public boolean isEndOfGeneration(int token) {
        try {
            return (boolean) Fn.llama_vocab_is_eog.invokeExact(vocab(), token);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /// Whether prompts should start with BOS (`tokenize(text, true, …)` adds it then).
    public boolean addsBos() {
        try {
            return (boolean) Fn.llama_vocab_get_add_bos.invokeExact(vocab());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /// A new context (KV cache + compute buffers) sized by `options` (context length, batch, threads, KV type,
    /// flash attention). Closed with the model at the latest.
    public Context newContext(LoadOptions options) {
        Context c = Context.create(this, options);
        contexts.add(c);
        return c;
    }

    /// A context that computes everything on the CPU, even where a GPU backend is loaded (no KV cache and no batch
    /// matrix products on the GPU): for measurements that compare two models, which must run on the same backend,
    /// and that must not depend on a GPU's own numerics. Load the model with 0 GPU layers.
    public Context newCpuContext(LoadOptions options) {
        Context c = Context.create(this, options, true);
        contexts.add(c);
        return c;
    }

    /// A CPU context (as [#newCpuContext]) whose graph nodes `observer` sees as they are computed.
    Context newObservedCpuContext(LoadOptions options, Context.EvalObserver observer) {
        Context c = Context.create(this, options, true, observer);
        contexts.add(c);
        return c;
    }

    /// A context for `sequences` sequences decoded together (see [BatchContext]), each of `options.contextLength()`
    /// tokens. Closed with the model at the latest.
    public BatchContext newBatchContext(LoadOptions options, int sequences) {
        BatchContext c = BatchContext.create(this, options, sequences);
        contexts.add(c);
        return c;
    }

    void forget(AutoCloseable c) {
        contexts.remove(c);
    }

    /// Frees the model (after closing its contexts). Idempotent.
    @Override
    public void close() {
        synchronized (this) {
            if (!arena.scope().isAlive()) return;
            for (AutoCloseable c : List.copyOf(contexts)) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // contexts close without checked exceptions
                }
            }
            arena.close();
        }
    }

    private ModelInfo readInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(512);
            int dn = (int) Fn.llama_model_desc.invokeExact(handle, buf, buf.byteSize());
            String desc = dn > 0 ? buf.getString(0) : "";
            int layers = (int) Fn.llama_model_n_layer.invokeExact(handle);
            int embd = (int) Fn.llama_model_n_embd.invokeExact(handle);
            int heads = (int) Fn.llama_model_n_head.invokeExact(handle);
            int kvHeads = (int) Fn.llama_model_n_head_kv.invokeExact(handle);
            int ctxTrain = (int) Fn.llama_model_n_ctx_train.invokeExact(handle);
            long size = (long) Fn.llama_model_size.invokeExact(handle);
            long params = (long) Fn.llama_model_n_params.invokeExact(handle);
            int nVocab = (int) Fn.llama_vocab_n_tokens.invokeExact(vocab);
            MemorySegment tmpl = (MemorySegment) Fn.llama_model_chat_template.invokeExact(handle, MemorySegment.NULL);
            Optional<String> template = tmpl.equals(MemorySegment.NULL) ? Optional.empty()
                    : Optional.of(tmpl.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8));
            return new ModelInfo(desc, layers, embd, heads, kvHeads, ctxTrain, size, params, nVocab, template, metadata(a));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private Map<String, String> metadata(Arena a) throws Throwable {
        int count = (int) Fn.llama_model_meta_count.invokeExact(handle);
        Map<String, String> meta = new LinkedHashMap<>();
        MemorySegment key = a.allocate(256);
        MemorySegment val = a.allocate(4096);
        for (int i = 0; i < count; i++) {
            int kn = (int) Fn.llama_model_meta_key_by_index.invokeExact(handle, i, key, key.byteSize());
            int vn = (int) Fn.llama_model_meta_val_str_by_index.invokeExact(handle, i, val, val.byteSize());
            if (kn < 0 || vn < 0) continue;
            meta.put(key.getString(0), val.getString(0));
        }
        return meta;
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new LlamaException(t.toString(), List.of(), t);
    }
}
