// node-llama-cpp peer for Karuku's speculative-decoding rows: the same generation without a token predictor and with
// one — DraftSequenceTokenPredictor (--draft MODEL) or InputLookupTokenPredictor (--lookup) — alternating in one
// process like `karuku bench --draft/--lookup`, greedy, timed the same way as bench.mjs.
// Usage: node speculative.mjs --model M (--draft D | --lookup 1) [--draft-max N] [--prompt-text T | --prompt-tokens P]
//        --threads T --tokens N --runs R --warmup W --context C --batch B
// Prints one JSON object: {plain, speculative (bench.mjs's shape each), validated, refuted, acceptanceRate, speedUp}.
import {getLlama, LlamaLogLevel, DraftSequenceTokenPredictor, InputLookupTokenPredictor} from "node-llama-cpp";
import {readFileSync} from "node:fs";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
    a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []));
const need = (k, d) => args[k] !== undefined ? args[k] : d;
const model = need("model");
const draft = need("draft");
const lookup = need("lookup") !== undefined;
const draftMax = Number(need("draft-max", 16));
const threads = Number(need("threads", 2));
const promptTokens = Number(need("prompt-tokens", 256));
const promptText = need("prompt-text");
const genTokens = Number(need("tokens", 128));
const runs = Number(need("runs", 3));
const warmup = Number(need("warmup", 1));
const contextSize = Number(need("context", promptTokens + genTokens + 64));
const batchSize = Number(need("batch", 512));
if (!model || (!draft && !lookup)) { console.error("--model and one of --draft / --lookup are required"); process.exit(2); }

function promptIds(n, vocab) { // as bench.mjs and PromptTokens.java
    const ids = [];
    for (let i = 0; i < n; i++) ids.push(vocab >= 30300 ? 300 + (i * 7919 + 13) % 30000 : 3 + i % (vocab - 3));
    return ids;
}
const median = xs => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const rate = s => s.generatedTokens < 2 || s.decodeSeconds <= 0 ? NaN : (s.generatedTokens - 1) / s.decodeSeconds;

const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error, maxThreads: threads});
const t0 = performance.now();
const m = await llama.loadModel({modelPath: model, gpuLayers: 0});
// Two contexts of the model, one sequence each: one plain, one with the predictor (a sequence's predictor is fixed).
const plainCtx = await m.createContext({contextSize, batchSize, threads, sequences: 1});
const specCtx = await m.createContext({contextSize, batchSize, threads, sequences: 1});
let draftModel = null, draftCtx = null, predictor;
if (draft) {
    draftModel = await llama.loadModel({modelPath: draft, gpuLayers: 0});
    draftCtx = await draftModel.createContext({contextSize, batchSize, threads, sequences: 1});
    // minTokens: its default (0) never waits for the draft, which on a CPU (the draft and the model share the cores)
    // left every prediction unused in our runs; waiting for the whole draft is what Karuku does too.
    predictor = new DraftSequenceTokenPredictor(draftCtx.getSequence(), {minTokens: draftMax, maxTokens: draftMax});
} else {
    predictor = new InputLookupTokenPredictor({predictionLength: {max: draftMax}});
}
const loadSeconds = (performance.now() - t0) / 1000;
const plainSeq = plainCtx.getSequence();
const specSeq = specCtx.getSequence({tokenPredictor: predictor});
const embd = m.fileInfo.tensorInfo?.find(t => t.name === "token_embd.weight");
const prompt = promptText !== undefined ? m.tokenize(promptText)
    : promptIds(promptTokens, embd ? Number(embd.dimensions[1]) : 32000);

async function once(seq) {
    await seq.clearHistory();
    // The input lookup predictor searches the tokens it is told are the input (LlamaChatSession tells it the prompt).
    if (seq === specSeq && !draft) predictor.updateInputTokens(prompt);
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
const plain = [], spec = [];
let before = {...specSeq.tokenPredictions};
for (let i = 0; i < warmup + runs; i++) {
    for (let j = 0; j < 2; j++) {
        const speculative = (i + j) % 2 === 1;
        if (speculative && i === warmup) before = {...specSeq.tokenPredictions};
        const s = await once(speculative ? specSeq : plainSeq);
        if (i >= warmup) (speculative ? spec : plain).push(s);
        console.error(`${i < warmup ? "warm-up" : "run"} ${speculative ? "speculative" : "plain"}: ${rate(s).toFixed(2)} tok/s`);
    }
}
const after = specSeq.tokenPredictions;
const validated = after.validated - before.validated, refuted = after.refuted - before.refuted;
const version = JSON.parse(readFileSync(new URL("./node_modules/node-llama-cpp/package.json", import.meta.url), "utf8")).version;
const common = {version, build: "llama.cpp v0.4.0 (@node-llama-cpp/linux-x64 prebuilt)", threads, contextSize, batchSize,
    gpuLayers: 0, loadSeconds, peakRssBytes: null};
const plainRate = median(plain.map(rate)), specRate = median(spec.map(rate));
console.log(JSON.stringify({
    draft: draft ?? null, lookup, draftMax,
    predictor: draft ? "DraftSequenceTokenPredictor" : "InputLookupTokenPredictor",
    draftedTokens: validated + refuted, acceptedTokens: validated,
    acceptanceRate: validated + refuted > 0 ? validated / (validated + refuted) : 0,
    speedUp: specRate / plainRate,
    plain: {engine: "node-llama-cpp", ...common, samples: plain},
    speculative: {engine: "node-llama-cpp " + (draft ? "draft-sequence" : "input-lookup"), ...common, samples: spec}
}));
await specCtx.dispose(); await plainCtx.dispose(); if (draftCtx) await draftCtx.dispose();
await m.dispose(); if (draftModel) await draftModel.dispose(); await llama.dispose();
