package dev.karuku.installers;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// The packaging program's command line (`--name value` pairs), as the installers' pom passes it. `gcGoal` is the
/// launchers' G1 option, the root pom's `karuku.app.gc.goal`, which the app's tests and `javafx:run` use too.
record Options(String version, Path jars, Path natives, Path resources, Path icons, Path work, Path out, List<String> types,
               String debCompression, String gcGoal) {

    static Options parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new PackagingException("Expected --name value pairs, got: " + String.join(" ", args));
            }
            m.put(args[i].substring(2), args[i + 1]);
        }
        String types = m.getOrDefault("types", "default");
        return new Options(require(m, "version"), path(m, "jars"), path(m, "natives"), path(m, "resources"),
                path(m, "icons"), path(m, "work"), path(m, "out"),
                types.equals("default") ? Platform.current().defaultTypes()
                        : Arrays.stream(types.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(),
                m.getOrDefault("deb-compression", "xz"), require(m, "gc-goal"));
    }

    private static Path path(Map<String, String> m, String key) {
        return Path.of(require(m, key)).toAbsolutePath();
    }

    private static String require(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null || v.isBlank()) throw new PackagingException("Missing --" + key);
        return v;
    }
}
