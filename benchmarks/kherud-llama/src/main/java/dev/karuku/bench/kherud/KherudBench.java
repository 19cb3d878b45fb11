package dev.karuku.bench.kherud;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.Sampler;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// de.kherud:llama peer for Karuku's benchmark: the same prompt token ids as `karuku bench`, greedy decoding,
/// timed the same way (time to first token, then the rest of the tokens), one JSON object on stdout.
///
/// Usage: `KherudBench --model M --threads T --prompt-tokens P --tokens N --runs R --warmup W --context C --batch B
/// --vocab V`. The process ends with `Runtime.halt` because `LlamaModel.close()` does not return.
public final class KherudBench {

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        String model = a.get("model");
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        int promptTokens = Integer.parseInt(a.getOrDefault("prompt-tokens", "256"));
        int tokens = Integer.parseInt(a.getOrDefault("tokens", "128"));
        int runs = Integer.parseInt(a.getOrDefault("runs", "5"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "1"));
        int context = Integer.parseInt(a.getOrDefault("context", String.valueOf(promptTokens + tokens + 64)));
        int batch = Integer.parseInt(a.getOrDefault("batch", "512"));
        int vocab = Integer.parseInt(a.getOrDefault("vocab", "32000"));
        if (model == null) {
            System.err.println("--model is required");
            System.exit(2);
        }
        java.io.PrintStream json = System.out;
        System.setOut(System.err); // de.kherud prints where it extracted its library; stdout carries only the JSON
        LlamaModel.setLogger(null, (level, text) -> { });
        long t0 = System.nanoTime();
        LlamaModel llama = new LlamaModel(new ModelParameters().setModel(model).setThreads(threads)
                .setThreadsBatch(threads).setCtxSize(context).setBatchSize(batch).setUbatchSize(batch)
                .setGpuLayers(0).setParallel(1));
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        String prompt = promptIds(promptTokens, vocab);
        for (int i = 0; i < warmup; i++) once(llama, prompt, promptTokens, tokens);
        StringJoiner samples = new StringJoiner(",", "[", "]");
        for (int i = 0; i < runs; i++) samples.add(once(llama, prompt, promptTokens, tokens));
        json.println("{\"engine\":\"de.kherud:llama\",\"version\":\"4.2.0\",\"build\":\"llama.cpp b4916 in libjllama (June 2025)\""
                + ",\"threads\":" + threads + ",\"contextSize\":" + context + ",\"batchSize\":" + batch
                + ",\"gpuLayers\":0,\"loadSeconds\":" + loadSeconds + ",\"peakRssBytes\":" + peakRss()
                + ",\"samples\":" + samples + "}");
        json.flush();
        Runtime.getRuntime().halt(0);
    }

    /// One timed request: prompt ids in (the prompt cache is off, so every run processes the whole prompt), greedy
    /// tokens out until `tokens` arrived, end of sequence ignored.
    private static String once(LlamaModel llama, String promptJson, int promptTokens, int tokens) throws Exception {
        InferenceParameters p = new InferenceParameters("").setNPredict(tokens).setTemperature(0f)
                .setSamplers(Sampler.TEMPERATURE).setIgnoreEos(true).setCachePrompt(false);
        rawParameters(p).put("prompt", promptJson);
        long start = System.nanoTime(), first = 0, last = 0;
        int count = 0;
        for (LlamaOutput ignored : llama.generate(p)) {
            long now = System.nanoTime();
            if (count++ == 0) first = now;
            last = now;
            if (count >= tokens) break;
        }
        return "{\"promptTokens\":" + promptTokens + ",\"ttftSeconds\":" + (first - start) / 1e9
                + ",\"generatedTokens\":" + count + ",\"decodeSeconds\":" + (last - first) / 1e9 + "}";
    }

    /// The same ids every engine feeds (see `dev.karuku.cli.bench.PromptTokens`).
    static String promptIds(int n, int vocab) {
        StringJoiner j = new StringJoiner(",", "[", "]");
        for (int i = 0; i < n; i++) j.add(String.valueOf(vocab >= 30300 ? 300 + (i * 7919L + 13) % 30000 : 3 + i % (vocab - 3)));
        return j.toString();
    }

    /// de.kherud takes the prompt as text only; its server also accepts a JSON array of token ids, which this
    /// puts straight into the request's JSON parameters so all engines see identical tokens.
    @SuppressWarnings("unchecked")
    private static Map<String, String> rawParameters(InferenceParameters p) throws ReflectiveOperationException {
        Field f = p.getClass().getSuperclass().getDeclaredField("parameters");
        f.setAccessible(true);
        return (Map<String, String>) f.get(p);
    }

    private static long peakRss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) return -1;
        Matcher m = Pattern.compile("VmHWM:\\s+(\\d+) kB").matcher(Files.readString(status));
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }
}
