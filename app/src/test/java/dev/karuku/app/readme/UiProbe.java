package dev.karuku.app.readme;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/// A Java agent for [ReadmeRunIT]: the app started by `javafx:run` is another process, so the test cannot look
/// its nodes up the way TestFX does. Loaded through `JDK_JAVA_OPTIONS` (which Maven's own JVM reads too, where
/// JavaFX is absent and this does nothing), it waits for JavaFX, then answers on a loopback socket where a node
/// with an id is on the screen ("find ID" or "find-prefix PREFIX" → "x y" of its centre, or "-") and what it
/// shows ("text ID" → the text). It only reads: every click and key reaches the app through X, from xdotool.
public final class UiProbe {
    private UiProbe() {}

    public static void premain(String args) {
        Thread.ofPlatform().daemon().name("karuku-ui-probe").start(() -> {
            try {
                Class.forName("javafx.stage.Window", false, ClassLoader.getSystemClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                return; // Maven's JVM, not the app's
            }
            try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
                Path portFile = Path.of(args);
                Files.writeString(portFile.resolveSibling(portFile.getFileName() + ".tmp"), Integer.toString(server.getLocalPort()));
                Files.move(portFile.resolveSibling(portFile.getFileName() + ".tmp"), portFile);
                while (true) {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> serve(s));
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        });
    }

    private static void serve(Socket s) {
        try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) out.println(FxSide.answer(line));
        } catch (Exception e) {
            // the test closed the connection
        }
    }
}
