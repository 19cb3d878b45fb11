import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/// Fetches llama.cpp's prebuilt shared libraries for the build.
///
/// Run by Maven (`engine/pom.xml`) as a single-file program so the build needs nothing but a JDK and `npm`:
/// `java natives/FetchNatives.java --lock natives/natives.lock --out engine/target/natives --platforms host`.
///
/// For each package it reuses a cached tarball when its sha512 matches the lock file, otherwise it runs
/// `npm pack @node-llama-cpp/<package>@<version>` into the cache, checks the sha512 against the lock file,
/// and unpacks only the shared libraries (and the licence) into `<out>/<package>/`. Nothing is ever trusted
/// without the checksum, and nothing native is committed to the repository.
public final class FetchNatives {

    private static final String SCOPE = "@node-llama-cpp/";

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parseArgs(args);
        Path lock = Path.of(opts.getOrDefault("--lock", "natives/natives.lock"));
        Path out = Path.of(opts.getOrDefault("--out", "target/natives"));
        Path cache = Path.of(opts.getOrDefault("--cache",
                Path.of(System.getProperty("user.home"), ".cache", "karuku", "npm").toString()));
        String platforms = opts.getOrDefault("--platforms", "host");

        Map<String, String> locked = readLock(lock);
        String version = require(locked, "version", lock);
        List<String> packages = selectPackages(platforms, locked);
        if (packages.isEmpty()) {
            fail("No llama.cpp natives are published for this platform (" + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + "); set -Dkaruku.natives.platforms to a list from " + lock + ".");
        }
        Files.createDirectories(cache);
        for (String pkg : packages) {
            String integrity = require(locked, pkg, lock);
            Path target = out.resolve(pkg);
            Path stamp = target.resolve(".integrity");
            if (Files.isRegularFile(stamp) && Files.readString(stamp).strip().equals(integrity)) {
                continue; // already unpacked from the locked tarball
            }
            Path tarball = cache.resolve("node-llama-cpp-" + pkg + "-" + version + ".tgz");
            if (!Files.isRegularFile(tarball) || !integrity.equals(sri(tarball))) {
                npmPack(SCOPE + pkg + "@" + version, cache);
            }
            String actual = sri(tarball);
            if (!integrity.equals(actual)) {
                Files.deleteIfExists(tarball);
                fail("Checksum mismatch for " + SCOPE + pkg + "@" + version + ": expected " + integrity + " but got "
                        + actual + ". The download was deleted; nothing was unpacked.");
            }
            deleteTree(target);
            Files.createDirectories(target);
            int n = unpack(tarball, pkg, target);
            Files.writeString(stamp, integrity + "\n");
            System.out.println("[natives] " + pkg + "@" + version + ": " + n + " files -> " + target);
        }
    }

    static List<String> selectPackages(String spec, Map<String, String> locked) {
        List<String> all = new ArrayList<>();
        for (String k : locked.keySet()) {
            if (!k.equals("version") && !k.contains(".")) all.add(k);
        }
        if (spec.equals("all")) {
            return all.stream().filter(p -> !p.contains("arm64") || p.startsWith("mac-")).toList();
        }
        if (!spec.equals("host")) {
            List<String> chosen = new ArrayList<>();
            for (String p : spec.split(",")) {
                String name = p.strip();
                if (name.isEmpty()) continue;
                if (!locked.containsKey(name)) fail("Unknown natives package '" + name + "'; known: " + all);
                chosen.add(name);
            }
            return chosen;
        }
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.equals("aarch64") || arch.equals("arm64");
        if (os.contains("mac") || os.contains("darwin")) return List.of(arm ? "mac-arm64-metal" : "mac-x64");
        if (os.contains("win")) return arm ? List.of("win-arm64") : List.of("win-x64", "win-x64-vulkan");
        if (os.contains("linux")) return arm ? List.of("linux-arm64") : List.of("linux-x64", "linux-x64-vulkan");
        return List.of();
    }

    static void npmPack(String spec, Path cache) throws IOException, InterruptedException {
        boolean windows = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("win");
        List<String> cmd = new ArrayList<>(windows ? List.of("cmd", "/c", "npm") : List.of("npm"));
        cmd.addAll(List.of("pack", spec, "--pack-destination", cache.toAbsolutePath().toString(), "--silent"));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("The build needs npm to fetch llama.cpp's libraries (" + spec + "): install Node.js with npm and put it on PATH.");
            return;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            if (p.isAlive()) p.destroyForcibly();
            String msg = output.strip();
            if (windows ? msg.contains("is not recognized") : p.exitValue() == 127) {
                fail("The build needs npm to fetch llama.cpp's libraries (" + spec + "): install Node.js with npm and put it on PATH.");
            }
            fail("npm pack " + spec + " failed: " + lastLine(msg));
        }
    }

    /// Unpacks `package/bins/<pkg>/*` shared libraries and `package/LICENSE` from a .tgz into `target`.
    static int unpack(Path tarball, String pkg, Path target) throws IOException {
        int count = 0;
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarball), 1 << 16))) {
            byte[] header = new byte[512];
            String longName = null;
            while (readFully(in, header)) {
                if (isZeroBlock(header)) break;
                String name = longName != null ? longName : entryName(header);
                longName = null;
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                long padded = (size + 511) & ~511L;
                if (type == 'L') { // GNU long name
                    byte[] buf = in.readNBytes((int) padded);
                    longName = cString(buf, 0, (int) size);
                    continue;
                }
                String fileName = name.substring(name.lastIndexOf('/') + 1);
                boolean wanted = (name.startsWith("package/bins/" + pkg + "/") && isLibrary(fileName))
                        || name.equals("package/LICENSE");
                if (wanted && (type == '0' || type == 0)) {
                    Path dest = target.resolve(fileName.equals("LICENSE") ? "LICENSE.node-llama-cpp.txt" : fileName);
                    if (!dest.normalize().startsWith(target)) fail("Refusing tar entry outside the target: " + name);
                    Path tmp = dest.resolveSibling(dest.getFileName() + ".tmp");
                    try (var os = Files.newOutputStream(tmp)) {
                        copyN(in, os, size);
                    }
                    Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING);
                    skipN(in, padded - size);
                    count++;
                } else if (wanted && type == '2') {
                    String link = cString(header, 157, 100);
                    Path dest = target.resolve(fileName);
                    Files.deleteIfExists(dest);
                    Files.createSymbolicLink(dest, Path.of(link).getFileName());
                    skipN(in, padded);
                    count++;
                } else {
                    skipN(in, padded);
                }
            }
        }
        return count;
    }

    static boolean isLibrary(String f) {
        if (f.equals("llama-addon.node") || f.startsWith("libllama-common") || f.startsWith("llama-common")
                || f.startsWith("_nlc")) {
            return false; // node glue and the C++ helper library: the engine calls only the C API
        }
        return f.endsWith(".so") || f.contains(".so.") || f.endsWith(".dll") || f.endsWith(".dylib")
                || f.endsWith(".metal") || f.endsWith(".metallib");
    }

    static String sri(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-512");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return "sha512-" + Base64.getEncoder().encodeToString(md.digest());
    }

    static Map<String, String> readLock(Path lock) throws IOException {
        if (!Files.isRegularFile(lock)) fail("Natives lock file not found: " + lock.toAbsolutePath());
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(lock)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            int eq = l.indexOf('=');
            if (eq > 0) m.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
        }
        return m;
    }

    static String require(Map<String, String> m, String key, Path lock) {
        String v = m.get(key);
        if (v == null || v.isEmpty()) fail("'" + key + "' is missing from " + lock);
        return v;
    }

    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) m.put(args[i], args[i + 1]);
        return m;
    }

    static boolean readFully(InputStream in, byte[] b) throws IOException {
        int n = in.readNBytes(b, 0, b.length);
        if (n == 0) return false;
        if (n < b.length) throw new IOException("truncated tar archive");
        return true;
    }

    static boolean isZeroBlock(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    static String entryName(byte[] h) {
        String name = cString(h, 0, 100);
        String prefix = cString(h, 345, 155);
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    static long octal(byte[] b, int off, int len) {
        long v = 0;
        for (int i = off; i < off + len; i++) {
            int c = b[i];
            if (c == 0 || c == ' ') continue;
            v = v * 8 + (c - '0');
        }
        return v;
    }

    static void copyN(InputStream in, java.io.OutputStream out, long n) throws IOException {
        byte[] buf = new byte[1 << 16];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) throw new IOException("truncated tar archive");
            out.write(buf, 0, r);
            n -= r;
        }
    }

    static void skipN(InputStream in, long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) throw new IOException("truncated tar archive");
                s = 1;
            }
            n -= s;
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }

    static String lastLine(String s) {
        String[] lines = s.split("\\R");
        return lines.length == 0 ? "(no output)" : lines[lines.length - 1];
    }

    static void fail(String message) {
        System.err.println("[natives] " + message);
        System.exit(1);
    }
}
