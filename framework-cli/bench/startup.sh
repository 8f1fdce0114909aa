#!/usr/bin/env bash
# One-shot start-up and load cost: a single `genloom text-to-text` run against a single
# transformers.js run on the same model folder, with a bare ONNX Runtime session load in Java and in
# Node.js as the floors, in rounds that interleave the commands (the order rotates each round), so
# that drift on a shared machine falls on all alike. Prints the median wall time and peak RSS of each.
#
# usage: framework-cli/bench/startup.sh [-r ROUNDS] [-n "32 128"] [-p PROMPT] MODEL_DIR
#   MODEL_DIR  a decoder-only model folder: onnx/model.onnx, tokenizer.json, config.json (the test
#              kit writes a GPT-2-124M-size one: see the README's test kit section)
#   -r         rounds per token count (default 5)
#   -n         the token counts to generate (default "32 128")
#   -p         the prompt (default "Once upon a time")
# Environment:
#   GENLOOM_BENCH_JS        where transformers.js is installed (default framework-cli/target/bench-js;
#                           npm installs it there on first use, without its CUDA download)
#   GENLOOM_BENCH_BASELINE  another built checkout whose ./genloom runs as "baseline" in the same rounds
# Variants: genloom (a later run: the optimised copy of the model is in the cache), genloom-first (the
# first run of a model: a fresh optimised-model cache each time, written by the run), genloom-nocache
# (GENLOOM_OPTIMIZED_CACHE=0), baseline, transformers.js, ort-java and ort-node (bare session loads).
# On a machine shared with builds, hold their lock: flock /tmp/genloom-mvn.lock framework-cli/bench/startup.sh ...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds=5
counts="32 128"
prompt="Once upon a time"
while getopts "r:n:p:h" o; do
  case "$o" in
    r) rounds="$OPTARG" ;;
    n) counts="$OPTARG" ;;
    p) prompt="$OPTARG" ;;
    *) sed -n '2,22p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { sed -n '2,22p' "$0"; exit 2; }
model="$(cd "$1" && pwd)"
onnx="$model/onnx/model.onnx"
[ -f "$onnx" ] && [ -f "$model/tokenizer.json" ] || { echo "startup.sh: $model has no onnx/model.onnx and tokenizer.json" >&2; exit 2; }
rt="$root/framework-cli/target"
[ -f "$rt/genloom-cli.jar" ] || { echo "startup.sh: build the checkout first: mvn -q package -DskipTests" >&2; exit 2; }
for tool in node npm /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "startup.sh: $tool is needed" >&2; exit 2; }
done

# transformers.js, as pinned in bench/js/package.json
js="${GENLOOM_BENCH_JS:-$rt/bench-js}"
mkdir -p "$js"
cp "$here/js/package.json" "$here/js/gen.mjs" "$here/js/ortload.mjs" "$js/"
if [ ! -d "$js/node_modules/@huggingface/transformers" ]; then
  echo "installing transformers.js into $js ..." >&2
  (cd "$js" && ONNXRUNTIME_NODE_INSTALL_CUDA=skip ONNXRUNTIME_NODE_INSTALL=skip \
    npm install --no-audit --no-fund --onnxruntime-node-install-cuda=skip >/dev/null)
fi

# Genloom's cache, and a fresh one per first run that shares its unpacked native libraries
home="${GENLOOM_HOME:-$HOME/.genloom}"
cache="${GENLOOM_CACHE:-$home/cache}"
native="$(ls -d "$cache"/native/onnxruntime-* 2>/dev/null | head -1 || true)"
ort_jar="$(ls "$rt"/lib/onnxruntime*.jar | head -1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/first.sh" <<EOF
#!/usr/bin/env bash
# a run with an empty optimised-model cache (the native libraries of the real cache linked in)
c="\$(mktemp -d "$work/cache.XXXX")"
for d in "$cache"/*; do [ "\$(basename "\$d")" = optimized ] || ln -s "\$d" "\$c/"; done
rc=0; GENLOOM_CACHE="\$c" "\$@" || rc=\$?
rm -rf "\$c"; exit \$rc
EOF
chmod +x "$work/first.sh"

run_genloom() { "$1/genloom" text-to-text -q -m "$model" --max-new-tokens "$2" "$prompt"; }

# the same greedy tokens on both sides (random weights make no text, the ids tell)
"$root/genloom" text-to-text -q --json -m "$model" --max-new-tokens 16 "$prompt" > "$work/g.json"
(cd "$js" && node gen.mjs "$model" 16 "$prompt") 2> "$work/t.json" > /dev/null
g_ids="$(tr -d ' \n' < "$work/g.json" | sed -n 's/.*"tokenIds":\[\([0-9,]*\)\].*/\1/p')"
t_ids="$(sed -n 's/.*"ids":\[\([0-9,]*\)\].*/\1/p' "$work/t.json")"
if [ "$g_ids" = "$t_ids" ]; then echo "same 16 greedy tokens on both sides: $g_ids"
else echo "WARNING: the greedy tokens differ: genloom [$g_ids], transformers.js [$t_ids]"; fi

cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
echo "machine: $(nproc) cores${cpu:+, $cpu}; $(java -version 2>&1 | head -1); node $(node --version)"
echo "model: $onnx ($(du -hL "$onnx" | cut -f1)); prompt: \"$prompt\"; $rounds rounds, order rotating"

q() { printf '%q' "$1"; }
for n in $counts; do
  labels=(genloom genloom-first genloom-nocache)
  cmds=("run_genloom $(q "$root") $n"
    "$(q "$work/first.sh") $(q "$root/genloom") text-to-text -q -m $(q "$model") --max-new-tokens $n $(q "$prompt")"
    "GENLOOM_OPTIMIZED_CACHE=0 run_genloom $(q "$root") $n")
  if [ -n "${GENLOOM_BENCH_BASELINE:-}" ]; then
    labels+=(baseline); cmds+=("run_genloom $(q "$GENLOOM_BENCH_BASELINE") $n")
  fi
  labels+=(transformers.js ort-java ort-node)
  cmds+=("cd $(q "$js") && node gen.mjs $(q "$model") $n $(q "$prompt")"
    "java ${native:+-Donnxruntime.native.path=$(q "$native")} -cp $(q "$rt/genloom-cli.jar:$ort_jar") dev.genloom.cli.bench.BareOrtLoad $(q "$onnx")"
    "cd $(q "$js") && node ortload.mjs $(q "$onnx")")
  export -f run_genloom
  export model prompt
  for ((k = 0; k < ${#labels[@]}; k++)); do bash -c "${cmds[$k]}" > /dev/null 2>&1; done # warm-up
  : > "$work/times"
  for ((r = 0; r < rounds; r++)); do
    for ((k = 0; k < ${#labels[@]}; k++)); do
      i=$(( (k + r) % ${#labels[@]} ))
      /usr/bin/time -o "$work/t" -f "%e %M" bash -c "${cmds[$i]}" > /dev/null 2>> "$work/stderr" \
        || { echo "${labels[$i]} failed:" >&2; tail -5 "$work/stderr" >&2; exit 1; }
      echo "${labels[$i]} $(cat "$work/t")" >> "$work/times"
    done
  done
  median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
  tjs="$(awk '$1=="transformers.js" {print $2}' "$work/times" | median)"
  echo
  echo "text-to-text, $n new tokens (single runs; medians of $rounds):"
  printf "| %-16s | %8s | %-11s | %9s | %13s |\n" variant "wall s" "min-max" "RSS MiB" "vs transformers.js"
  printf "|%s|%s|%s|%s|%s|\n" "------------------" "----------" "-------------" "-----------" "---------------"
  for l in "${labels[@]}"; do
    w="$(awk -v l="$l" '$1==l {print $2}' "$work/times" | median)"
    lo="$(awk -v l="$l" '$1==l {print $2}' "$work/times" | sort -n | head -1)"
    hi="$(awk -v l="$l" '$1==l {print $2}' "$work/times" | sort -n | tail -1)"
    m="$(awk -v l="$l" '$1==l {print $3}' "$work/times" | median)"
    printf "| %-16s | %8.2f | %5.2f-%-5.2f | %9.0f | %12.2f× |\n" "$l" "$w" "$lo" "$hi" "$(echo "$m / 1024" | bc -l)" \
      "$(echo "$w / $tjs" | bc -l)"
  done
done
