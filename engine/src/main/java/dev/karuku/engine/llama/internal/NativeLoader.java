package dev.karuku.engine.llama.internal;

import dev.karuku.engine.llama.NativesUnavailableException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/// Loads llama.cpp's libraries once per process, explicitly and in dependency order.
///
/// Explicit paths (not `System.loadLibrary`) so that the variant we chose is the one used, whatever
/// `LD_LIBRARY_PATH` says; ggml-base first, then ggml, then llama, so each finds what it links against already
/// in the process. Then `ggml_backend_load_all_from_path(variantDir)` picks the best `ggml-cpu-*` build for this
/// CPU and loads the GPU backends shipped beside it, and `llama_backend_init` runs.
public final class NativeLoader {

    /// What was loaded: the variant and one lookup over its three libraries.
    public record Loaded(NativeLocator.Variant variant, SymbolLookup lookup) {}

    private static volatile Loaded loaded;

    private NativeLoader() {}

    /// Loads the natives if this process has not yet; returns what is loaded.
    ///
    /// @throws NativesUnavailableException listing every path tried and what to do
    public static Loaded load() {
        Loaded l = loaded;
        if (l != null) return l;
        synchronized (NativeLoader.class) {
            if (loaded == null) loaded = doLoad(NativeLocator.forThisProcess());
            return loaded;
        }
    }

    /// The lookup, for the binding's static method handles; fails when [#load] has not succeeded.
    static SymbolLookup lookup() {
        Loaded l = loaded;
        if (l == null) throw new IllegalStateException("llama.cpp natives are not loaded yet: call LlamaRuntime.load() first");
        return l.lookup();
    }

    private static Loaded doLoad(NativeLocator locator) {
        NativeLocator.Search search = locator.search();
        if (search.found().isEmpty()) {
            throw new NativesUnavailableException("llama.cpp libraries (libggml-base, libggml, libllama) for "
                    + NativeLocator.hostPlatform() + " were not found. Looked in: " + paths(search.tried())
                    + ". Set -Dkaruku.natives=<folder> or KARUKU_NATIVES to the folder that holds them"
                    + " (a build puts them in engine/target/natives)"
                    + (System.getenv("KARUKU_BACKEND") != null ? ", or unset KARUKU_BACKEND=" + System.getenv("KARUKU_BACKEND") : "")
                    + ".", search.tried());
        }
        NativeLocator.Variant v = search.found().get();
        noBacktraceOnAbort();
        List<Path> order = List.of(v.ggmlBase(), v.ggml(), v.llama());
        List<SymbolLookup> lookups = new ArrayList<>();
        for (Path lib : order) {
            try {
                lookups.add(SymbolLookup.libraryLookup(lib, Arena.global()));
            } catch (IllegalCallerException e) {
                throw new NativesUnavailableException("Native access is denied to Karuku's engine. Start Java with "
                        + "--enable-native-access=ALL-UNNAMED (or the engine's module name). " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new NativesUnavailableException("Cannot load " + lib + ": " + e.getMessage()
                        + ". Tried, in order: " + paths(order) + ". The folder may be incomplete or built for another"
                        + " system; reinstall Karuku or point -Dkaruku.natives / KARUKU_NATIVES at a complete copy.", e);
            }
        }
        SymbolLookup all = lookups.get(2).or(lookups.get(1)).or(lookups.get(0));
        LogBridge.install(all);
        Linker linker = Linker.nativeLinker();
        try (Arena a = Arena.ofConfined()) {
            MethodHandle loadAll = linker.downcallHandle(find(all, "ggml_backend_load_all_from_path"),
                    FunctionDescriptor.ofVoid(Abi.C_POINTER));
            loadAll.invokeExact(a.allocateFrom(v.dir().toAbsolutePath().toString()));
            MethodHandle init = linker.downcallHandle(find(all, "llama_backend_init"), FunctionDescriptor.ofVoid());
            init.invokeExact();
        } catch (Throwable t) {
            throw new NativesUnavailableException("llama.cpp failed to initialise from " + v.dir() + ": " + t, t);
        }
        return new Loaded(v, all);
    }

    /// Should an assert still end the process, ggml first runs gdb (or lldb) on it when one is installed, which
    /// prints pages of backtrace into the user's terminal and can hang for seconds; `GGML_NO_BACKTRACE` stops that.
    /// Set in the C environment, where ggml reads it; kept when the user set it, and skipped for `KARUKU_DEBUG`.
    private static void noBacktraceOnAbort() {
        if (System.getenv("KARUKU_DEBUG") != null || System.getProperty("os.name", "").startsWith("Windows")) return;
        Linker linker = Linker.nativeLinker();
        linker.defaultLookup().find("setenv").ifPresent(setenv -> {
            MethodHandle h = linker.downcallHandle(setenv,
                    FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT, Abi.C_POINTER, Abi.C_POINTER, java.lang.foreign.ValueLayout.JAVA_INT));
            try (Arena a = Arena.ofConfined()) {
                int ignored = (int) h.invokeExact(a.allocateFrom("GGML_NO_BACKTRACE"), a.allocateFrom("1"), 0);
            } catch (Throwable t) {
                // only a nicer abort is lost
            }
        });
    }

    static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new NativesUnavailableException(
                "The llama.cpp library lacks " + name + ": it is not the pinned version (v0.4.0)."));
    }

    private static String paths(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(", "));
    }
}
