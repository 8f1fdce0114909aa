#!/usr/bin/env bash
# Text-to-image speed of Genloom against SD4J (github oracle/sd4j, Oracle Labs' Stable Diffusion in
# Java on ONNX Runtime), side by side on the SAME model files: same size, steps, guidance, prompt and
# scheduler (Euler ancestral, linspace timesteps, which both have), the same ONNX Runtime version
# (SD4J is built against Genloom's), the same intra-op threads, each in its own JVM, one warm-up
# picture, then the median of REPEATS. Genloom's figures come from `genloom bench image`, which also
# times the family's bare ONNX Runtime loop over the same three files in its JVM; SD4J's from
# bench/Sd4jBench.java, which drives SD4J's public API (SD4J's code is only run, never copied).
# Prints seconds per picture and per UNet step of each and the ratio Genloom/SD4J.
#
# usage: framework-cli/bench/sd4j-side-by-side.sh [-m tiny|sd15-size] [-s PX] [-n "4 1"] [-r N] [-t N] [-w DIR] SD4J_DIR
#   SD4J_DIR  a checkout of github oracle/sd4j (a Maven project: pom.xml, src/main/java/...); this
#             script fetches nothing but Maven artifacts: clone it yourself
#   -m        the model folder: the test kit's tiny sizes (default) or sd15-size (SD 1.5's shapes,
#             random weights, 4 GB written once into the work dir, about 20 s)
#   -s        width and height (default 512)
#   -n        the step counts (default "4 1"; 1 step runs unguided, as SD-Turbo)
#   -r        pictures timed after the warm-up (default 3)
#   -t        intra-op threads of both (default 2)
#   -w        work dir: model folders, SD4J's run dir (default framework-cli/target/sd4j-side-by-side)
# Needs: a built checkout (mvn -q package -DskipTests: framework-cli, plugins/image-diffusion and the
# test kit's jar), Java 17, Maven with Maven Central reachable the first time (SD4J's dependencies, Apache
# Commons Math 4.0-beta1, and com.microsoft.onnxruntime:onnxruntime-extensions, whose jar carries
# libonnxruntime_extensions4j_jni.so: it exports RegisterCustomOps, so it serves as SD4J's
# ./libortextensions.so), unzip and jq.
# What the folder holds for SD4J: the script layout (input_ids int32, timestep int64 [batch]), a text
# encoder with CLIP's 49408-token table (SD4J pads with id 49407 and starts with 49406; the kit's own ids are
# the first 576) and text_tokenizer/custom_op_cliptok.onnx, the kit's vocab and merges as the attributes
# of onnxruntime-extensions' CLIPTokenizer operator (dev.genloom.zoo.testkit.diffusion.SideBySideFolder).
# On a machine shared with builds, hold their lock while timing, and say so (the script then takes it not again):
#   flock /tmp/genloom-mvn.lock env SD4J_SBS_LOCKED=1 framework-cli/bench/sd4j-side-by-side.sh ...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
model=tiny
size=512
counts="4 1"
repeats=3
threads=2
work="$root/framework-cli/target/sd4j-side-by-side"
ortx_version=0.13.0
while getopts "m:s:n:r:t:w:h" o; do
  case "$o" in
    m) model="$OPTARG" ;;
    s) size="$OPTARG" ;;
    n) counts="$OPTARG" ;;
    r) repeats="$OPTARG" ;;
    t) threads="$OPTARG" ;;
    w) work="$OPTARG" ;;
    *) sed -n '2,31p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { sed -n '2,31p' "$0"; exit 2; }
sd4j="$(cd "$1" && pwd)"
[ -f "$sd4j/pom.xml" ] && [ -d "$sd4j/src/main/java/com/oracle/labs/mlrg/sd4j" ] \
  || { echo "sd4j-side-by-side: $sd4j is no checkout of oracle/sd4j" >&2; exit 2; }
case "$model" in tiny|sd15-size) ;; *) echo "sd4j-side-by-side: -m is tiny or sd15-size" >&2; exit 2 ;; esac
for tool in java mvn unzip jq; do
  command -v "$tool" >/dev/null || { echo "sd4j-side-by-side: $tool is needed" >&2; exit 2; }
