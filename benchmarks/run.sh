#!/usr/bin/env bash
# Karuku's benchmark against its peers, in one run, with public tools only (see docs/benchmarks.md):
#   1. builds the engine and its command line (./mvnw), writes a Llama-3.2-1B-shape model with random weights (our GGUF writer) and
#      quantizes it with the engine to Q4_K_M, Q5_K_S and IQ3_S;
#   2. measures memory read bandwidth (Java MemorySegment reduction, and a C reduction when gcc is present);
#   3. per model: `karuku bench`, the same loop in C against the same libraries (a reference, not a peer),
#      node-llama-cpp 3.21.1 (npm install into the output folder) and de.kherud:llama 4.2.0 (own JVM with a timeout:
#      its close() hangs), same prompt ids, threads, context and batch. Each engine runs in ROUNDS processes: the
#      rounds go in mirrored order (A B C D, then D C B A), so a drift in the host's speed falls on every engine
#      alike, and the first engine rotates from model to model;
#   4. the busy-CPU case: on BUSY_TYPE, Karuku (as it ships, and with --fixed-threads) and node-llama-cpp while
#      0, 1, 2 … cores (BUSY_CORES) are kept busy by `yes`, one pinned to each, in mirrored rounds under the same load;
#   5. the batched case: on BUSY_TYPE, STREAMS completions at once, tokens/s together, in mirrored rounds: through
#      `karuku serve` (streaming HTTP clients, the model in a worker), the same completer in process, `karuku bench`'s
#      one stream, node-llama-cpp's createContext({sequences: N}) and llama.cpp's own batched step in C;
#   6. writes the side-by-side table: OUT/benchmarks.md and OUT/benchmarks.json (the busy and batched cases appended);
#   7. runs the Chat screen's frame-time benchmark (benchmarks/ui.sh): OUT/chat-stream.md and OUT/chat-stream.json;
#   8. speculative decoding (benchmarks/speculative.sh, SPECULATIVE=1 runs it): the 1B-shaped successor model with and
#      without its draft, a partial and an always-wrong draft, prompt lookup, and node-llama-cpp's predictors:
#      OUT/speculative/speculative.md.
#
# Settings (environment): OUT (default target/bench), MODELS (default OUT/models, reused between runs),
# TYPES ("Q4_K_M Q5_K_S IQ3_S"; empty runs only the busy case), PROMPT_TOKENS (256), TOKENS (128), RUNS (6: measured runs per engine and model,
# over all rounds), ROUNDS (2), WARMUP (1: unmeasured runs at the start of every round), THREADS (physical
# cores), PEERS ("node kherud"; empty for Karuku alone), PEER_TIMEOUT seconds per peer and model (900), NATIVE (1; 0
# skips the C reference loop, which needs gcc, git and the node peer's package), UI (1; 0 skips the Chat screen
# benchmark, whose own settings are in benchmarks/ui.sh), BUSY_TYPE (Q4_K_M; must be one of TYPES unless MODELS
# already holds it), BUSY_CORES ("0 1 2"; empty skips the busy case; 0 is its idle reference), STREAMS ("1 2 4 8";
# empty skips the batched case), STREAM_TOKENS (64: tokens per stream in the batched case), BUSY_PIN (1: each `yes` pinned to
# its core with taskset; 0 leaves them to the scheduler), SPECULATIVE (0; 1 runs step 8).
# Linux x64 only for the peers (their prebuilt binaries); Karuku's own rows work wherever the engine does.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

OUT=${OUT:-target/bench}
MODELS=${MODELS:-$OUT/models}
TYPES=${TYPES-"Q4_K_M Q5_K_S IQ3_S"}
read -ra types <<< "$TYPES" # the list, one word per quantization
PROMPT_TOKENS=${PROMPT_TOKENS:-256}
TOKENS=${TOKENS:-128}
RUNS=${RUNS:-6}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-1}
PER_ROUND=$(( (RUNS + ROUNDS - 1) / ROUNDS ))
RUNS=$(( PER_ROUND * ROUNDS ))
PEERS=${PEERS-"node kherud"}
PEER_TIMEOUT=${PEER_TIMEOUT:-900}
BUSY_TYPE=${BUSY_TYPE:-Q4_K_M}
BUSY_CORES=${BUSY_CORES-"0 1 2"}
STREAMS=${STREAMS-"1 2 4 8"}
STREAM_TOKENS=${STREAM_TOKENS:-64}
BATCH=512
CONTEXT=$(( (PROMPT_TOKENS + TOKENS + 64 + 255) / 256 * 256 ))   # = BenchOptions.contextFor
mkdir -p "$OUT" "$MODELS"
OUT=$(cd "$OUT" && pwd); MODELS=$(cd "$MODELS" && pwd)
log() { echo "[bench] $*" >&2; }

