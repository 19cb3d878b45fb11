// The ceiling of continuous batching with this llama.cpp build (issue 18): what one llama_decode of n tokens, one of
// each of n sequences, costs against a step of one token, called from C with no binding and no scheduler in between.
// If a step of 4 costs nearly 4 steps of 1, llama.cpp's own batched decode is compute-bound on this CPU and no
// server of this build can make 4 streams much faster together than one.
//
// Same context as Karuku's BatchedCompleter: n_seq_max sequences of --context tokens each in one unified KV cache
// (kv_unified), n_batch = n_ubatch = --batch, flash attention AUTO, --threads for every step. Each sequence first gets a
// prompt of --prompt-tokens ids (PromptTokens' formula, shifted per sequence), decoded one sequence per call; then the
// step sizes of --steps are measured in turn (1 4 8 2, 1 4 8 2, …) for --rounds rounds, each a run of --tokens steps
// in which every step adds one token to each of n sequences (logits for all, as generation asks) and samples each
// greedily, so the KV cache grows as it does when generating. The KV cache is emptied and the prompts decoded again
// before each run, so every step size sees the same positions.
//
// Usage: batched --natives DIR --model M [--threads T --steps "1,2,4,8" --tokens N --rounds R --prompt-tokens P
//                --context C --batch B --repack 0|1 --interleave K]
// With --interleave K it instead times K steps of each size in turn, each on its own, after one prompt per sequence,
// and prints the fastest, 10th-percentile and median step per size (see the comment at that loop).
// Prints one JSON object in the shape of `karuku bench --streams … --json`: per step size (streams) the tokens/s together of
// each round (samples), and the median over rounds of the milliseconds per step and of tokens/s.
#include "llama.h"
#include "ggml-backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

static void quiet(enum ggml_log_level level, const char * text, void * data) {
    (void) data;
    if (level == GGML_LOG_LEVEL_ERROR) fputs(text, stderr);
}

static const char * arg(int argc, char ** argv, const char * name, const char * fallback) {
    for (int i = 1; i + 1 < argc; i++) if (strcmp(argv[i], name) == 0) return argv[i + 1];
    return fallback;
}

