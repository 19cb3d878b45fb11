package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.readme.UiProbe;
import dev.karuku.engine.hub.fake.FakeHub;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The README's run command, `./mvnw -B -pl app javafx:run`, as a newcomer runs it after `./mvnw -B install
/// -DskipTests`: the app starts from the engine jar in the local Maven repository (where no natives lie beside
/// it), on its own Xvfb display, with the Hub at a fake Hub on loopback serving the tiny successor model, and
/// is driven with real X input from xdotool: search → model page → download → My Models → Load (which must
/// open on the best fit) → Start chatting → type → click Send → the answer is saved.
///
/// The local repository is this build's: a folder that links every group of the user's repository except
/// Karuku's, which holds the jars and POMs this reactor just built — what `install` would put there, without
/// touching the user's own copy. A Java agent ([UiProbe], through `JDK_JAVA_OPTIONS`) only tells where a node
/// with an id is on the screen.
class ReadmeRunIT {
    static final Duration START = Duration.ofMinutes(4);

    @TempDir Path work;
    Process xvfb;
    Process app;
    FakeHub hub;
    Path log;

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            List<ProcessHandle> tree = new ArrayList<>(app.descendants().toList());
            tree.forEach(ProcessHandle::destroy);
            app.destroy();
            if (!app.waitFor(20, TimeUnit.SECONDS)) app.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
        }
        if (xvfb != null) {
            xvfb.destroy();
            xvfb.waitFor(10, TimeUnit.SECONDS);
        }
        if (hub != null) hub.close();
    }

    @Test
    void theReadmesRunCommandGoesFromASearchToAChatAnswer() throws Exception {
        assertThat(onPath("Xvfb")).as("Xvfb is installed (README: the Debian packages for the tests)").isTrue();
        assertThat(onPath("xdotool")).as("xdotool is installed (README: the Debian packages for the tests)").isTrue();
        Path root = Path.of(System.getProperty("karuku.root")).toAbsolutePath().normalize();
        hub = JourneyTest.successorHub(work);
        String display = startXvfb();
        Path home = work.resolve("home");
        Path port = work.resolve("probe.port");
        log = work.resolve("javafx-run.log");

        List<String> cmd = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B"));
        if (Boolean.getBoolean("karuku.offline")) cmd.add("-o");
        cmd.addAll(List.of("-Dmaven.repo.local=" + localRepository(root, work.resolve("repository")), "-pl", "app", "javafx:run"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("KARUKU_NATIVES");
        pb.environment().remove("HF_TOKEN");
        pb.environment().put("DISPLAY", display);
        pb.environment().put("HF_ENDPOINT", hub.endpoint());
        pb.environment().put("KARUKU_HOME", home.toString());
        pb.environment().put("LANG", "en_US.UTF-8");
        pb.environment().put("JDK_JAVA_OPTIONS", "-javaagent:" + probeJar() + "=" + port);
        // this JDK 25: older ones on the machine cannot load the agent's classes while ./mvnw looks for a JDK
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        app = pb.start();

        Ui ui = Ui.connect(port, app, log, display);
        try {
            ui.click("nav-discover");
            ui.click("discover-search");
            ui.type("successor");
            ui.clickPrefix("discover-result-");
            ui.waitFor("text model-verdict", t -> !t.isBlank() && !t.equals("-"), Duration.ofSeconds(60));
            ui.click("model-stop-Q4_K_M");
            ui.waitFor("disabled model-download", "false"::equals, Duration.ofSeconds(30));
            ui.click("model-download");
            ui.waitFor(() -> downloaded(home), Duration.ofSeconds(120), "the download in " + home);
            ui.click("nav-models");
            ui.click("models-load-Successor-Q4-K-M-gguf");
            ui.waitFor("text load-start", t -> !t.equals("-") && !t.isBlank(), Duration.ofSeconds(60));
            assertThat(ui.ask("text load-start")).as("the Load screen opens on").isEqualTo("The best fit for this PC");
            ui.waitFor("disabled load-load", "false"::equals, Duration.ofSeconds(30));
            ui.click("load-load");
            ui.click("load-chat", Duration.ofSeconds(120));
            ui.click("chat-input");
            ui.type("abc");
            ui.waitFor("disabled chat-send", "false"::equals, Duration.ofSeconds(10));
            ui.click("chat-send");
            ui.waitFor(() -> answer(home).startsWith("defghij"), Duration.ofSeconds(120), "an answer saved in " + home);
        } catch (AssertionError | Exception e) {
            String screen;
            try {
                screen = ui.ask("dump");
            } catch (Exception gone) {
                screen = "(the app is gone)";
            }
            throw new AssertionError(e.getMessage() + "\n--- on the screen ---\n" + screen
                    + "\n--- javafx:run's output (last lines) ---\n" + tail(log, 60), e);
        } finally {
            ui.close();
        }
        assertThat(answer(home)).startsWith("defghij");
        assertThat(Files.readString(log)).doesNotContain("were not found");
    }

    static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> !d.isBlank() && Files.isExecutable(Path.of(d, tool)));
    }

    String startXvfb() throws Exception {
        Path fd = work.resolve("display");
        xvfb = new ProcessBuilder("sh", "-c", "exec Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp 3>\"$0\"", fd.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("xvfb.log").toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            String n = Files.exists(fd) ? Files.readString(fd).strip() : "";
            if (!n.isEmpty()) return ":" + n;
            assertThat(xvfb.isAlive()).as("Xvfb runs: " + tail(work.resolve("xvfb.log"), 10)).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("Xvfb gave no display number");
    }

    /// A local repository with the user's artifacts (linked) and this build's Karuku jars and POMs.
    static Path localRepository(Path root, Path dir) throws IOException {
        Path user = Path.of(System.getProperty("karuku.m2"));
        String v = System.getProperty("karuku.version");
        Files.createDirectories(dir.resolve("dev"));
        try (Stream<Path> groups = Files.list(user)) {
            for (Path g : groups.toList()) if (!g.getFileName().toString().equals("dev")) Files.createSymbolicLink(dir.resolve(g.getFileName()), g);
        }
        if (Files.isDirectory(user.resolve("dev"))) {
            try (Stream<Path> groups = Files.list(user.resolve("dev"))) {
                for (Path g : groups.toList()) {
                    if (!g.getFileName().toString().equals("karuku")) Files.createSymbolicLink(dir.resolve("dev").resolve(g.getFileName()), g);
                }
            }
        }
        Path karuku = dir.resolve("dev/karuku");
        put(karuku, "karuku-parent", v, root.resolve("pom.xml"), ".pom");
        for (String module : List.of("engine", "ui-resources", "cli")) { // the app runs the local API with cli's server
            String id = "karuku-" + module;
            put(karuku, id, v, root.resolve(module).resolve("pom.xml"), ".pom");
            Path target = root.resolve(module).resolve("target");
            Path jar = Files.isRegularFile(target.resolve(id + ".jar")) ? target.resolve(id + ".jar") : target.resolve(id + "-" + v + ".jar");
            assertThat(jar).as("the reactor built %s (run the app's ITs with `verify` over the engine, ui-resources and cli)", jar).isRegularFile();
            put(karuku, id, v, jar, ".jar");
            for (Path tests : List.of(target.resolve(id + "-tests.jar"), target.resolve(id + "-" + v + "-tests.jar"))) {
                if (Files.isRegularFile(tests)) {
                    put(karuku, id, v, tests, "-tests.jar");
                    break;
                }
            }
        }
        return dir;
    }

    static void put(Path karuku, String id, String v, Path from, String suffix) throws IOException {
        Path to = karuku.resolve(id).resolve(v).resolve(id + "-" + v + suffix);
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    /// The probe agent as a jar: its two classes from the test classes, and a manifest naming its premain.
    Path probeJar() throws Exception {
        Path jar = work.resolve("ui-probe.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Premain-Class", UiProbe.class.getName());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            for (String name : List.of("UiProbe", "FxSide")) {
                String entry = "dev/karuku/app/readme/" + name + ".class";
                j.putNextEntry(new JarEntry(entry));
                try (var in = UiProbe.class.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(j);
                }
                j.closeEntry();
            }
        }
        return jar;
    }

    static boolean downloaded(Path home) throws IOException {
        if (!Files.isDirectory(home.resolve("models"))) return false;
        try (Stream<Path> files = Files.walk(home.resolve("models"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            return names.contains("Successor-Q4_K_M.gguf") && names.stream().noneMatch(n -> n.endsWith(".part"));
        }
    }

    /// The assistant's text in the saved conversation, "" until there is one.
    static String answer(Path home) {
        Path dir = home.resolve("conversations");
        if (!Files.isDirectory(dir)) return "";
        var store = new dev.karuku.engine.conversation.ConversationStore(dir);
        for (var c : store.list()) {
            for (var m : store.load(c.id()).messages()) {
                if (m.role() == dev.karuku.engine.conversation.Role.ASSISTANT && !m.text().isEmpty()) return m.text();
            }
        }
        return "";
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file + ")";
        }
    }

    /// The app's window: node positions from the probe, input from xdotool.
    static final class Ui implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final PrintWriter out;
        private final String display;

        private Ui(Socket socket, String display) throws IOException {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
            this.display = display;
        }

        static Ui connect(Path port, Process app, Path log, String display) throws Exception {
            long end = System.nanoTime() + START.toNanos();
            while (!Files.exists(port)) {
                if (!app.isAlive()) throw new AssertionError("javafx:run ended with " + app.exitValue() + " before the window opened");
                if (System.nanoTime() > end) throw new AssertionError("no window within " + START);
                Thread.sleep(200);
            }
            return new Ui(new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(Files.readString(port).strip())), display);
        }

        String ask(String command) throws IOException {
            out.println(command);
            String answer = in.readLine();
            if (answer == null) throw new IOException("the app closed the probe");
            return answer;
        }

        String waitFor(String command, Predicate<String> done, Duration timeout) throws Exception {
            long end = System.nanoTime() + timeout.toNanos();
            String last;
            do {
                last = ask(command);
                if (done.test(last)) return last;
                Thread.sleep(200);
            } while (System.nanoTime() < end);
            throw new AssertionError("'" + command + "' still answers '" + last + "' after " + timeout);
        }

        void waitFor(Check check, Duration timeout, String what) throws Exception {
            long end = System.nanoTime() + timeout.toNanos();
            while (!check.ok()) {
                if (System.nanoTime() > end) throw new AssertionError("no " + what + " after " + timeout);
                Thread.sleep(300);
            }
        }

        void click(String id) throws Exception {
            click(id, Duration.ofSeconds(30));
        }

        void click(String id, Duration timeout) throws Exception {
            clickAt(waitFor("find " + id, a -> !a.equals("-"), timeout));
        }

        void clickPrefix(String prefix) throws Exception {
            clickAt(waitFor("find-prefix " + prefix, a -> !a.equals("-"), Duration.ofSeconds(30)));
        }

        private void clickAt(String xy) throws Exception {
            String[] p = xy.split(" ");
            xdotool("mousemove", "--sync", p[0], p[1]);
            Thread.sleep(150);
            xdotool("click", "1");
            Thread.sleep(300);
        }

        void type(String text) throws Exception {
            xdotool("type", "--delay", "60", text);
            Thread.sleep(300);
        }

        private void xdotool(String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("xdotool"));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("DISPLAY", display);
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0).as("xdotool %s: %s", cmd, output).isTrue();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        interface Check {
            boolean ok() throws Exception;
        }
    }
}