done
rt="$root/framework-cli/target"
kit="$root/model-zoo/test-kit/target"
[ -f "$rt/genloom-cli.jar" ] && [ -f "$kit/genloom-test-kit.jar" ] && ls "$root"/plugins/image-diffusion/target/plugin/*.jar >/dev/null 2>&1 \
  || { echo "sd4j-side-by-side: build the checkout first: mvn -q package -DskipTests" >&2; exit 2; }
ort_jar="$(ls "$rt"/lib/onnxruntime-*.jar | head -1)"
ort_version="$(basename "$ort_jar" .jar)"; ort_version="${ort_version#onnxruntime-}"
mkdir -p "$work/run"
work="$(cd "$work" && pwd)"

# Maven under the build lock unless the caller holds it (then flock on the same file would wait forever)
mvn_locked() {
  if [ -n "${SD4J_SBS_LOCKED:-}" ] || [ ! -e /tmp/genloom-mvn.lock ] || ! command -v flock >/dev/null; then
    mvn "$@"
  else
    flock -w 5 /tmp/genloom-mvn.lock mvn "$@" || { echo "sd4j-side-by-side: /tmp/genloom-mvn.lock is held" \
      "(by you? then run with SD4J_SBS_LOCKED=1)" >&2; exit 2; }
  fi
}

# 1. the model folder both read
folder="$work/models/sbs-$model"
if [ ! -f "$folder/text_tokenizer/custom_op_cliptok.onnx" ]; then
  java -Xmx8g -cp "$kit/genloom-test-kit.jar:$kit/lib/*" dev.genloom.zoo.testkit.diffusion.SideBySideFolder "$folder" "$model" >&2
fi

# 2. SD4J, against Genloom's ONNX Runtime, and the extensions library
sd4j_jar="$(ls "$sd4j"/target/sd4j-*.jar 2>/dev/null | head -1 || true)"
if [ -z "$sd4j_jar" ] || [ "$(cat "$work/run/ort-version" 2>/dev/null)" != "$ort_version" ]; then
  echo "building SD4J in $sd4j against ONNX Runtime $ort_version ..." >&2
  (cd "$sd4j" && mvn_locked -B -q -DskipTests -Donnxruntime.version="$ort_version" package)
  (cd "$sd4j" && mvn_locked -B -q -Donnxruntime.version="$ort_version" dependency:build-classpath \
    -DincludeScope=runtime -Dmdep.outputFile="$work/run/cp.txt")
  echo "$ort_version" > "$work/run/ort-version"
  sd4j_jar="$(ls "$sd4j"/target/sd4j-*.jar | head -1)"
fi
if [ ! -f "$work/run/libortextensions.so" ]; then
  (cd "$work/run" && mvn_locked -B -q dependency:copy -Dartifact="com.microsoft.onnxruntime:onnxruntime-extensions:$ortx_version" \
    -DoutputDirectory="$work/run" -Dmdep.overWriteIfNewer=true)
  unzip -o -q -j "$work/run/onnxruntime-extensions-$ortx_version.jar" \
    'ai/onnxruntime/extensions/native/linux-x64/libonnxruntime_extensions4j_jni.so' -d "$work/run"
  mv "$work/run/libonnxruntime_extensions4j_jni.so" "$work/run/libortextensions.so"
fi
sd4j_cp="$sd4j_jar:$(cat "$work/run/cp.txt")"

# 3. the runs, each in its own JVM
steps_csv="$(echo $counts | tr ' ' ',')"
echo "model $model ($folder), ${size}x${size}, steps $counts, guidance 7.5 above 1 step, Euler ancestral," \
  "intra-op threads $threads, ONNX Runtime $ort_version, median of $repeats after a warm-up" >&2
GENLOOM_MODELS="$work/models" "$root/genloom" --threads "$threads" --json bench image -m "$folder" --size "$size" \
  --steps "$steps_csv" --scheduler euler-a --repeats "$repeats" 2>/dev/null > "$work/genloom.json"
(cd "$work/run" && java -cp "$sd4j_cp" "$here/Sd4jBench.java" "$folder" "$size" "$steps_csv" 7.5 "$repeats" "$threads" \
  EULER_ANCESTRAL) > "$work/sd4j.txt"

# 4. the table
printf '%-6s %12s %12s %12s %12s %12s %12s %10s\n' steps "genloom s/im" "sd4j s/im" "bare s/im" \
  "genloom s/st" "sd4j s/st" "bare s/st" "G/SD4J"
for s in $counts; do
  g="$(jq -r --argjson s "$s" '.runs[] | select(.steps == $s) | "\(.secondsPerImage) \(.bareSecondsPerImage) \(.secondsPerStep) \(.bareSecondsPerStep)"' "$work/genloom.json")"
  d="$(awk -v s="$s" '$1 == "sd4j" && $2 == "steps" && $3 == s { print $7, $9 }' "$work/sd4j.txt")"
  read -r gi bi gs bs <<< "$g"
  read -r di ds <<< "$d"
  awk -v s="$s" -v gi="$gi" -v di="$di" -v bi="$bi" -v gs="$gs" -v ds="$ds" -v bs="$bs" 'BEGIN {
    printf "%-6s %12.3f %12.3f %12.3f %12.3f %12.3f %12.3f %10.3f\n", s, gi, di, bi, gs, ds, bs, gi / di }'
done
echo "(s/st: the UNet's seconds per step; SD4J's is the time between step callbacks, which also holds its" \
  "scheduler step; at 1 step SD4J's s/st is its whole picture. Raw: $work/genloom.json, $work/sd4j.txt)" >&2
