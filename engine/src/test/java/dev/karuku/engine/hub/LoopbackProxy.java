package dev.karuku.engine.hub;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/// A real HTTP proxy on 127.0.0.1, as small as it can be: forwards absolute-form requests (`GET http://host/…`,
/// what a client sends a proxy for `http://` URLs), one request per connection, and records each request line, so
/// a test can see that a client went through it.
public final class LoopbackProxy implements AutoCloseable {

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    public LoopbackProxy() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket c = server.accept();
                    threads.execute(() -> serve(c));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /// `http://127.0.0.1:<port>`: what `HTTP_PROXY` should be.
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /// Request lines seen, e.g. `GET http://127.0.0.1:4711/api/models?… HTTP/1.1`.
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String head = readHead(in);
            if (head.isEmpty()) return;
            String[] lines = head.split("\r\n");
            String[] first = lines[0].split(" ");
            requests.add(lines[0]);
            URI target = URI.create(first[1]);
            StringBuilder out = new StringBuilder(first[0]).append(' ').append(target.getRawPath())
                    .append(target.getRawQuery() == null ? "" : "?" + target.getRawQuery()).append(' ').append(first[2]).append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                String l = lines[i].toLowerCase(java.util.Locale.ROOT);
                if (l.startsWith("connection:") || l.startsWith("proxy-connection:") || l.startsWith("keep-alive:")) continue;
                out.append(lines[i]).append("\r\n");
            }
            out.append("Connection: close\r\n\r\n");
            try (Socket upstream = new Socket(target.getHost(), target.getPort() == -1 ? 80 : target.getPort())) {
                upstream.getOutputStream().write(out.toString().getBytes(StandardCharsets.ISO_8859_1));
                pipe(client, upstream);
            }
        } catch (IOException ignored) {
            // a client or server that hung up ends this connection only
        }
    }

    private void pipe(Socket client, Socket upstream) throws IOException {
        threads.execute(() -> copy(client, upstream));
        copy(upstream, client);
    }

    private static void copy(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException ignored) {
            // the other side closed
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        for (int c; (c = in.read()) >= 0; ) {
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) break;
        }
        return b.toString(StandardCharsets.ISO_8859_1).strip();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        threads.shutdownNow();
    }
}
