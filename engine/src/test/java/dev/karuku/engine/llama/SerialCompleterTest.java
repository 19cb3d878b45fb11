package dev.karuku.engine.llama;

import dev.karuku.engine.generation.*;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ServeException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/// One completion at a time on the successor model; a bounded queue behind it.
class SerialCompleterTest {

    private static final GenerateOptions TEN = new GenerateOptions(10, SamplingParams.greedy(), List.of());

    /// Ends with the result or the error.
    private static final class Ending implements CompletionListener {
        final StringBuilder text = new StringBuilder();
        final CompletableFuture<String> started = new CompletableFuture<>();
        final CompletableFuture<Object> end = new CompletableFuture<>();

        @Override
        public synchronized void onText(String piece) {
            text.append(piece);
            started.complete(piece);
        }

        @Override
        public void onComplete(CompletionResult result) {
            end.complete(result);
        }

        @Override
        public void onError(ServeException error) {
            end.complete(error);
        }

        Object await() throws Exception {
            return end.get(120, TimeUnit.SECONDS);
        }
    }

    @Test
    void completionsBeyondTheRunningOneAndItsQueueAreRefusedAsBusy() throws Exception {
        try (var c = Completers.open(LlamaRuntime.load(), TestFixtures.successor(),
                LoadOptions.of(TestFixtures.tinySettings().withContextLength(16384)), 1, 1)) {
            Ending running = new Ending(), queued = new Ending(), refused = new Ending();
            var first = c.submit(CompletionRequest.text("m", "abc", new GenerateOptions(0, SamplingParams.greedy(), List.of())), running);
            running.started.get(120, TimeUnit.SECONDS);
            c.submit(CompletionRequest.text("m", "abc", TEN), queued);
            c.submit(CompletionRequest.text("m", "abc", TEN), refused);

            assertThat(refused.await()).isInstanceOfSatisfying(ServeException.class, e -> {
                assertThat(e.kind()).isEqualTo(ServeException.Kind.BUSY);
                assertThat(e.retryAfter()).isPositive();
            });
            first.cancel();
            assertThat(running.await()).isInstanceOfSatisfying(CompletionResult.class,
                    r -> assertThat(r.reason()).isEqualTo(StopReason.CANCELLED));
            assertThat(queued.await()).isInstanceOf(CompletionResult.class);
            assertThat(queued.text.toString()).startsWith("defghij");
        }
    }

    @Test
    void aPromptLongerThanTheContextIsInvalid() throws Exception {
        try (var c = Completers.open(LlamaRuntime.load(), TestFixtures.successor(), TestFixtures.tinyOptions(), 1, 0)) {
            Ending e = new Ending();
            c.submit(CompletionRequest.text("m", "abc".repeat(200), TEN), e);
            assertThat(e.await()).isInstanceOfSatisfying(ServeException.class,
                    x -> assertThat(x.kind()).isEqualTo(ServeException.Kind.INVALID));
            Ending ok = new Ending();
            c.submit(CompletionRequest.text("m", "abc", TEN), ok);
            assertThat(ok.await()).isInstanceOf(CompletionResult.class);
            assertThat(ok.text.toString()).startsWith("defghij");
        }
    }
}
