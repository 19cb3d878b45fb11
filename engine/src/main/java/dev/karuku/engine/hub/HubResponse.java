package dev.karuku.engine.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.OptionalLong;

/// One HTTP answer whose body has not been read yet. Close it when done (it holds a connection).
///
/// @param uri the URL that gave this answer, after redirects
public record HubResponse(int status, HttpHeaders headers, URI uri, InputStream body) implements AutoCloseable {

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    public OptionalLong longHeader(String name) {
        try {
            return headers.firstValue(name).map(v -> OptionalLong.of(Long.parseLong(v.strip()))).orElse(OptionalLong.empty());
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public byte[] readAll() throws IOException {
        try (InputStream in = body) {
            return in.readAllBytes();
        }
    }

    /// Up to `max` bytes of the body, for error messages; never throws.
    String readSome(int max) {
        try (InputStream in = body) {
            return new String(in.readNBytes(max), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // closing a finished or broken connection has nothing to report
        }
    }
}