static int cmp(const void * a, const void * b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char ** argv) {
    const char * natives = arg(argc, argv, "--natives", NULL);
    const char * path = arg(argc, argv, "--model", NULL);
    int threads = atoi(arg(argc, argv, "--threads", "2"));
    int n_prompt = atoi(arg(argc, argv, "--prompt-tokens", "32"));
    int n_gen = atoi(arg(argc, argv, "--tokens", "32"));
    int rounds = atoi(arg(argc, argv, "--rounds", "3"));
    int n_ctx_seq = atoi(arg(argc, argv, "--context", "256"));
    int n_batch = atoi(arg(argc, argv, "--batch", "512"));
    char steps_arg[256];
    snprintf(steps_arg, sizeof steps_arg, "%s", arg(argc, argv, "--steps", "1,2,4,8"));
    int steps[16], n_steps = 0, max_seq = 1;
    for (char * s = strtok(steps_arg, ","); s && n_steps < 16; s = strtok(NULL, ",")) {
        steps[n_steps] = atoi(s);
        if (steps[n_steps] > max_seq) max_seq = steps[n_steps];
        n_steps++;
    }
    if (!natives || !path || n_steps == 0 || n_prompt + n_gen > n_ctx_seq || max_seq > n_batch) {
        fprintf(stderr, "usage: batched --natives DIR --model M [--threads T --steps 1,2,4,8 --tokens N --rounds R "
                        "--prompt-tokens P --context C (>= P + N) --batch B]\n");
        return 2;
    }
    llama_log_set(quiet, NULL);
    ggml_backend_load_all_from_path(natives);

    struct llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0;
    mp.use_extra_bufts = atoi(arg(argc, argv, "--repack", "1")) != 0; // 0: the plain Q4_K kernels instead of CPU_REPACK's
    struct llama_model * model = llama_model_load_from_file(path, mp);
    if (!model) { fprintf(stderr, "cannot load %s\n", path); return 1; }
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = (uint32_t) (n_ctx_seq * max_seq);
    cp.n_batch = (uint32_t) n_batch;
    cp.n_ubatch = (uint32_t) n_batch;
    cp.n_seq_max = (uint32_t) max_seq;
    cp.kv_unified = true;
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_AUTO;
    struct llama_context * ctx = llama_init_from_model(model, cp);
    if (!ctx) { fprintf(stderr, "cannot create a context\n"); return 1; }
    llama_memory_t mem = llama_get_memory(ctx);
    const struct llama_vocab * vocab = llama_model_get_vocab(model);
    int n_vocab = llama_vocab_n_tokens(vocab);
    struct llama_sampler * sampler = llama_sampler_chain_init(llama_sampler_chain_default_params());
    llama_sampler_chain_add(sampler, llama_sampler_init_greedy());
    struct llama_batch batch = llama_batch_init(n_batch, 0, 1);
    llama_token * next = malloc(sizeof(llama_token) * (size_t) max_seq);
    double * ms = malloc(sizeof(double) * (size_t) (n_steps * rounds));

    int interleave = atoi(arg(argc, argv, "--interleave", "0"));
    if (interleave > 0) {
        // Interleaved: all prompts once, then K times one step of each size in turn, every step timed on its own. On a
        // shared machine the fastest steps of each size are the ones no other process interrupted, and interleaving
        // gives every size the same chances at them: their ratio is what the kernels cost, not what the load did.
        if (n_prompt + interleave * n_steps > n_ctx_seq) { fprintf(stderr, "--context too small for --interleave\n"); return 2; }
        llama_memory_clear(mem, true);
        int * pos = calloc((size_t) max_seq, sizeof(int));
        for (int s = 0; s < max_seq; s++) {
            batch.n_tokens = 0;
            for (int i = 0; i < n_prompt; i++) {
                batch.token[i] = (llama_token) (n_vocab >= 30300 ? 300 + ((long long) (i + 97 * s) * 7919 + 13) % 30000 : 3 + (i + s) % (n_vocab - 3));
                batch.pos[i] = i;
                batch.n_seq_id[i] = 1;
                batch.seq_id[i][0] = s;
                batch.logits[i] = i == n_prompt - 1;
                batch.n_tokens++;
            }
            if (llama_decode(ctx, batch) != 0) { fprintf(stderr, "prompt decode failed\n"); return 1; }
            next[s] = llama_sampler_sample(sampler, ctx, -1);
            pos[s] = n_prompt;
        }
        double * t = malloc(sizeof(double) * (size_t) (n_steps * interleave));
        for (int k = 0; k < interleave; k++) {
            for (int j = 0; j < n_steps; j++) {
                int n = steps[j];
                batch.n_tokens = n;
                for (int s = 0; s < n; s++) {
                    batch.token[s] = next[s];
                    batch.pos[s] = pos[s]++;
                    batch.n_seq_id[s] = 1;
                    batch.seq_id[s][0] = s;
                    batch.logits[s] = 1;
                }
                double start = now();
                if (llama_decode(ctx, batch) != 0) { fprintf(stderr, "step decode failed\n"); return 1; }
                for (int s = 0; s < n; s++) next[s] = llama_sampler_sample(sampler, ctx, s);
                t[j * interleave + k] = (now() - start) * 1000.0;
            }
        }
        const char * base = strrchr(path, '/');
        printf("{\"engine\":\"llama.cpp C, batched step, interleaved\",\"model\":\"%s\",\"threads\":%d,\"steps\":%d,"
               "\"repack\":%s,\"rows\":[", base ? base + 1 : path, threads, interleave, mp.use_extra_bufts ? "true" : "false");
        double fastest_one = 0;
        for (int j = 0; j < n_steps; j++) {
            double * v = t + j * interleave;
            qsort(v, (size_t) interleave, sizeof(double), cmp);
            if (steps[j] == 1) fastest_one = v[0];
            printf("%s{\"streams\":%d,\"fastestMs\":%.3f,\"p10Ms\":%.3f,\"medianMs\":%.3f,\"fastestTokensPerSecond\":%.3f}",
                   j ? "," : "", steps[j], v[0], v[interleave / 10], v[interleave / 2], steps[j] * 1000.0 / v[0]);
        }
        printf("],\"fastestMsOfOne\":%.3f}\n", fastest_one);
        return 0;
    }
    for (int r = 0; r < rounds + 1; r++) { // round 0 warms up
        for (int k = 0; k < n_steps; k++) {
            int n = steps[k];
            llama_memory_clear(mem, true);
            for (int s = 0; s < n; s++) { // each sequence's prompt, one call each
                batch.n_tokens = 0;
                for (int i = 0; i < n_prompt; i++) {
                    long long id = n_vocab >= 30300 ? 300 + ((long long) (i + 97 * s) * 7919 + 13) % 30000 : 3 + (i + s) % (n_vocab - 3);
                    batch.token[i] = (llama_token) id;
                    batch.pos[i] = i;
                    batch.n_seq_id[i] = 1;
                    batch.seq_id[i][0] = s;
                    batch.logits[i] = i == n_prompt - 1;
                    batch.n_tokens++;
                }
                if (llama_decode(ctx, batch) != 0) { fprintf(stderr, "prompt decode failed\n"); return 1; }
                next[s] = llama_sampler_sample(sampler, ctx, -1);
            }
            double start = now();
            for (int t = 0; t < n_gen; t++) {
                batch.n_tokens = n;
                for (int s = 0; s < n; s++) {
                    batch.token[s] = next[s];
                    batch.pos[s] = n_prompt + t;
                    batch.n_seq_id[s] = 1;
                    batch.seq_id[s][0] = s;
                    batch.logits[s] = 1;
                }
                if (llama_decode(ctx, batch) != 0) { fprintf(stderr, "step decode failed\n"); return 1; }
                for (int s = 0; s < n; s++) next[s] = llama_sampler_sample(sampler, ctx, s);
            }
            double per_step = (now() - start) * 1000.0 / n_gen;
            if (r > 0) ms[k * rounds + (r - 1)] = per_step;
            fprintf(stderr, "round %d, %d per step: %.1f ms per step, %.2f tok/s together\n", r, n, per_step, n * 1000.0 / per_step);
        }
    }
    const char * base = strrchr(path, '/');
    printf("{\"engine\":\"llama.cpp C, batched step\",\"version\":\"v0.4.0\",\"model\":\"%s\",\"threads\":%d,\"tokens\":%d,"
           "\"runs\":%d,\"repack\":%s,\"rows\":[", base ? base + 1 : path, threads, n_gen, rounds,
           mp.use_extra_bufts ? "true" : "false");
    for (int k = 0; k < n_steps; k++) {
        double * v = ms + k * rounds;
        printf("%s{\"streams\":%d,\"promptTokens\":%d,\"generatedTokens\":%d,\"samples\":[", k ? "," : "", steps[k],
               n_prompt, steps[k] * n_gen);
        for (int r = 0; r < rounds; r++) printf("%s%.4f", r ? "," : "", steps[k] * 1000.0 / v[r]);
        qsort(v, (size_t) rounds, sizeof(double), cmp);
        double median = rounds % 2 ? v[rounds / 2] : (v[rounds / 2 - 1] + v[rounds / 2]) / 2;
        printf("],\"msPerStep\":%.3f,\"tokensPerSecond\":%.4f}", median, steps[k] * 1000.0 / median);
    }
    printf("]}\n");
    free(ms);
    free(next);
    llama_batch_free(batch);
    llama_sampler_free(sampler);
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
