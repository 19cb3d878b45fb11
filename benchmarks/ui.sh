#!/usr/bin/env bash
# The Chat screen's frame-time benchmark (docs/benchmarks.md, "Chat view frame times"): streams UI_RATE tokens/s for
# UI_SECONDS into the real Chat screen in a real window (a private Xvfb when there is no display, as for the app's
# tests), UI_RUNS times after a short warm-up, and writes OUT/chat-stream.md and OUT/chat-stream.json.
#
# Settings (environment): OUT (default target/bench), UI_RATE tokens/s (2000), UI_SECONDS per reply (10),
# UI_RUNS (3), UI_REPLY_TOKENS per answer in the conversation run (1000).
# The Maven output of the test run is in app/target/surefire-reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-target/bench}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
echo "[bench-ui] load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')" >&2
# The benchmark is a JUnit class whose name matches none of surefire's test patterns, so `verify` never runs it;
# naming it here runs it alone (the engine's, the command line's and ui-resources' tests are skipped by the same filter).
./mvnw -B -q test -pl app -am -Dtest=ChatStreamBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dkaruku.bench.ui.out="$OUT" -Dkaruku.bench.ui.rate="${UI_RATE:-2000}" \
    -Dkaruku.bench.ui.seconds="${UI_SECONDS:-10}" -Dkaruku.bench.ui.runs="${UI_RUNS:-3}" -Dkaruku.bench.ui.replyTokens="${UI_REPLY_TOKENS:-1000}"
cat "$OUT/chat-stream.md"
echo "[bench-ui] written: $OUT/chat-stream.md and $OUT/chat-stream.json" >&2
