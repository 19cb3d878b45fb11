package dev.karuku.engine.remote;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/// Reads server-sent events as the servers we talk to write them: `data:` with or without the space after the
/// colon, comments (`: keep-alive`, Ollama and vLLM send them while a model loads), `event:`/`id:`/`retry:` lines
/// (ignored), CR LF or LF line ends. An event's data lines are joined with `\n`, as the standard says.
final class SseReader {

    private final BufferedReader in;

    SseReader(InputStream in) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /// The next event's data, or null at the end of the stream. Events without data lines are skipped.
    String next() throws IOException {
        StringBuilder data = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) return data.toString();
                continue;
            }
            if (line.startsWith(":")) continue;
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            if (!field.equals("data")) continue;
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            if (data == null) data = new StringBuilder();
            else data.append('\n');
            data.append(value);
        }
        return data == null ? null : data.toString();
    }
}
