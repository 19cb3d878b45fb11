package dev.karuku.app.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.app.chat.Sampling;
import dev.karuku.engine.conversation.Role;
import dev.karuku.engine.estimate.MeasuredSpeeds;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.settings.SpeculativeSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The speed a model's replies reach is its usual speed, the baseline of a speculative reply's speed-up: replies of
/// the model loaded with a draft or prompt lookup are not recorded in it.
class UsualSpeedTest {
    final TestHost testHost = new TestHost();
    @TempDir Path dir;

    @AfterEach
    void close() {
        testHost.close();
    }

    ChatBackend.Result reply(ModelLoader loader, Path model, SpeculativeSettings speculative) throws Exception {
        ModelLoader.Loaded loaded = loader.load(model, LoadSettings.DEFAULTS.withGpuLayers(0).withContextLength(256).withThreads(1),
                speculative, fraction -> {}).result().get(120, TimeUnit.SECONDS);
        try {
            CompletableFuture<ChatBackend.Result> done = new CompletableFuture<>();
            loaded.chat().reply(new ChatBackend.ChatRequest(null, List.of(new ChatBackend.Turn(Role.USER, "abc")),
                    new Sampling(0.0, 1.0, 1, 1.0, 40)), new ChatBackend.Listener() {
                @Override public void token(String piece) {}
                @Override public void done(ChatBackend.Result r) { done.complete(r); }
                @Override public void failed(String message) { done.completeExceptionally(new AssertionError(message)); }
            });
            return done.get(60, TimeUnit.SECONDS);
        } finally {
            loaded.resources().close();
        }
    }

    @Test
    void repliesWithSpeculationAreNotRecordedAsTheModelsUsualSpeed() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        MeasuredSpeeds speeds = MeasuredSpeeds.open(dir);
        ModelLoader loader = new WorkerModelLoader(testHost.host, speeds, e -> e.getMessage());

        ChatBackend.Result sped = reply(loader, model, SpeculativeSettings.OFF.withLookup(true));
        assertThat(sped.tokens()).isEqualTo(40);
        assertThat(speeds.replyTokensPerSecond(model, 0)).as("nothing recorded with prompt lookup on").isEmpty();

        ChatBackend.Result plain = reply(loader, model, SpeculativeSettings.OFF);
        assertThat(plain.tokens()).isEqualTo(40);
        assertThat(plain.drafted()).isZero();
        assertThat(plain.speedUp()).as("no speed-up without speculation").isZero();
        assertThat(speeds.replyTokensPerSecond(model, 0)).as("the usual speed").isPresent();
    }
}
