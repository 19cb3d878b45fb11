package dev.karuku.engine.llama;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.llama.internal.Fn;
import dev.karuku.engine.llama.internal.NativeLoader;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// The entry point of the llama.cpp binding: loads the native libraries (once per process), lists devices,
/// loads models and quantizes files.
///
/// ```java
/// LlamaRuntime llama = LlamaRuntime.load();                   // finds engine/target/natives or lib/natives
/// try (Model model = llama.loadModel(file, LoadOptions.of(LoadSettings.DEFAULTS.withContextLength(2048)));
///      Context ctx = model.newContext(options)) { … }
/// ```
/// Most callers want [LoadedModel] instead, which owns a model, a context and the thread that drives them.
///
/// The natives are process-wide state in llama.cpp (its backend registry, its log), so there is exactly one
/// runtime; [#load] returns it, loading on the first call. Natives are found as described in
/// `NativeLocator`: `-Dkaruku.natives`, `KARUKU_NATIVES`, else `natives` beside the engine; a GPU variant
/// (`*-cuda`, `*-metal`, `*-vulkan`) is preferred; `KARUKU_BACKEND=cpu|vulkan|cuda|metal` forces one.
public final class LlamaRuntime {

    private static volatile LlamaRuntime instance;

    private final NativeLoader.Loaded loaded;

    private LlamaRuntime(NativeLoader.Loaded loaded) {
        this.loaded = loaded;
    }

    /// Loads llama.cpp if needed and returns the runtime.
    ///
    /// @throws NativesUnavailableException with every path tried and what to do
    public static LlamaRuntime load() {
        LlamaRuntime r = instance;
        if (r != null) return r;
        synchronized (LlamaRuntime.class) {
            if (instance == null) instance = new LlamaRuntime(NativeLoader.load());
            return instance;
        }
    }

    /// The variant folder in use, e.g. `linux-x64-vulkan`.
    public String variant() {
        return loaded.variant().name();
    }

    /// `cpu`, `vulkan`, `cuda` or `metal`: the backend the loaded variant was built for (it may still find no
    /// GPU; see [#devices]).
    public String backend() {
        return loaded.variant().backend();
    }

    public Path nativesDirectory() {
        return loaded.variant().dir();
    }

    /// Every device ggml can use now, CPU included, with free and total memory.
    public List<Device> devices() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(JAVA_LONG);
            MemorySegment total = a.allocate(JAVA_LONG);
            long n = (long) Fn.ggml_backend_dev_count.invokeExact();
            List<Device> out = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                MemorySegment dev = (MemorySegment) Fn.ggml_backend_dev_get.invokeExact(i);
                Fn.ggml_backend_dev_memory.invokeExact(dev, free, total);
                MemorySegment reg = (MemorySegment) Fn.ggml_backend_dev_backend_reg.invokeExact(dev);
                String backend = reg.equals(MemorySegment.NULL) ? "" : str((MemorySegment) Fn.ggml_backend_reg_name.invokeExact(reg));
                out.add(new Device((int) i, str((MemorySegment) Fn.ggml_backend_dev_name.invokeExact(dev)),
                        str((MemorySegment) Fn.ggml_backend_dev_description.invokeExact(dev)), backend,
                        DeviceType.fromNative((int) Fn.ggml_backend_dev_type.invokeExact(dev)),
                        free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)));
            }
            return out;
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    /// Every buffer type of the loaded backends that llama.cpp may name in its log: each device's own and host
    /// buffer types, the CPU backend's extra (repacking) types such as `CPU_REPACK` and `AMX`, and `CPU_Mapped`.
    public List<BufferType> bufferTypes() {
        try {
            return List.copyOf(BackendBuffers.bufferTypes());
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    /// The features the loaded CPU backend reports (`ggml_backend_get_features`): `AVX2` → `1`, `AMX_INT8` → `1`,
    /// `SVE_CNT` → `32`, …, in ggml's order.
    public Map<String, String> cpuFeatures() {
        try {
            return Collections.unmodifiableMap(BackendBuffers.cpuFeatures());
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    /// True when this build can offload layers to a GPU (a GPU variant is loaded).
    public boolean supportsGpuOffload() {
        try {
            return (boolean) Fn.llama_supports_gpu_offload.invokeExact();
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    /// llama.cpp's one-line summary of CPU features in use (`AVX2 = 1 | …`).
    public String systemInfo() {
        try {
            return str((MemorySegment) Fn.llama_print_system_info.invokeExact());
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    /// Loads a GGUF model (blocking; call it off the UI thread, e.g. through [LoadedModel#open]). The file is
    /// checked first (exists, readable, GGUF magic) so native code never sees garbage.
    ///
    /// @throws ModelLoadException with llama.cpp's reason; the engine stays usable
    /// @throws LoadCancelledException when `options.progress()` returned false
    public Model loadModel(Path file, LoadOptions options) {
        return Model.load(file, options);
    }

    /// Quantizes `in` to `type`, writing `out` (blocking). Any GGUF llama.cpp can load works as input; the smallest
    /// types (IQ1_*, IQ2_*, IQ3_XXS, Q2_K_S) need an importance matrix and fail with
    /// [ImportanceMatrixRequiredException] without one.
    public QuantizeResult quantize(Path in, Path out, FileType type, int threads, QuantizeListener listener) {
        return quantize(in, out, type, threads, null, listener);
    }

    /// As [#quantize(Path, Path, FileType, int, QuantizeListener)], weighing each weight's rounding error by
    /// `imatrix` (null: none).
    public QuantizeResult quantize(Path in, Path out, FileType type, int threads, ImportanceMatrix imatrix, QuantizeListener listener) {
        return Quantizer.quantize(in, out, type, threads, imatrix, listener == null ? QuantizeListener.NONE : listener);
    }

    /// What quantizing `in` to `type` will write (llama.cpp's dry run: reads the header, writes nothing): each
    /// tensor's type and the output's size in bytes, and whether llama.cpp will need an importance matrix.
    /// `withImatrix` plans as for a quantization with one (a few tensor choices depend on it).
    public QuantizePlan planQuantization(Path in, FileType type, boolean withImatrix) {
        return Quantizer.plan(in, type, withImatrix);
    }

    private static String str(MemorySegment cString) {
        return cString.equals(MemorySegment.NULL) ? "" : cString.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }
}
