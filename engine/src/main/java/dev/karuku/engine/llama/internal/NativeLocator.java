package dev.karuku.engine.llama.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/// Finds llama.cpp's shared libraries next to the engine, without loading anything.
///
/// The build unpacks one directory per npm package (`linux-x64`, `linux-x64-vulkan`, `win-x64-cuda`, …) into a
/// `natives` folder beside the engine's classes or jar. We look for that folder in a fixed order (so a person can
/// always point us elsewhere) and pick a *variant*: a GPU build when one is present, since a GPU build still runs
/// on the CPU when no device is usable, else the CPU build. Pure file-system logic, so it is unit-tested.
public final class NativeLocator {

    /// Where the natives were looked for, in order, and what was found: kept for error messages.
    public record Search(List<Path> tried, Optional<Variant> found) {}

    /// One variant directory and its three core libraries.
    public record Variant(Path dir, String name, String backend, Path ggmlBase, Path ggml, Path llama) {}

    private static final String LIB_EXT = "(so|dll|dylib)";
    private static final Pattern GGML_BASE = Pattern.compile("(lib)?ggml-base([.-][^/\\\\]*)?\\." + LIB_EXT);
    private static final Pattern GGML = Pattern.compile("(lib)?ggml(\\.[^-/\\\\]*)?\\." + LIB_EXT);
    private static final Pattern LLAMA = Pattern.compile("(lib)?llama(\\.[^-/\\\\]*)?\\." + LIB_EXT);
    /// GPU backends in order of preference: CUDA and Metal are native to their hardware, Vulkan runs anywhere.
    private static final List<String> GPU_PREFERENCE = List.of("cuda", "metal", "vulkan");

    private final List<Path> roots;
    private final String platform;
    private final String forcedBackend;

    /// @param roots          candidate `natives` folders, in order (see [#defaultRoots])
    /// @param platform       `linux-x64`, `win-x64`, `mac-arm64`, … (see [#hostPlatform])
    /// @param forcedBackend  `cpu`, `vulkan`, `cuda`, `metal`, or null to choose automatically
    public NativeLocator(List<Path> roots, String platform, String forcedBackend) {
        this.roots = List.copyOf(roots);
        this.platform = platform;
        this.forcedBackend = forcedBackend == null || forcedBackend.isBlank() ? null : forcedBackend.strip().toLowerCase(Locale.ROOT);
    }

    /// The usual search: system property `karuku.natives`, env `KARUKU_NATIVES`, then `natives` beside the engine's
    /// jar or classes folder and beside its parent (`engine/target/natives` in a build, `lib/natives` in an app image).
    public static NativeLocator forThisProcess() {
        return new NativeLocator(defaultRoots(), hostPlatform(), System.getenv("KARUKU_BACKEND"));
    }

    public static List<Path> defaultRoots() {
        List<Path> roots = new ArrayList<>();
        String prop = System.getProperty("karuku.natives");
        if (prop != null && !prop.isBlank()) roots.add(Path.of(prop));
        String env = System.getenv("KARUKU_NATIVES");
        if (env != null && !env.isBlank()) roots.add(Path.of(env));
        codeLocation().ifPresent(loc -> {
            Path dir = Files.isDirectory(loc) ? loc : loc.getParent();
            if (dir != null) {
                roots.add(dir.resolve("natives"));
                if (dir.getParent() != null) roots.add(dir.getParent().resolve("natives"));
            }
        });
        return roots;
    }

    private static Optional<Path> codeLocation() {
        try {
            var src = NativeLocator.class.getProtectionDomain().getCodeSource();
            return src == null ? Optional.empty() : Optional.of(Path.of(src.getLocation().toURI()).toAbsolutePath());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /// `linux-x64`, `linux-arm64`, `win-x64`, `win-arm64`, `mac-arm64`, `mac-x64`: the npm packages' naming.
    public static String hostPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("win") ? "win" : os.contains("mac") || os.contains("darwin") ? "mac" : "linux";
        String a = arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "x64";
        return o + "-" + a;
    }

    public Search search() {
        List<Path> tried = new ArrayList<>();
        for (Path root : roots) {
            tried.add(root);
            if (!Files.isDirectory(root)) continue;
            Optional<Variant> v = pick(root, tried);
            if (v.isPresent()) return new Search(tried, v);
        }
        return new Search(tried, Optional.empty());
    }

    private Optional<Variant> pick(Path root, List<Path> tried) {
        // The folder may itself be a variant (karuku.natives pointing straight at linux-x64-vulkan).
        Optional<Variant> direct = variant(root);
        if (direct.isPresent() && backendAllowed(direct.get())) return direct;
        List<Variant> candidates = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                String n = d.getFileName().toString().toLowerCase(Locale.ROOT);
                if (!n.equals(platform) && !n.startsWith(platform + "-")) continue;
                tried.add(d);
                variant(d).filter(this::backendAllowed).ifPresent(candidates::add);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return candidates.stream().min(Comparator.comparingInt(NativeLocator::rank));
    }

    private boolean backendAllowed(Variant v) {
        return forcedBackend == null || forcedBackend.equals(v.backend());
    }

    private static int rank(Variant v) {
        int i = GPU_PREFERENCE.indexOf(v.backend());
        return i >= 0 ? i : GPU_PREFERENCE.size();
    }

    /// A directory is a variant when it holds ggml-base, ggml and llama libraries.
    static Optional<Variant> variant(Path dir) {
        Path base = null, ggml = null, llama = null;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (GGML_BASE.matcher(n).matches()) base = f;
                else if (GGML.matcher(n).matches()) ggml = f;
                else if (LLAMA.matcher(n).matches()) llama = f;
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        if (base == null || ggml == null || llama == null) return Optional.empty();
        String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        return Optional.of(new Variant(dir, name, backendOf(name, llama.getFileName().toString()), base, ggml, llama));
    }

    /// `cuda`, `vulkan`, `metal` from the folder name (`linux-x64-vulkan`) or the library name
    /// (`libllama.vulkan.v0.4.0.so`); `cpu` otherwise.
    static String backendOf(String dirName, String llamaFile) {
        String both = (dirName + " " + llamaFile).toLowerCase(Locale.ROOT);
        for (String g : GPU_PREFERENCE) if (both.contains(g)) return g;
        return "cpu";
    }
}
