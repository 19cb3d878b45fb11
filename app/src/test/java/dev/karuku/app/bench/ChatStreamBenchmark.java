package dev.karuku.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.bench.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

/// The Chat screen's frame-time benchmark (docs/benchmarks.md, "Chat view frame times"): streams `rate` tokens a
/// second for `seconds` into the real Chat screen, `runs` times after one short warm-up reply, and writes
/// `chat-stream.json` and `chat-stream.md` into `out`. Not a unit test (the name matches none of surefire's
/// patterns): run it with `benchmarks/ui.sh`, which passes the settings as system properties:
/// `karuku.bench.ui.{out,seconds,rate,runs}`.
class ChatStreamBenchmark {
    @TempDir Path home;

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupStages();
    }

    @Test
    void streamIntoTheChatView() throws Exception {
        Path out = Path.of(System.getProperty("karuku.bench.ui.out", "target/bench-ui"));
        double seconds = Double.parseDouble(System.getProperty("karuku.bench.ui.seconds", "10"));
        double rate = Double.parseDouble(System.getProperty("karuku.bench.ui.rate", "2000"));
        int runs = Integer.getInteger("karuku.bench.ui.runs", 3);
        double pulseMs = 1000.0 / Integer.getInteger("javafx.animation.pulse", 60);
        int tokens = (int) Math.round(seconds * rate);
        List<String> pieces = ReplyText.pieces(tokens);

        double loadBefore = Machine.currentLoadAverage();
        Machine machine = Machine.current();
        var harness = new ChatStreamHarness(FxToolkit.registerPrimaryStage(), home, pieces, rate);
        harness.stream(Math.min(tokens, (int) (2 * rate)), null); // warm-up: class loading and the JIT
        List<FrameStats> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            FrameStats s = FrameStats.of(harness.stream(tokens, null), pieces, pulseMs);
            results.add(s);
            System.err.println(s.tableRow(String.valueOf(i + 1)));
        }
        double loadAfter = Machine.currentLoadAverage();

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.set("machine", machine.toJson(json));
        root.put("loadAverageBefore", loadBefore).put("loadAverageAfter", loadAfter);
        root.put("graphics", Graphics.describe());
        root.put("tokensPerSecond", rate).put("seconds", seconds).put("tokens", tokens).put("pulsePeriodMs", pulseMs);
        root.set("runs", json.valueToTree(results));
        Files.createDirectories(out);
        json.writeValue(out.resolve("chat-stream.json").toFile(), root);
        Files.writeString(out.resolve("chat-stream.md"), markdown(machine, loadBefore, loadAfter, rate, seconds, pulseMs, results));
    }

    private static String markdown(Machine m, double loadBefore, double loadAfter, double rate, double seconds, double pulseMs,
                                   List<FrameStats> results) {
        StringBuilder md = new StringBuilder();
        md.append("Machine: %s, %d cores, %s; graphics: %s%n".formatted(m.cpu(), m.physicalCores(), m.os(), Graphics.describe()));
        md.append("Load average (1 min): %.2f before, %.2f after%n%n".formatted(loadBefore, loadAfter));
        md.append("%,.0f tokens/s for %.0f s into the Chat screen (one reply of %,d tokens), pulse period %.2f ms; "
                .formatted(rate, seconds, Math.round(rate * seconds), pulseMs));
        md.append("frame time = interval between pulses; dropped = interval > 1.5 periods.\n\n");
        md.append(FrameStats.tableHeader()).append('\n');
        for (int i = 0; i < results.size(); i++) md.append(results.get(i).tableRow(String.valueOf(i + 1))).append('\n');
        double bestP99 = results.stream().mapToDouble(FrameStats::p99Ms).min().orElse(Double.NaN);
        md.append("\nTarget p99 < 20 ms: best run %.1f ms, %s.%n".formatted(bestP99, bestP99 < 20 ? "met" : "NOT met"));
        return md.toString();
    }
}
