package dev.karuku.installers;

import java.io.File;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/// Which modules the bundled Java runtime holds: what jdeps finds the app's jars use, plus what only shows at
/// run time.
///
/// jdeps sees static references only. The runtime also needs modules that are reached by name or service:
/// Japanese dates and numbers (`jdk.localedata`, trimmed to English and Japanese), the console's code page on
/// Japanese Windows (MS932 lives in `jdk.charsets`), TLS with elliptic curves to the Hugging Face Hub
/// (`jdk.crypto.ec`, kept for older lookups although its provider moved into java.base), and the zip file
/// system. `jdk.httpserver` comes from jdeps: `karuku serve` answers HTTP with it.
final class RuntimeModules {

    static final List<String> ALWAYS = List.of("java.net.http", "jdk.localedata", "jdk.charsets", "jdk.crypto.ec",
            "jdk.zipfs", "jdk.management", "javafx.controls", "javafx.fxml");

    private RuntimeModules() {}

    static List<String> of(AppJars jars) {
        String modulePath = jars.javafx().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        List<Path> analysed = new ArrayList<>(jars.classPath());
        while (true) {
            String classPath = analysed.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
            List<String> args = new ArrayList<>(List.of("--print-module-deps", "--ignore-missing-deps",
                    "--multi-release", Integer.toString(Runtime.version().feature()),
                    "--module-path", modulePath, "--class-path", classPath));
            analysed.forEach(p -> args.add(p.toString()));
            String out;
            try {
                out = Tools.run("jdeps", args).strip();
            } catch (PackagingException e) {
                // an explicit module on the class path whose own `requires` jdeps cannot resolve (Jinjava's YAML
                // support needs snakeyaml as a module): leave that jar out of the analysis; it still ships
                Path unresolved = unresolvedModuleJar(String.valueOf(e.getMessage()), analysed);
                if (unresolved == null) throw e;
                analysed.remove(unresolved);
                continue;
            }
            String lastLine = out.substring(out.lastIndexOf('\n') + 1);
            return merge(lastLine);
        }
    }

    private static final Pattern NOT_FOUND = Pattern.compile("Module \\S+ not found, required by (\\S+)");

    /// The jar holding the module jdeps named in "Module X not found, required by Y", or null.
    static Path unresolvedModuleJar(String jdepsError, List<Path> jars) {
        Matcher m = NOT_FOUND.matcher(jdepsError);
        if (!m.find()) return null;
        String module = m.group(1);
        for (Path jar : jars) {
            try {
                if (ModuleFinder.of(jar).findAll().stream().anyMatch(r -> r.descriptor().name().equals(module))) return jar;
            } catch (RuntimeException e) {
                // not a jar ModuleFinder can read: not the one
            }
        }
        return null;
    }

    /// jdeps' comma-separated answer plus [#ALWAYS], sorted and without duplicates.
    static List<String> merge(String jdepsAnswer) {
        var modules = new TreeSet<>(ALWAYS);
        Arrays.stream(jdepsAnswer.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(modules::add);
        return List.copyOf(modules);
    }
}
