/* Memory read bandwidth: each of T threads sums its own slice of a large buffer, repeated; the best pass counts.
   Used by benchmarks/run.sh to compare with the engine's Java (MemorySegment) measurement.
   Build: gcc -O3 -march=native -pthread bandwidth.c -o bandwidth
   Usage: bandwidth THREADS MIB PASSES  ->  prints {"gbPerSecond":..., "threads":..., "bytes":...} */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <immintrin.h>

typedef struct { const uint64_t *p; size_t n; uint64_t sum; pthread_barrier_t *start; } job;

static void *reduce(void *arg) {
    job *j = arg;
    pthread_barrier_wait(j->start);
    uint64_t a = 0, b = 0, c = 0, d = 0;
    for (size_t i = 0; i + 8 <= j->n; i += 8) {
        a += j->p[i] ^ j->p[i + 4]; b += j->p[i + 1] ^ j->p[i + 5];
        c += j->p[i + 2] ^ j->p[i + 6]; d += j->p[i + 3] ^ j->p[i + 7];
    }
    j->sum = a + b + c + d;
    pthread_barrier_wait(j->start);
    return NULL;
}

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    size_t bytes = (size_t)(argc > 2 ? atol(argv[2]) : 1024) << 20;
    int passes = argc > 3 ? atoi(argv[3]) : 10;
    uint64_t *buf = aligned_alloc(4096, bytes);
    if (!buf) { fprintf(stderr, "out of memory\n"); return 1; }
    for (size_t i = 0; i < bytes / 8; i++) buf[i] = i * 0x9E3779B97F4A7C15ull;
    size_t per = bytes / 8 / threads;
    double best = 0; uint64_t total = 0;
    for (int pass = 0; pass < passes; pass++) {
        pthread_t t[64]; job jobs[64]; pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, threads + 1);
        for (int k = 0; k < threads; k++) {
            jobs[k] = (job){buf + k * per, per, 0, &start};
            pthread_create(&t[k], NULL, reduce, &jobs[k]);
        }
        pthread_barrier_wait(&start);
        double t0 = now();
        pthread_barrier_wait(&start);
        double dt = now() - t0;
        for (int k = 0; k < threads; k++) { pthread_join(t[k], NULL); total += jobs[k].sum; }
        pthread_barrier_destroy(&start);
        double gbs = (double)(per * threads * 8) / dt / 1e9;
        if (gbs > best) best = gbs;
    }
    printf("{\"method\":\"c-O3-pthreads\",\"gbPerSecond\":%.2f,\"threads\":%d,\"bytes\":%zu,\"passes\":%d,\"checksum\":%llu}\n",
           best, threads, bytes, passes, (unsigned long long)(total & 0xffff));
    free(buf);
    return 0;
}
