package dev.karuku.engine.llama.internal;

import dev.karuku.engine.llama.LlamaLog;
import dev.karuku.engine.llama.LogLevel;
import dev.karuku.engine.llama.LogLine;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LogBridgeTest {

    @Test
    void fragmentsAndContinuationsBecomeWholeLinesWithTheirLevel() throws Exception {
        var captured = LlamaLog.capture(() -> {
            LogBridge.accept(LogLevel.INFO, "load_tensors: loading model tensors, this can take a while...");
            LogBridge.accept(LogLevel.CONT, ".");
            LogBridge.accept(LogLevel.CONT, ".\n");
            LogBridge.accept(LogLevel.WARN, "first\nsecond ");
            LogBridge.accept(LogLevel.CONT, "half\n");
            LogBridge.accept(LogLevel.INFO, "load_tensors:   CPU_Mapped model buffer size =   634.75 MiB\n");
            return 1;
        });
        assertThat(captured.lines()).containsExactly(
                new LogLine(LogLevel.INFO, "load_tensors: loading model tensors, this can take a while....."),
                new LogLine(LogLevel.WARN, "first"),
                new LogLine(LogLevel.WARN, "second half"),
                new LogLine(LogLevel.INFO, "load_tensors:   CPU_Mapped model buffer size =   634.75 MiB"));
    }

    @Test
    void aCaptureSeesOnlyItsOwnThreadWhileASubscriptionSeesAll() throws Exception {
        List<LogLine> all = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var sub = LlamaLog.subscribe(all::add)) {
            var captured = LlamaLog.capture(() -> {
                Thread other = Thread.ofPlatform().start(() -> LogBridge.accept(LogLevel.INFO, "from another thread\n"));
                other.join();
                LogBridge.accept(LogLevel.INFO, "from this thread\n");
                return null;
            });
            assertThat(captured.lines()).extracting(LogLine::text).containsExactly("from this thread");
        }
        assertThat(all).extracting(LogLine::text).contains("from another thread", "from this thread");
        LogBridge.accept(LogLevel.INFO, "after close\n");
        assertThat(all).extracting(LogLine::text).doesNotContain("after close");
    }

    @Test
    void theReasonIsTheSpecificErrorWithoutFunctionPrefixes() {
        List<LogLine> lines = List.of(
                new LogLine(LogLevel.INFO, "llama_model_loader: loaded meta data"),
                new LogLine(LogLevel.ERROR, "llama_model_load: error loading model: tensor 'output.weight' data is not within the file bounds"),
                new LogLine(LogLevel.ERROR, "llama_model_load_from_file_impl: failed to load model"));
        assertThat(ThreadLog.reason(lines, "fallback"))
                .isEqualTo("error loading model: tensor 'output.weight' data is not within the file bounds");
        assertThat(ThreadLog.reason(List.of(), "fallback")).isEqualTo("fallback");
    }
}
