package dev.karuku.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.karuku.engine.serve.Completion;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ModelHost;
import dev.karuku.cli.server.CompletionEvents.Done;
import dev.karuku.cli.server.CompletionEvents.Event;
import dev.karuku.cli.server.CompletionEvents.Failed;
import dev.karuku.cli.server.CompletionEvents.Text;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/// One completion request, from submitting it to the host to the last byte of the answer, on the request's thread.
///
/// A streamed answer's status is sent with its first event, not before: a request the host refuses (busy, unknown
/// model, a bad value) still gets its 4xx and not a 200 with an error inside the stream.
final class CompletionHandler {

    private final ModelHost host;
    private final HttpExchange ex;
    private final RequestRecord record;
    private final OpenAiRequest request;
    private final OpenAiJson json;
    private final CompletionEvents events = new CompletionEvents();

    CompletionHandler(ModelHost host, HttpExchange ex, RequestRecord record, OpenAiRequest request) {
        this.host = host;
        this.ex = ex;
        this.record = record;
        this.request = request;
        this.json = new OpenAiJson(request.chat(), request.completion().model());
    }

    void run() throws ApiError, IOException, InterruptedException {
        Completion completion = host.submit(request.completion(), events);
        try {
            if (request.stream()) stream(completion);
            else whole();
        } catch (IOException | InterruptedException | RuntimeException e) {
            completion.cancel(); // the client is gone (or this thread was stopped): free the sequence
            awaitEnd();
            throw e;
        }
    }

    private void whole() throws ApiError, IOException, InterruptedException {
        StringBuilder text = new StringBuilder();
        while (true) {
            switch (events.next()) {
                case Text t -> text.append(t.piece());
                case Failed f -> throw ApiError.of(f.error());
                case Done d -> {
                    count(d.result());
                    OpenAiServer.sendJson(ex, record, 200, json.complete(text.toString(), d.result()));
                    return;
                }
            }
        }
    }

    private void stream(Completion completion) throws ApiError, IOException, InterruptedException {
        Event first = events.next();
        if (first instanceof Failed f) throw ApiError.of(f.error());
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        record.status = 200;
        record.headersSent = true;
        ex.sendResponseHeaders(200, 0); // chunked: each flush reaches the client as it is
        boolean usage = request.includeUsage();
        try (OutputStream out = ex.getResponseBody()) {
            if (request.chat()) send(out, json.roleChunk(usage));
            Event e = first;
            while (true) {
                switch (e) {
                    case Text t -> send(out, json.textChunk(t.piece(), usage));
                    case Failed f -> { // after the status: the error travels as an event, as OpenAI's do
                        ApiError error = ApiError.of(f.error());
                        record.finish = "error";
                        send(out, OpenAiJson.error(error));
                        return;
                    }
                    case Done d -> {
                        count(d.result());
                        send(out, json.finishChunk(d.result(), usage));
                        if (usage) send(out, json.usageChunk(d.result()));
                        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        return;
                    }
                }
                e = events.next();
            }
        }
    }

    private static void send(OutputStream out, JsonNode chunk) throws IOException {
        out.write(("data: " + OpenAiJson.MAPPER.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void count(CompletionResult r) {
        record.promptTokens = r.stats().promptTokens() + r.stats().reusedTokens();
        record.completionTokens = r.stats().generatedTokens();
        record.drafted = r.stats().draftedTokens();
        record.accepted = r.stats().acceptedTokens();
        record.finish = r.reason() == dev.karuku.engine.generation.StopReason.CANCELLED ? "cancelled" : r.finishReason();
    }

    /// After a cancel, the completion's end (for the log's token count); a host answers a cancel at its next step.
    private void awaitEnd() {
        try {
            while (true) {
                Event e = events.next();
                if (e instanceof Done d) {
                    count(d.result());
                    return;
                }
                if (e instanceof Failed) return;
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}
