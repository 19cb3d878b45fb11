#!/usr/bin/env bash
# Speculative decoding on this machine (issue 22), in one run: the 1B-shaped successor model (Llama-3.2-1B's block count
# and width, the successor's 285-token vocabulary, zero output projections: its greedy answer is exact and its matrices
# cost what a 1B model's do), quantized to Q4_K_M, generating
#   - with its matching draft (the tiny successor: acceptance near 100 %),
#   - with a partial draft (a tiny successor that errs on every 4th letter),
#   - with an always-wrong draft (the adaptive draft length must make it cost next to nothing),
#   - with prompt lookup, on a prompt whose answer repeats it (the alphabet, ten times),
# by Karuku (`karuku bench --draft/--lookup`) and by node-llama-cpp 3.21.1 with its DraftSequenceTokenPredictor and
# InputLookupTokenPredictor on the same files. Each engine runs plain and speculative generations alternating in one
# process, so the speed-up is measured under the same conditions. Writes OUT/speculative/speculative.md.
# Settings (environment): OUT (target/bench), MODELS (OUT/models), TOKENS (128), PROMPT_TOKENS (256), RUNS (3 of each
# per engine and case), WARMUP (1), THREADS (physical cores), DRAFT_MAX (16), PEERS ("node"; empty for Karuku alone),
# LOOKUP_REPEATS (10: the alphabet this many times is the lookup prompt), CASES ("draft partial wrong lookup": the cases
# to run; a subset keeps the other cases' results from an earlier run in OUT/speculative and rewrites the report), NODE_DIR (a folder with node-llama-cpp installed; default OUT/node-llama-cpp, installed there if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
OUT=${OUT:-target/bench}
MODELS=${MODELS:-$OUT/models}
TOKENS=${TOKENS:-128}
PROMPT_TOKENS=${PROMPT_TOKENS:-256}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
DRAFT_MAX=${DRAFT_MAX:-16}
PEERS=${PEERS-"node"}
mkdir -p "$OUT" "$MODELS"
OUT=$(cd "$OUT" && pwd); MODELS=$(cd "$MODELS" && pwd)
NODE_DIR=${NODE_DIR:-$OUT/node-llama-cpp}
log() { echo "[speculative] $*" >&2; }
karuku=$root/cli/target/karuku
[ -x "$karuku" ] || ./mvnw -B -q package -pl cli -am -Dmaven.test.skip=true
export KARUKU_BACKEND=${KARUKU_BACKEND:-cpu}
THREADS=${THREADS:-$(nproc)}

big=$MODELS/successor-1b-Q4_K_M.gguf
if [ ! -f "$big" ]; then
  log "writing the 1B-shaped successor model (F16, ~1.9 GB) and quantizing it to Q4_K_M"
  "$karuku" make-test-model --shape successor-1b --force "$MODELS/successor-1b-F16.gguf" >&2
  "$karuku" quantize -t Q4_K_M --force "$MODELS/successor-1b-F16.gguf" "$big" >&2
  rm -f "$MODELS/successor-1b-F16.gguf"
fi
for k in 0 4 1; do
  f=$MODELS/successor-tiny-err$k.gguf
  [ -f "$f" ] || "$karuku" make-test-model --err-every "$k" --force "$f" >&2
done
alphabet=$(printf "abcdefghijklmnopqrstuvwxyz%.0s" $(seq 1 "${LOOKUP_REPEATS:-10}"))

if [[ " $PEERS " == *" node "* ]] && [ ! -d "$NODE_DIR/node_modules/node-llama-cpp" ]; then
  log "node-llama-cpp 3.21.1 into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  cp benchmarks/node-llama-cpp/package.json "$NODE_DIR/"
  (cd "$NODE_DIR" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --no-audit --no-fund --omit=optional --loglevel=error >/dev/null)
fi
[[ " $PEERS " == *" node "* ]] && cp benchmarks/node-llama-cpp/speculative.mjs "$NODE_DIR/"

CASES=${CASES:-"draft partial wrong lookup"}
dir=$OUT/speculative
if [ "$CASES" = "draft partial wrong lookup" ]; then rm -rf "$dir"; fi
mkdir -p "$dir"
for c in $CASES; do rm -f "$dir/$c".*; done
cut -d' ' -f1-3 /proc/loadavg > "$dir/loadavg.before" 2>/dev/null || true
context=$(( (PROMPT_TOKENS + TOKENS + 64 + 255) / 256 * 256 ))
common=(--threads "$THREADS" --tokens "$TOKENS" --runs "$RUNS" --warmup "$WARMUP" --draft-max "$DRAFT_MAX")
# case NAME ARGS...: Karuku then node-llama-cpp (when its predictor exists for the case).
karuku_case() {
  local name=$1; shift
  log "$name: karuku"
  "$karuku" bench "$big" "${common[@]}" --prompt-tokens "$PROMPT_TOKENS" --json "$@" > "$dir/$name.karuku.json" \
      2> "$dir/$name.karuku.log" || log "karuku $name failed: see $dir/$name.karuku.log"
}
node_case() {
  local name=$1; shift
  [[ " $PEERS " == *" node "* ]] || return 0
  log "$name: node-llama-cpp"
  timeout 1800 node "$NODE_DIR/speculative.mjs" --model "$big" "${common[@]}" --prompt-tokens "$PROMPT_TOKENS" \
      --context "$context" --batch 512 "$@" > "$dir/$name.node.json" 2> "$dir/$name.node.log" \
      || log "node-llama-cpp $name failed: see $dir/$name.node.log"
}
wants() { [[ " $CASES " == *" $1 "* ]]; }
if wants draft; then
  karuku_case draft --draft "$MODELS/successor-tiny-err0.gguf"
  node_case draft --draft "$MODELS/successor-tiny-err0.gguf"
fi
if wants partial; then
  karuku_case partial --draft "$MODELS/successor-tiny-err4.gguf"
  node_case partial --draft "$MODELS/successor-tiny-err4.gguf"
fi
wants wrong && karuku_case wrong --draft "$MODELS/successor-tiny-err1.gguf"
if wants lookup; then
  karuku_case lookup --lookup --prompt-text "$alphabet"
  node_case lookup --lookup 1 --prompt-text "$alphabet"
fi
cut -d' ' -f1-3 /proc/loadavg > "$dir/loadavg.after" 2>/dev/null || true

java_bin=$(sed -n 's/^elif \[ -x "\(.*\)\/bin\/java" \].*/\1/p' "$karuku" | head -n 1)/bin/java
[ -x "$java_bin" ] || java_bin=java
"$java_bin" -cp "$root/cli/target/karuku-cli.jar:$root/cli/target/lib/*" dev.karuku.cli.bench.BenchSuite speculative-report "$dir"
log "load average before: $(cat "$dir/loadavg.before" 2>/dev/null), after: $(cat "$dir/loadavg.after" 2>/dev/null)"
log "written: $dir/speculative.md"
