// The reference row of Karuku's benchmark: `karuku bench`'s loop written in C straight against the same llama.cpp
// libraries, with no binding in between. It is not a peer a user would pick; it is the ceiling for any binding of this
// build: what remains between it and Karuku is what Karuku's Java side costs.
//
// Same work as the other engines: the prompt ids of PromptTokens, one llama_decode for the prompt, then llama.cpp's
// greedy sampler and one llama_decode per generated token; the KV cache emptied before each run; the same context,
// batch and threads; flash attention left to llama.cpp (AUTO) as Karuku does. Built by benchmarks/run.sh with the
// headers of the very llama.cpp source these libraries were built from (node-llama-cpp ships it as a git bundle).
//
// Usage: bench --natives DIR --model M --threads T --prompt-tokens P --tokens N --runs R --warmup W --context C --batch B
// Prints one JSON object on stdout, the shape of the other engines' (benchmarks/node-llama-cpp/bench.mjs).
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

/// The process's peak resident set (VmHWM), as the other Linux harnesses report it; -1 when unknown.
static long long peak_rss(void) {
    FILE * f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long long kb = -1;
    while (fgets(line, sizeof line, f)) if (sscanf(line, "VmHWM: %lld kB", &kb) == 1) break;
    fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

int main(int argc, char ** argv) {
    const char * natives = arg(argc, argv, "--natives", NULL);
    const char * path = arg(argc, argv, "--model", NULL);
    int threads = atoi(arg(argc, argv, "--threads", "2"));
    int n_prompt = atoi(arg(argc, argv, "--prompt-tokens", "256"));
    int n_gen = atoi(arg(argc, argv, "--tokens", "128"));
    int runs = atoi(arg(argc, argv, "--runs", "5"));
    int warmup = atoi(arg(argc, argv, "--warmup", "1"));
    int n_ctx = atoi(arg(argc, argv, "--context", "512"));
    int n_batch = atoi(arg(argc, argv, "--batch", "512"));
    if (!natives || !path || n_prompt < 1 || n_gen < 1 || runs < 1 || n_prompt > n_batch) {
        fprintf(stderr, "usage: bench --natives DIR --model M [--threads T --prompt-tokens P (<= batch) --tokens N "
                        "--runs R --warmup W --context C --batch B]\n");
        return 2;
    }
    llama_log_set(quiet, NULL);
    ggml_backend_load_all_from_path(natives);

    double t0 = now();
    struct llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0;
    struct llama_model * model = llama_model_load_from_file(path, mp);
    if (!model) { fprintf(stderr, "cannot load %s\n", path); return 1; }
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = (uint32_t) n_ctx;
    cp.n_batch = (uint32_t) n_batch;
    cp.n_ubatch = (uint32_t) n_batch;
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_AUTO;
    struct llama_context * ctx = llama_init_from_model(model, cp);
    if (!ctx) { fprintf(stderr, "cannot create a context\n"); return 1; }
    double load_seconds = now() - t0;

    const struct llama_vocab * vocab = llama_model_get_vocab(model);
    int n_vocab = llama_vocab_n_tokens(vocab);
    llama_token * prompt = malloc(sizeof(llama_token) * (size_t) n_prompt);
    for (int i = 0; i < n_prompt; i++) {
        prompt[i] = n_vocab >= 30300 ? (llama_token) (300 + ((long long) i * 7919 + 13) % 30000) : 3 + i % (n_vocab - 3);
    }
    struct llama_sampler * sampler = llama_sampler_chain_init(llama_sampler_chain_default_params());
    llama_sampler_chain_add(sampler, llama_sampler_init_greedy());

    printf("{\"engine\":\"llama.cpp C loop\",\"version\":\"v0.4.0\",\"build\":\"the same libraries, called from C\","
           "\"threads\":%d,\"contextSize\":%u,\"batchSize\":%d,\"gpuLayers\":0,\"loadSeconds\":%.6f,\"samples\":[",
           threads, llama_n_ctx(ctx), n_batch, load_seconds);
    for (int r = 0; r < warmup + runs; r++) {
        llama_memory_clear(llama_get_memory(ctx), true);
        double start = now();
        if (llama_decode(ctx, llama_batch_get_one(prompt, n_prompt)) != 0) { fprintf(stderr, "decode failed\n"); return 1; }
        llama_token token = llama_sampler_sample(sampler, ctx, -1);
        double first = now();
        int generated = 1;
        while (generated < n_gen) {
            if (llama_decode(ctx, llama_batch_get_one(&token, 1)) != 0) { fprintf(stderr, "decode failed\n"); return 1; }
            token = llama_sampler_sample(sampler, ctx, -1);
            generated++;
        }
        double last = now();
        if (r < warmup) continue;
        printf("%s{\"promptTokens\":%d,\"ttftSeconds\":%.9f,\"generatedTokens\":%d,\"decodeSeconds\":%.9f}",
               r > warmup ? "," : "", n_prompt, first - start, generated, last - first);
    }
    printf("],\"peakRssBytes\":%lld}\n", peak_rss());
    llama_sampler_free(sampler);
    free(prompt);
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
