package dev.karuku.installers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/// A private Xvfb display for one test (Xvfb picks a free display number and reports it: `-displayfd`), so the
/// test needs no `xvfb-run` around Maven and never meets another test's windows.
final class VirtualDisplay implements AutoCloseable {

    private final Process xvfb;
    private final String name;

    private VirtualDisplay(Process xvfb, String name) {
        this.xvfb = xvfb;
        this.name = name;
    }

    static VirtualDisplay start() throws IOException {
        Process p = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String number = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        if (number == null || number.isBlank()) {
            p.destroyForcibly();
            throw new IllegalStateException("Xvfb did not start (install the xvfb package)");
        }
        return new VirtualDisplay(p, ":" + number.strip());
    }

    String name() {
        return name;
    }

    /// Polls `xdotool search --onlyvisible --name` until a window with exactly this title is mapped; returns its X id.
    /// (Only visible ones: GTK also names its hidden client-leader window after the app.)
    long awaitWindow(String title, Process owner, long timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!owner.isAlive()) throw new AssertionError("the app exited (code " + owner.exitValue() + ") before its window appeared");
            Proc search = Proc.run(List.of("xdotool", "search", "--onlyvisible", "--name", "^" + title + "$"), Map.of("DISPLAY", name),
                    java.nio.file.Path.of("."), 10);
            String first = search.out().lines().findFirst().orElse("").strip();
            if (search.exit() == 0 && !first.isEmpty()) return Long.parseLong(first);
            Thread.sleep(20);
        }
        throw new AssertionError("no window titled \"" + title + "\" within " + timeoutSeconds + " s");
    }

    @Override
    public void close() {
        xvfb.destroy();
    }
}
