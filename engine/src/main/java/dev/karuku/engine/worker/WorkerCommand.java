package dev.karuku.engine.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/// The command line that starts a worker: this process's own Java, class path and `karuku.*` system properties (so
/// the worker finds the same natives: `karuku.natives`; environment variables such as `KARUKU_NATIVES` are
/// inherited), plus flags that keep the child's stdout for frames only and its start short.
final class WorkerCommand {

    static final String MAIN_CLASS = "dev.karuku.engine.worker.WorkerMain";

    private WorkerCommand() {}

    static List<String> forThisProcess(List<String> extraJvmArgs, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-XX:+DisplayVMOutputToStderr"); // a JVM crash report must not land in the frames on stdout,
        cmd.add("-Xlog:disable");                // nor the JVM's own warnings (unified logging writes to stdout)
        cmd.add("-Xlog:all=warning:stderr");
        cmd.add("-XX:+UseSerialGC");             // one model, little Java heap: the smallest, fastest-starting GC
        cmd.add("-XX:TieredStopAtLevel=1");      // the work is native; C1 is enough for the Java around it
        cmd.add("-Xss4m");
        cmd.add("-Dfile.encoding=UTF-8");
        cmd.add("-Dstderr.encoding=UTF-8");
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("karuku.")).sorted()
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.addAll(extraJvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN_CLASS);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /// `bin/java` of the running runtime (an app image's launcher is not `java`, but its runtime has one), else
    /// the command this process was started with.
    static String javaExecutable() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        Path java = Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
        if (Files.isExecutable(java)) return java.toString();
        return ProcessHandle.current().info().command().orElse("java");
    }
}
