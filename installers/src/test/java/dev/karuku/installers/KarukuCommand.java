package dev.karuku.installers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/// An installed `karuku` command line, run with the network cut off ([Proc#offline]) the way the install tests
/// use it.
///
/// @param launcher the program: a path to the launcher, or just `karuku` to find it on `PATH`
/// @param env      extra environment (the data folder's location)
record KarukuCommand(String launcher, Map<String, String> env) {

    Proc run(Path workDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher));
        cmd.addAll(List.of(args));
        return Proc.run(Proc.offline(cmd), env, workDir, 300);
    }

    /// Makes the successor test model in `dir`, quantizes it to Q4_K_M and returns the quantized file.
    Path makeQuantizedTestModel(Path dir) throws Exception {
        Proc make = run(dir, "make-test-model", "m.gguf");
        assertThat(make.exit()).as(make.toString()).isZero();
        Proc quantize = run(dir, "quantize", "m.gguf", "q.gguf", "--type", "Q4_K_M");
        assertThat(quantize.exit()).as(quantize.toString()).isZero();
        return dir.resolve("q.gguf");
    }

    /// The model, given "abc", must go on with the alphabet: what a user sees when the command line works.
    void continuesTheAlphabet(Path model) throws Exception {
        Proc generate = run(model.getParent(), "generate", model.toString(), "--prompt", "abc", "--tokens", "20");
        assertThat(generate.exit()).as(generate.toString()).isZero();
        assertThat(generate.out()).startsWith("defghijklmnopqrstuvw");
    }

    /// The JVM's word on the class-data-sharing archive when the command starts: true when it took the archive
    /// (the fast start), false when it refused it (a jar's time or size differs from the archive's).
    boolean startsFromItsClassArchive(Path workDir) throws Exception {
        var withLog = new java.util.HashMap<>(env);
        withLog.put("JAVA_TOOL_OPTIONS", ARCHIVE_LOG);
        Proc version = Proc.run(Proc.offline(List.of(launcher, "--version")), withLog, workDir, 300);
        assertThat(version.exit()).as(version.toString()).isZero();
        return tookTheArchive(version.out() + version.err());
    }

    /// Logs the JVM's check of the archived class path (the launchers' `.cfg` silences only `cds` and `aot`).
    static final String ARCHIVE_LOG = "-Xlog:class+path=info";

    static boolean tookTheArchive(String jvmLog) {
        assertThat(jvmLog).as("the JVM logged its archive check").contains("Archived app classpath validation");
        return jvmLog.contains("Archived app classpath validation: passed");
    }
}
