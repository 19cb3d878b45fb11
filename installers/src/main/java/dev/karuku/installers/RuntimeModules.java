package dev.karuku.installers;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/// Which modules the bundled Java runtime holds: what jdeps finds the app's jars use, plus what only shows at
/// run time.
///
/// jdeps sees static references only. The runtime also needs modules that are reached by name or service:
/// Japanese dates and numbers (`jdk.localedata`, trimmed to English and Japanese), the console's code page on
/// Japanese Windows (MS932 lives in `jdk.charsets`), TLS with elliptic curves to the Hugging Face Hub
/// (`jdk.crypto.ec`, kept for older lookups although its provider moved into java.base), and the zip file
/// system. Not `jdk.httpserver`: only the tests' fake Hub uses it.
final class RuntimeModules {

    static final List<String> ALWAYS = List.of("java.net.http", "jdk.localedata", "jdk.charsets", "jdk.crypto.ec",
            "jdk.zipfs", "jdk.management", "javafx.controls", "javafx.fxml");

    private RuntimeModules() {}

    static List<String> of(AppJars jars) {
        String classPath = jars.classPath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        String modulePath = jars.javafx().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        List<String> args = new ArrayList<>(List.of("--print-module-deps", "--ignore-missing-deps",
                "--multi-release", Integer.toString(Runtime.version().feature()),
                "--module-path", modulePath, "--class-path", classPath));
        jars.classPath().forEach(p -> args.add(p.toString()));
        String out = Tools.run("jdeps", args).strip();
        String lastLine = out.substring(out.lastIndexOf('\n') + 1);
        return merge(lastLine);
    }

    /// jdeps' comma-separated answer plus [#ALWAYS], sorted and without duplicates.
    static List<String> merge(String jdepsAnswer) {
        var modules = new TreeSet<>(ALWAYS);
        Arrays.stream(jdepsAnswer.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(modules::add);
        modules.remove("jdk.httpserver");
        return List.copyOf(modules);
    }
}
