package dev.karuku.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/// One Karuku per user: a second launch (a double-click on another `.gguf`) hands its files to the window already
/// open and exits, instead of loading a second model beside the first.
///
/// The first instance holds a file lock in the data folder and listens on a loopback port; the port and a random
/// secret are in a file only the user can read, so no other local user can hand it files. A launch that finds no
/// one listening (the first, or after a crash) simply starts.
final class SingleInstance implements AutoCloseable {
    static final String LOCK_FILE = "instance.lock", PORT_FILE = "instance.port";
    private static final int CONNECT_MILLIS = 2_000, ANSWER_MILLIS = 5_000;

    private final FileChannel channel;
    private final FileLock lock;
    private final ServerSocket server;
    private final Path portFile;

    private SingleInstance(FileChannel channel, FileLock lock, ServerSocket server, Path portFile) {
        this.channel = channel;
        this.lock = lock;
        this.server = server;
        this.portFile = portFile;
    }

    /// Hands `args` (file paths, made absolute here) to the Karuku running with data in `home`; true when it took
    /// them, false when none is running (or it does not answer), so this launch should start the app itself.
    static boolean handOff(Path home, List<String> args) {
        Path file = home.resolve(PORT_FILE);
        if (!Files.isRegularFile(file)) return false;
        try {
            String[] parts = Files.readString(file, StandardCharsets.UTF_8).strip().split(" ");
            if (parts.length != 2) return false;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(parts[0])), CONNECT_MILLIS);
                s.setSoTimeout(ANSWER_MILLIS);
                PrintWriter out = new PrintWriter(new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8));
                out.println(parts[1]);
                for (String a : args) {
                    if (!a.isBlank() && !a.startsWith("-")) out.println(Path.of(a).toAbsolutePath());
                }
                out.println();
                out.flush();
                var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                return "OK".equals(in.readLine());
            }
        } catch (IOException | RuntimeException e) {
            return false; // nobody there: this launch becomes the instance
        }
    }

    /// Becomes the instance for `home`: what later launches hand over goes to `open`, on a background thread, once
    /// per launch (an empty list when it was started without files: the window should come to the front).
    /// Empty when another process already is the instance (two launches raced) or the folder cannot be used.
    static Optional<SingleInstance> serve(Path home, Consumer<List<Path>> open) {
        FileChannel channel = null;
        try {
            Files.createDirectories(home);
            channel = FileChannel.open(home.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            byte[] secret = new byte[16];
            new SecureRandom().nextBytes(secret);
            String token = HexFormat.of().formatHex(secret);
            Path portFile = home.resolve(PORT_FILE);
            writePrivately(portFile, server.getLocalPort() + " " + token + "\n");
            SingleInstance instance = new SingleInstance(channel, lock, server, portFile);
            Thread.ofVirtual().name("karuku-instance").start(() -> instance.accept(token, open));
            return Optional.of(instance);
        } catch (IOException | OverlappingFileLockException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing held
                }
            }
            return Optional.empty();
        }
    }

    private void accept(String token, Consumer<List<Path>> open) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(ANSWER_MILLIS);
                var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                if (!token.equals(in.readLine())) continue;
                List<Path> files = new ArrayList<>();
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) files.add(Path.of(line));
                open.accept(files);
                PrintWriter out = new PrintWriter(new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8));
                out.println("OK");
                out.flush();
            } catch (IOException | RuntimeException e) {
                // a launch that went away, or a bad path: wait for the next one
            }
        }
    }

    private static void writePrivately(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // Windows: the user's profile folder is private already
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /// Stops answering and lets the next launch become the instance.
    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(portFile);
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // exiting anyway
        }
    }
}
