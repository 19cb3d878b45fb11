// node-llama-cpp peer for the batched case of Karuku's benchmark (issue 18): N sequences of one context
// (`createContext({sequences: N})`), each generating greedily at the same time, so node-llama-cpp's own batching puts
// their tokens into one llama_decode per step. Counted as `karuku bench --streams` counts: every sequence's tokens
// after its first, over the longest span from a sequence's first token to its last.
// Usage: node batched.mjs --model M --threads T --sequences 1,2,4,8 --prompt-tokens P --tokens N --runs R --warmup W
// Prints one JSON object on stdout, the shape of `karuku bench --streams … --json`.
import {getLlama, LlamaLogLevel} from "node-llama-cpp";
import {readFileSync} from "node:fs";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
    a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []));
const need = (k, d) => args[k] !== undefined ? args[k] : d;
const model = need("model");
const threads = Number(need("threads", 2));
const counts = String(need("sequences", "1,2,4,8")).split(",").map(Number);
const promptTokens = Number(need("prompt-tokens", 32));
const genTokens = Number(need("tokens", 64));
const runs = Number(need("runs", 3));
const warmup = Number(need("warmup", 1));
const batchSize = Number(need("batch", 512));
if (!model) { console.error("--model is required"); process.exit(2); }

/// PromptTokens' formula, shifted per sequence so no two sequences decode the same ids.
function promptIds(n, vocab, shift) {
    const ids = [];
    for (let i = 0; i < n; i++) ids.push(vocab >= 30300 ? 300 + ((i + 97 * shift) * 7919 + 13) % 30000 : 3 + (i + shift) % (vocab - 3));
    return ids;
}
const median = xs => { const v = [...xs].sort((a, b) => a - b); const m = v.length >> 1; return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2; };

const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error, maxThreads: threads});
const m = await llama.loadModel({modelPath: model, gpuLayers: 0});
const embd = m.fileInfo.tensorInfo?.find(t => t.name === "token_embd.weight");
const vocab = embd ? Number(embd.dimensions[1]) : 32000;

async function stream(seq, prompt) {
    await seq.clearHistory();
    const start = performance.now();
    let first = 0, last = 0, count = 0;
    for await (const token of seq.evaluate(prompt, {temperature: 0})) {
        const now = performance.now();
        if (count === 0) first = now;
        last = now;
        if (++count >= genTokens) break;
    }
    return {start, first, last, count};
}

const rows = [];
for (const n of counts) {
    const ctx = await m.createContext({contextSize: promptTokens + genTokens + 64, batchSize, threads, sequences: n});
    const seqs = Array.from({length: n}, () => ctx.getSequence());
    const samples = [], ttfts = [], tokens = [];
    for (let r = 0; r < warmup + runs; r++) {
        const got = await Promise.all(seqs.map((s, i) => stream(s, promptIds(promptTokens, vocab, i))));
        const span = Math.max(...got.map(g => g.last - g.first)) / 1000;
        const generated = got.reduce((a, g) => a + Math.max(0, g.count - 1), 0);
        const tps = generated / span;
        console.error(`node-llama-cpp, ${n} sequences, ${r < warmup ? "warm-up" : "run"} ${r < warmup ? r + 1 : r - warmup + 1}: ${tps.toFixed(2)} tok/s together`);
        if (r < warmup) continue;
        samples.push(tps);
        ttfts.push(median(got.map(g => g.first - g.start)));
        tokens.push(generated);
    }
    rows.push({streams: n, promptTokens, tokensPerSecond: median(samples), timeToFirstTokenMillis: median(ttfts),
        generatedTokens: median(tokens), samples});
    for (const s of seqs) s.dispose();
    await ctx.dispose();
}
const one = rows.find(r => r.streams === 1)?.tokensPerSecond;
for (const r of rows) r.speedup = one ? r.tokensPerSecond / one : null;
const version = JSON.parse(readFileSync(new URL("./node_modules/node-llama-cpp/package.json", import.meta.url), "utf8")).version;
console.log(JSON.stringify({engine: "node-llama-cpp", version, model: model.split("/").pop(), threads, tokens: genTokens, runs, rows}));
await m.dispose(); await llama.dispose();
