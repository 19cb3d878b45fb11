package dev.karuku.engine.worker;

import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.hardware.CpuBackend;
import dev.karuku.engine.hardware.GpuDevice;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.ServeException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Every message crosses the pipe unchanged, text of any length and script included; a foreign stream is refused.
class WorkerProtocolTest {

    @Test
    void everyMessageSurvivesTheRoundTrip() throws IOException {
        String longText = "日本語のテキスト、かるく ".repeat(10_000); // beyond writeUTF's 64 KiB
        // a Japanese file name where this JVM can name files in Japanese (not under LANG=C, where the OS's file
        // names are bytes Java reads as ASCII); the texts below are Japanese either way
        String fileName = java.nio.charset.Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")).newEncoder()
                .canEncode("日本") ? "日本.gguf" : "nihon.gguf";
        List<WorkerMessage> messages = List.of(
                new WorkerMessage.Load(Path.of("/models", fileName), LoadOptions.of(new dev.karuku.engine.settings.LoadSettings(12, 8192,
                        KvCacheType.Q8_0, FlashAttention.ON, 3, 4, 1024, 256, false)), 4, 16),
                new WorkerMessage.Load(Path.of("/models/big.gguf"), LoadOptions.of(new dev.karuku.engine.settings.LoadSettings(-1, 0,
                        KvCacheType.F16, FlashAttention.AUTO, 2, 2, 2048, 512, true)), 1, 8,
                        new dev.karuku.engine.settings.SpeculativeSettings(Path.of("/models", fileName), 12, true)),
                new WorkerMessage.Load(Path.of("/models/big.gguf"), LoadOptions.of(new dev.karuku.engine.settings.LoadSettings(-1, 0,
                        KvCacheType.F16, FlashAttention.AUTO, 2, 2, 2048, 512, true)), 1, 8,
                        dev.karuku.engine.settings.SpeculativeSettings.OFF.withLookup(true)),
                new WorkerMessage.Loaded(),
                new WorkerMessage.Loaded(new LoadReport("CPU", 0, 3, 256, 9, null, null, false,
                        new dev.karuku.engine.settings.SpeculativeSettings(Path.of("/models/draft.gguf"), 5, false))),
                new WorkerMessage.Loaded(new LoadReport("Vulkan", 12, 29, 8192, 1L << 30,
                        new dev.karuku.engine.estimate.MeasuredBuffers(1, 2, 3, new dev.karuku.engine.estimate.DeviceBytes(4, 5),
                                new dev.karuku.engine.estimate.DeviceBytes(6, 7), 8, 12, 29))),
                new WorkerMessage.Loaded(new LoadReport("CPU", 0, 3, 256, 9, null)),
                new WorkerMessage.Progress(0.25f),
                new WorkerMessage.Prompt(7, 123),
                new WorkerMessage.Count(11, List.of(ChatMessage.user(longText), ChatMessage.assistant("はい"))),
                new WorkerMessage.Counted(11, 4567, null),
                new WorkerMessage.Counted(12, -1, "no model is loaded in this worker"),
                new WorkerMessage.LoadFailed("cannot load x: llama.cpp could not load it"),
                new WorkerMessage.Submit(7, new CompletionRequest("m", List.of(ChatMessage.system("be brief"),
                        ChatMessage.user(longText), ChatMessage.assistant("ok")), null,
                        new GenerateOptions(99, SamplingParams.defaults().withSeed(42).withTopK(5), List.of("\n\n", "</s>")),
                        "root ::= \"a\"", null)),
                new WorkerMessage.Submit(8, CompletionRequest.text("m", "abc", GenerateOptions.defaults())),
                new WorkerMessage.Text(7, "é"),
                new WorkerMessage.Complete(7, StopReason.STOP_STRING, new GenerationStats(1, 2, 3, 4, 5, 6)),
                new WorkerMessage.Complete(8, StopReason.MAX_TOKENS, new GenerationStats(1, 2, 3, 40, 5, 6, 33, 30, 11)),
                new WorkerMessage.Error(8, ServeException.Kind.BUSY, "busy"),
                new WorkerMessage.Cancel(9),
                new WorkerMessage.Shutdown(),
                new WorkerMessage.Devices(List.of(new GpuDevice("Vulkan0", "llvmpipe", 1L << 30, 2L << 30)),
                        new CpuBackend(List.of("CPU_REPACK"), java.util.Map.of("AVX2", "1"), "ggml")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (WorkerMessage m : messages) WorkerProtocol.write(out, m);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());

        for (WorkerMessage m : messages) assertThat(WorkerProtocol.read(in)).isEqualTo(m);
        assertThat(WorkerProtocol.read(in)).isNull();
    }

    @Test
    void textThatIsNotAFrameIsRefused() {
        var in = new ByteArrayInputStream("ggml_vulkan: Found 1 Vulkan devices\n".getBytes());
        assertThatThrownBy(() -> WorkerProtocol.read(in)).isInstanceOf(IOException.class).hasMessageContaining("not a worker frame");
    }
}
