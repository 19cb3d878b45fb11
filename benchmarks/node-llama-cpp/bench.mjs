// node-llama-cpp peer for Karuku's benchmark: raw tokens in, greedy tokens out, timed the same way as `karuku bench`.
// Usage: node bench.mjs --model M --threads T --prompt-tokens P --tokens N --runs R --warmup W --context C --batch B
// Prints one JSON object on stdout (the shape benchmarks/README.md describes).
import {getLlama, LlamaLogLevel} from "node-llama-cpp";
import {readFileSync} from "node:fs";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
    a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []));
const need = (k, d) => args[k] !== undefined ? args[k] : d;
const model = need("model");
const threads = Number(need("threads", 2));
const promptTokens = Number(need("prompt-tokens", 256));
const genTokens = Number(need("tokens", 128));
const runs = Number(need("runs", 5));
const warmup = Number(need("warmup", 1));
const contextSize = Number(need("context", promptTokens + genTokens + 64));
const batchSize = Number(need("batch", 512));
if (!model) { console.error("--model is required"); process.exit(2); }

/// The same prompt ids every engine feeds: `karuku bench` and the de.kherud runner use this formula too.
function promptIds(n, vocab) {
    const ids = [];
    for (let i = 0; i < n; i++) ids.push(vocab >= 30300 ? 300 + (i * 7919 + 13) % 30000 : 3 + i % (vocab - 3));
    return ids;
}
const peakRss = () => {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? Number(m[1]) * 1024 : null;
};

const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error, maxThreads: threads});
const t0 = performance.now();
const m = await llama.loadModel({modelPath: model, gpuLayers: 0});
const ctx = await m.createContext({contextSize, batchSize, threads, sequences: 1});
const loadSeconds = (performance.now() - t0) / 1000;
const seq = ctx.getSequence();
const embd = m.fileInfo.tensorInfo?.find(t => t.name === "token_embd.weight");
const prompt = promptIds(promptTokens, embd ? Number(embd.dimensions[1]) : 32000);

async function once() {
    await seq.clearHistory();
    const start = performance.now();
    let first = 0, last = 0, count = 0;
    for await (const token of seq.evaluate(prompt, {temperature: 0})) {
        const now = performance.now();
        if (count === 0) first = now;
        last = now;
        if (++count >= genTokens) break;
    }
    return {promptTokens: prompt.length, ttftSeconds: (first - start) / 1000, generatedTokens: count,
            decodeSeconds: (last - first) / 1000};
}
for (let i = 0; i < warmup; i++) await once();
const samples = [];
for (let i = 0; i < runs; i++) samples.push(await once());
const version = JSON.parse(readFileSync(new URL("./node_modules/node-llama-cpp/package.json", import.meta.url), "utf8")).version;
console.log(JSON.stringify({
    engine: "node-llama-cpp", version, build: "llama.cpp v0.4.0 (@node-llama-cpp/linux-x64 prebuilt)",
    threads, contextSize: ctx.contextSize, batchSize, gpuLayers: 0, loadSeconds, peakRssBytes: peakRss(), samples
}));
await ctx.dispose(); await m.dispose(); await llama.dispose();
