package dev.karuku.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.cli.bench.Machine;
import dev.karuku.cli.bench.Stats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

/// The Chat screen's frame-time benchmark (docs/benchmarks.md, "Chat view frame times"): streams `rate` tokens a
/// second for `seconds` into the real Chat screen, `runs` times after one short warm-up reply, each time as one
/// long answer and as a conversation of answers of `replyTokens` tokens, and writes
/// `chat-stream.json` and `chat-stream.md` into `out`. Not a unit test (the name matches none of surefire's
/// patterns): run it with `benchmarks/ui.sh`, which passes the settings as system properties:
/// `karuku.bench.ui.{out,seconds,rate,runs,replyTokens,kinds}`.
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
        int replyTokens = Integer.getInteger("karuku.bench.ui.replyTokens", 1000);
        String kinds = System.getProperty("karuku.bench.ui.kinds", "answer conversation");
        double pulseMs = 1000.0 / Integer.getInteger("javafx.animation.pulse", 60);
        int tokens = (int) Math.round(seconds * rate);
        List<String> pieces = ReplyText.pieces(tokens);

        double loadBefore = Machine.currentLoadAverage();
        Machine machine = Machine.current();
        var harness = new ChatStreamHarness(FxToolkit.registerPrimaryStage(), home, pieces, rate);
        harness.stream(1, Math.min(tokens, (int) (2 * rate)), null); // warm-up: class loading and the JIT
        List<FrameStats> results = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            // one long answer (the worst case: every token lands in the same, growing message), then the same
            // tokens as a conversation of answers of `replyTokens` (the default maximum reply is 1,024 tokens)
            if (kinds.contains("answer")) {
                var seen = new java.util.concurrent.atomic.AtomicInteger();
                results.add(FrameStats.of(harness.stream(1, tokens, halfway(harness, tokens, seen)), seen.get(), pieces, pulseMs));
                labels.add((i + 1) + ": one answer");
            }
            if (!kinds.contains("conversation")) continue;
            int replies = Math.max(1, tokens / replyTokens);
            var seen = new java.util.concurrent.atomic.AtomicInteger();
            int each = Math.min(tokens, replyTokens);
            results.add(FrameStats.of(harness.stream(replies, each, halfway(harness, each, seen)), seen.get(), pieces, pulseMs));
            labels.add((i + 1) + ": conversation");
        }
        int sends = Math.max(1, tokens / replyTokens);
        List<Double> sendMs = kinds.contains("conversation") ? harness.sendTimes(sends, Math.min(tokens, replyTokens)) : List.of();
        double loadAfter = Machine.currentLoadAverage();

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.set("machine", machine.toJson(json));
        root.put("loadAverageBefore", loadBefore).put("loadAverageAfter", loadAfter);
        root.put("graphics", Graphics.describe());
        root.put("tokensPerSecond", rate).put("seconds", seconds).put("tokens", tokens).put("pulsePeriodMs", pulseMs);
        var array = root.putArray("runs");
        for (int i = 0; i < results.size(); i++) array.add(((ObjectNode) json.valueToTree(results.get(i))).put("label", labels.get(i)));
        var sendArray = root.putArray("sendMs");
        sendMs.forEach(sendArray::add);
        Files.createDirectories(out);
        json.writeValue(out.resolve("chat-stream.json").toFile(), root);
        Files.writeString(out.resolve("chat-stream.md"), markdown(machine, loadBefore, loadAfter, rate, seconds, pulseMs, labels, results, sendMs));
    }

    /// Counts the replies whose answer is on screen, drawn as far as it has come, halfway through: one look per reply, without laying
    /// the list out (a layout could mend what the pulses would have drawn).
    private static java.util.function.Consumer<SteadyTokenSource.Run> halfway(ChatStreamHarness harness, int tokens,
                                                                              java.util.concurrent.atomic.AtomicInteger seen) {
        // at least 90% of it: a pulse or two may have arrived since the last one drawn
        return run -> {
            if (harness.drawnShareAfter(run, tokens / 2) >= 0.9) seen.incrementAndGet();
        };
    }

    private static String markdown(Machine m, double loadBefore, double loadAfter, double rate, double seconds, double pulseMs,
                                   List<String> labels, List<FrameStats> results, List<Double> sendMs) {
        StringBuilder md = new StringBuilder();
        md.append("Machine: %s, %d cores, %s; graphics: %s%n".formatted(m.cpu(), m.physicalCores(), m.os(), Graphics.describe()));
        md.append("Load average (1 min): %.2f before, %.2f after%n%n".formatted(loadBefore, loadAfter));
        md.append(("%,.0f tokens/s for %.0f s into the Chat screen, as one answer of %,d tokens and as a conversation "
                + "of shorter answers; pulse period %.2f ms; ").formatted(rate, seconds, Math.round(rate * seconds), pulseMs));
        md.append("frame time = interval between pulses; dropped = interval > 1.5 periods.\n\n");
        md.append(FrameStats.tableHeader()).append('\n');
        for (int i = 0; i < results.size(); i++) md.append(results.get(i).tableRow(labels.get(i))).append('\n');
        md.append('\n');
        if (!sendMs.isEmpty()) {
            double[] v = sendMs.stream().mapToDouble(Double::doubleValue).toArray();
            md.append(("Send, on the FX thread (the view model's work, then the CSS and layout it causes), over %d Sends "
                    + "into a conversation: median %.1f ms, p90 %.1f ms, max %.1f ms.%n%n").formatted(v.length,
                    Stats.median(v), Stats.percentile(v, 90), Stats.percentile(v, 100)));
        }
        for (String kind : List.of("one answer", "conversation")) {
            if (labels.stream().noneMatch(l -> l.endsWith(kind))) continue;
            double best = Double.NaN;
            for (int i = 0; i < results.size(); i++) {
                if (labels.get(i).endsWith(kind) && !(results.get(i).p99Ms() >= best)) best = results.get(i).p99Ms();
            }
            md.append("Target p99 < 20 ms, %s: best run %.1f ms, %s.%n".formatted(kind, best, best < 20 ? "met" : "NOT met"));
        }
        return md.toString();
    }
}