log "building the engine and its command line"
./mvnw -B -q package -pl cli -am -Dmaven.test.skip=true
karuku=$root/cli/target/karuku
java_bin=$(sed -n 's/^elif \[ -x "\(.*\)\/bin\/java" \].*/\1/p' "$karuku" | head -n 1)/bin/java
[ -x "$java_bin" ] || java_bin=java
cp="$root/cli/target/karuku-cli.jar:$root/cli/target/lib/*"
suite() { "$java_bin" --enable-native-access=ALL-UNNAMED -Dkaruku.natives="$root/engine/target/natives" -cp "$cp" dev.karuku.cli.bench.BenchSuite "$@"; }
# The CPU build of llama.cpp v0.4.0, the very libraries node-llama-cpp's linux-x64 package ships.
export KARUKU_BACKEND=${KARUKU_BACKEND:-cpu}
suite machine > "$OUT/machine.json"
THREADS=${THREADS:-$(sed -n 's/.*"physicalCores" *: *\([0-9]*\).*/\1/p' "$OUT/machine.json")}
log "threads: $THREADS; load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

log "models in $MODELS"
suite prepare "$MODELS" "${types[@]}" $([ -n "$BUSY_CORES" ] && echo "$BUSY_TYPE")

log "memory bandwidth"
suite bandwidth "$THREADS" > "$OUT/bandwidth-java.json"
rm -f "$OUT/bandwidth-c.json"
if command -v gcc >/dev/null; then
  gcc -O3 -march=native -pthread benchmarks/bandwidth.c -o "$OUT/bandwidth" && "$OUT/bandwidth" "$THREADS" 1024 10 > "$OUT/bandwidth-c.json"
else
  log "no gcc: only the Java bandwidth measurement"
fi

if [[ " $PEERS " == *" node "* ]]; then
  log "node-llama-cpp 3.21.1 into $OUT/node-llama-cpp"
  mkdir -p "$OUT/node-llama-cpp"
  cp benchmarks/node-llama-cpp/package.json benchmarks/node-llama-cpp/bench.mjs benchmarks/node-llama-cpp/batched.mjs \
      "$OUT/node-llama-cpp/"
  (cd "$OUT/node-llama-cpp" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --no-audit --no-fund --omit=optional \
      --loglevel=error >/dev/null)
fi
# The reference row: karuku bench's loop in C against the same libraries (benchmarks/native/bench.c), compiled with
# the headers of the llama.cpp source those libraries were built from, which node-llama-cpp ships as a git bundle.
native=""
native_batched=""
bundle="$OUT/node-llama-cpp/node_modules/node-llama-cpp/llama/gitRelease.bundle"
natives="$root/engine/target/natives/linux-x64"
if [ "${NATIVE:-1}" != 0 ] && [ -f "$bundle" ] && [ -d "$natives" ] && command -v gcc >/dev/null && command -v git >/dev/null; then
  log "the C reference loop against $natives"
  src="$OUT/native/llama.cpp"
  rm -rf "$src"
  if git clone -q --no-checkout "$bundle" "$src" 2>/dev/null && git -C "$src" checkout -q HEAD -- include ggml/include \
      && gcc -O2 -I"$src/include" -I"$src/ggml/include" benchmarks/native/bench.c -o "$OUT/native/bench" \
          -L"$natives" -l:libllama.v0.4.0.so -l:libggml.v0.4.0.so -l:libggml-base.so -Wl,-rpath,"$natives"; then
    native="$OUT/native/bench"
    gcc -O2 -I"$src/include" -I"$src/ggml/include" benchmarks/native/batched.c -o "$OUT/native/batched" \
        -L"$natives" -l:libllama.v0.4.0.so -l:libggml.v0.4.0.so -l:libggml-base.so -Wl,-rpath,"$natives" \
        && native_batched="$OUT/native/batched"
  else
    log "the C reference loop did not build: no reference row"
  fi
else
  log "no C reference row (it needs gcc, git and node-llama-cpp's package, i.e. PEERS with node)"
fi
if [[ " $PEERS " == *" kherud "* ]]; then
  log "de.kherud:llama 4.2.0 runner"
  ./mvnw -B -q -f benchmarks/kherud-llama/pom.xml package
fi

common=(--threads "$THREADS" --prompt-tokens "$PROMPT_TOKENS" --tokens "$TOKENS" --runs "$PER_ROUND" --warmup "$WARMUP")
# One function per engine, each run a process of its own; its JSON goes to $dir/NAME.roundR.json, which the report
# merges into one row per engine.
run_karuku() {
  "$karuku" bench "$model" "${common[@]}" --batch "$BATCH" --no-bandwidth --json \
      > "$dir/karuku.round$round.json" 2> "$dir/karuku.round$round.log"
}
# peer NAME COMMAND...: runs a harness under the timeout with the shared settings.
# A peer that fails leaves a log and an empty file, which the report skips; the run goes on.
peer() {
  local name=$1; shift
  timeout "$PEER_TIMEOUT" "$@" --model "$model" "${common[@]}" --context "$CONTEXT" --batch "$BATCH" \
      > "$dir/$name.round$round.json" 2> "$dir/$name.round$round.log" || log "$name failed: see $dir/$name.round$round.log"
}
run_native() { peer llama-cpp-c "$native" --natives "$natives"; }
run_node() { peer node-llama-cpp node "$OUT/node-llama-cpp/bench.mjs"; }
run_kherud() { # its runner needs the vocabulary size (for the prompt ids): read once per model, on its first round
  [ -n "$vocab" ] || vocab=$("$karuku" info --json "$model" | sed -n 's/.*"vocabSize" *: *\([0-9]*\).*/\1/p' | head -n 1)
  peer de.kherud-llama "$java_bin" --enable-native-access=ALL-UNNAMED \
      -cp "benchmarks/kherud-llama/target/classes:benchmarks/kherud-llama/target/lib/*" dev.karuku.bench.kherud.KherudBench \
      --vocab "$vocab"
}
engines=(karuku)
[ -n "$native" ] && engines+=(native)
[[ " $PEERS " == *" node "* ]] && engines+=(node)
[[ " $PEERS " == *" kherud "* ]] && engines+=(kherud)
declare -A engine_name=([karuku]="karuku" [native]="the C reference loop" [node]="node-llama-cpp" [kherud]="de.kherud:llama")
# A run replaces what an earlier one left in OUT: the report reads every model folder there.
for d in "$OUT"/*/; do if [ -f "$d/model" ]; then rm -rf "$d"; fi; done
rm -rf "$OUT/busy"
turn=0
for type in "${types[@]}"; do
  model="$MODELS/llama-1b-shape-$type.gguf"
  dir="$OUT/$type"
  mkdir -p "$dir"
  echo "$model" > "$dir/model"
  vocab=""
  cat "$model" > /dev/null # into the page cache, so the first engine on a model does not pay for reading it from disk
  order=()
  for ((i = 0; i < ${#engines[@]}; i++)); do order+=("${engines[$(( (i + turn) % ${#engines[@]} ))]}"); done
  for ((round = 1; round <= ROUNDS; round++)); do
    for ((i = 0; i < ${#order[@]}; i++)); do
      if (( round % 2 )); then engine=${order[$i]}; else engine=${order[$(( ${#order[@]} - 1 - i ))]}; fi
      log "$type, round $round of $ROUNDS: ${engine_name[$engine]}"
      "run_$engine"
    done
  done
  turn=$((turn + 1))
done

# The busy-CPU case. Each `yes` is pinned to its own core (taskset), so the load is the same for every engine.
run_karuku_fixed() {
  "$karuku" bench "$model" "${common[@]}" --batch "$BATCH" --no-bandwidth --json --fixed-threads \
      > "$dir/karuku-fixed.round$round.json" 2> "$dir/karuku-fixed.round$round.log"
}
# One thread for every token: what the tuner can at best settle on when the cores are busy (a reference row).
run_karuku_one() {
  "$karuku" bench "$model" --threads 1 --prompt-tokens "$PROMPT_TOKENS" --tokens "$TOKENS" --runs "$PER_ROUND" \
      --warmup "$WARMUP" --batch "$BATCH" --no-bandwidth --json --fixed-threads \
      > "$dir/karuku-one.round$round.json" 2> "$dir/karuku-one.round$round.log"
}
busy_pids=()
stop_busy() { for p in "${busy_pids[@]}"; do kill "$p" 2>/dev/null || true; done; busy_pids=(); }
trap stop_busy EXIT
busy_engines=(karuku karuku_fixed karuku_one)
[[ " $PEERS " == *" node "* ]] && busy_engines+=(node)
engine_name[karuku_fixed]="karuku --fixed-threads"
engine_name[karuku_one]="karuku --threads 1"
for cores in $BUSY_CORES; do
  model="$MODELS/llama-1b-shape-$BUSY_TYPE.gguf"
  dir="$OUT/busy/$cores"
  mkdir -p "$dir"
  echo "$model" > "$dir/model"
  echo "$cores" > "$dir/cores"
  cat "$model" > /dev/null
  for ((c = 0; c < cores; c++)); do
    if [ "${BUSY_PIN:-1}" != 0 ] && command -v taskset >/dev/null; then taskset -c "$c" yes > /dev/null & else yes > /dev/null & fi
    busy_pids+=($!)
  done
  for ((round = 1; round <= ROUNDS; round++)); do
    for ((i = 0; i < ${#busy_engines[@]}; i++)); do
      if (( round % 2 )); then engine=${busy_engines[$i]}; else engine=${busy_engines[$(( ${#busy_engines[@]} - 1 - i ))]}; fi
      log "$BUSY_TYPE with $cores busy cores, round $round of $ROUNDS: ${engine_name[$engine]}"
      "run_$engine"
    done
  done
  stop_busy
  cut -d' ' -f1-3 /proc/loadavg > "$dir/loadavg" 2>/dev/null || true
done

# The batched case (issue 18): N completions at once on BUSY_TYPE, their tokens/s together, side by side in mirrored
# rounds: through `karuku serve` (HTTP clients streaming, the model in a worker process), the same batched completer in
# process, `karuku bench`'s one stream (for the server path's overhead), node-llama-cpp's multi-sequence context and
# llama.cpp's own batched step in C (benchmarks/native/batched.c, the ceiling of this build).
rm -rf "$OUT/streams"
if [ -n "$STREAMS" ]; then
  model="$MODELS/llama-1b-shape-$BUSY_TYPE.gguf"
  dir="$OUT/streams"
  mkdir -p "$dir"
  echo "$model" > "$dir/gguf" # not `model`: a folder with one is a model's row of the main table
  cat "$model" > /dev/null
  stream_list=${STREAMS// /,}
  stream_common=(--tokens "$STREAM_TOKENS" --runs "$PER_ROUND" --warmup "$WARMUP" --threads "$THREADS")
  run_streams_serve() {
    "$karuku" bench "$model" "${stream_common[@]}" --batch "$BATCH" --streams "$stream_list" --server --json \
        > "$dir/karuku-serve.round$round.json" 2> "$dir/karuku-serve.round$round.log" || log "karuku serve failed: see $dir"
  }
  run_streams_batched() {
    "$karuku" bench "$model" "${stream_common[@]}" --batch "$BATCH" --streams "$stream_list" --json \
        > "$dir/karuku-batched.round$round.json" 2> "$dir/karuku-batched.round$round.log" || log "karuku --streams failed: see $dir"
  }
  run_streams_plain() { # one stream, Context.generate, a prompt of the streams' size
    "$karuku" bench "$model" "${stream_common[@]}" --batch "$BATCH" --prompt-tokens 32 --no-bandwidth --json \
        > "$dir/karuku.round$round.json" 2> "$dir/karuku.round$round.log" || log "karuku bench failed: see $dir"
  }
  run_streams_node() {
    timeout "$PEER_TIMEOUT" node "$OUT/node-llama-cpp/batched.mjs" --model "$model" "${stream_common[@]}" \
        --sequences "$stream_list" --prompt-tokens 32 > "$dir/node-llama-cpp.round$round.json" \
        2> "$dir/node-llama-cpp.round$round.log" || log "node-llama-cpp failed: see $dir"
  }
  run_streams_native() {
    timeout "$PEER_TIMEOUT" "$native_batched" --natives "$natives" --model "$model" --threads "$THREADS" \
        --steps "$stream_list" --tokens "$STREAM_TOKENS" --rounds "$PER_ROUND" --prompt-tokens 32 \
        --context $(( 32 + STREAM_TOKENS + 64 )) > "$dir/llama-cpp-c.round$round.json" \
        2> "$dir/llama-cpp-c.round$round.log" || log "the C batched step failed: see $dir"
  }
  stream_engines=(serve batched plain)
  [[ " $PEERS " == *" node "* ]] && stream_engines+=(node)
  [ -n "$native_batched" ] && stream_engines+=(native)
  for ((round = 1; round <= ROUNDS; round++)); do
    for ((i = 0; i < ${#stream_engines[@]}; i++)); do
      if (( round % 2 )); then engine=${stream_engines[$i]}; else engine=${stream_engines[$(( ${#stream_engines[@]} - 1 - i ))]}; fi
      log "$BUSY_TYPE with ${STREAMS// /, } streams at once, round $round of $ROUNDS: $engine"
      cut -d' ' -f1 /proc/loadavg >> "$dir/loadavg" 2>/dev/null || true
      "run_streams_$engine"
    done
  done
fi

log "report"
suite report "$OUT" "$PROMPT_TOKENS" "$TOKENS" "$RUNS" "$WARMUP" "$ROUNDS"
log "written: $OUT/benchmarks.md and $OUT/benchmarks.json"

if [ "${UI:-1}" != 0 ]; then
  log "Chat screen frame times"
  OUT="$OUT" benchmarks/ui.sh || log "the Chat screen benchmark failed: see app/target/surefire-reports/"
fi

if [ "${SPECULATIVE:-0}" != 0 ]; then
  log "speculative decoding"
  OUT="$OUT" MODELS="$MODELS" THREADS="$THREADS" PEERS="${PEERS// kherud/}" NODE_DIR="$OUT/node-llama-cpp" \
      benchmarks/speculative.sh || log "the speculative case failed: see $OUT/speculative/"
fi
