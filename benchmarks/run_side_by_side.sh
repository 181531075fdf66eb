#!/usr/bin/env bash
# StaticCnn side by side with the anchors, in one run, on this machine. See docs/PERFORMANCE.md.
#  1. StaticCnn and PyTorch 1.13 (two processes, interleaved group by group): the table of ratios with every GFLOP/s
#     figure also as a % of the fp32 FMA peak measured in the same run.
#  2. StaticCnn, ONNX Runtime 1.32 and LibTorch 2.10 (TorchSharp-cpu 0.107) in one process, interleaved per workload
#     (benchmarks/StaticCnn.Anchors, not part of StaticCnn.sln: TorchSharp brings 1.7 GB of native libraries). Its
#     ONNX and TorchScript files come from benchmarks/StaticCnn.Anchors/make_models.py (PyTorch 1.13), made once into
#     benchmarks/StaticCnn.Anchors/bin/models.
#  3. XNNPACK (benchmarks/xnnpack/xnn_bench.c), where Debian's libxnnpack-dev and libpthreadpool-dev are installed.
#
#   benchmarks/run_side_by_side.sh [--quick] [--out DIR] [--no-build] [--only lenet5,cifar10net,conv,vgg16] [--bdn]
#                                  [--anchors-only | --no-anchors] [--high-priority]
#
#   --high-priority   (root) run in a session of its own with autogroup nice -20 and nice -20, so that on a machine
#                     shared with parallel builds the benchmark gets both cores (the kernel's autogroups share the CPU
#                     between sessions first, so a plain `nice` does not help); the load average is still printed
#
#   --quick   smoke-test repeats (>= 5 repeats and 0.2 s per row; a few minutes in all)
#   full      (default) >= 20 repeats and 2 s per row, as bench.py; about 10-15 minutes on 2 cores
#   --bdn     afterwards, also run the BenchmarkDotNet classes (--job short with --quick) and keep their exports
#
# The two sides are interleaved workload group by group (StaticCnn group, then the same group in PyTorch), so both
# see the same machine state. The AVX2 path (DOTNET_EnableAVX512=0) is timed on the conv layers at 1 thread.
# Output: DIR/staticcnn_*.json, DIR/pytorch_*.json, DIR/staticcnn_avx2.json, DIR/table.md (default DIR: $TMPDIR/staticcnn-bench/<time>).
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK="" BUILD=1 BDN=0 ONLY="lenet5,cifar10net,conv,vgg16" PYTORCH=1 ANCHORS=1 PRIO=0
# the anchors also run the zoo rows (PyTorch 1.13's bench.py has no ResNet or MobileNet rows); --only sets both
ANCHORS_ONLY="lenet5,cifar10net,conv,vgg16,resnet18,resnet50,mobilenetv2,cifar_resnet18"
ARGS=("$@")
OUT="${TMPDIR:-/tmp}/staticcnn-bench/$(date +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK="--quick" ;;
    --out) OUT="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --only) ONLY="$2"; ANCHORS_ONLY="$2"; shift ;;
    --bdn) BDN=1 ;;
    --anchors-only) PYTORCH=0 ;;
    --no-anchors) ANCHORS=0 ;;
    --high-priority) PRIO=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$PRIO" = 1 ] && [ -z "${SCNN_BENCH_PRIO:-}" ]; then
  export SCNN_BENCH_PRIO=1
  exec setsid bash -c 'echo -20 > /proc/self/autogroup && exec nice -n -20 "$0" "$@"' "$PWD/benchmarks/run_side_by_side.sh" "${ARGS[@]}" < /dev/null
fi
mkdir -p "$OUT"
PROJ=benchmarks/StaticCnn.Benchmarks
BIN=$PROJ/bin/Release/net10.0/StaticCnn.Benchmarks
PY=/usr/bin/python3

if [ "$BUILD" = 1 ] && [ "$PYTORCH" = 1 ]; then
  dotnet build -c Release "$PROJ" -v q -nologo | grep -E "error|Warn|Elapsed" || true
fi

echo "== $(date -Is)  $(uptime)" | tee "$OUT/uptime.txt"
grep -m1 "model name" /proc/cpuinfo | tee -a "$OUT/uptime.txt"

if [ "$PYTORCH" = 1 ]; then

SC_FILES=() PT_FILES=()
PEAK=""   # the first StaticCnn invocation measures the FMA peak; later ones skip it
IFS=',' read -ra GROUPS_ <<< "$ONLY"
for g in "${GROUPS_[@]}"; do
  echo "== StaticCnn: $g"
  $BIN table $QUICK $PEAK --threads 1,all --only "$g" --json "$OUT/staticcnn_$g.json" | tee -a "$OUT/staticcnn.log"
  PEAK="--no-peak"
  echo "== PyTorch: $g"
  $PY benchmarks/pytorch/bench.py $QUICK --threads 1,all --only "$g" --json "$OUT/pytorch_$g.json" | tee -a "$OUT/pytorch.log"
  SC_FILES+=(--staticcnn "$OUT/staticcnn_$g.json")
  PT_FILES+=(--pytorch "$OUT/pytorch_$g.json")
done

AVX2=()
if [[ ",$ONLY," == *",conv,"* ]]; then
  echo "== StaticCnn AVX2 path (DOTNET_EnableAVX512=0): conv, 1 thread"
  DOTNET_EnableAVX512=0 $BIN table $QUICK --threads 1 --only conv --json "$OUT/staticcnn_avx2.json" | tee -a "$OUT/staticcnn.log"
  AVX2=(--avx2 "$OUT/staticcnn_avx2.json")
fi
echo "== $(date -Is)  $(uptime)" | tee -a "$OUT/uptime.txt"

echo
python3 tools/compare_bench.py "${PT_FILES[@]}" "${SC_FILES[@]}" "${AVX2[@]}" --markdown "$OUT/table.md"
echo
echo "wrote $OUT/table.md"

fi  # PYTORCH

if [ "$ANCHORS" = 1 ]; then
  APROJ=benchmarks/StaticCnn.Anchors
  ABIN=$APROJ/bin/Release/net10.0/StaticCnn.Anchors
  if [ "$BUILD" = 1 ]; then
    # the build also marks GLIBCXX_3.4.32 weak in its copy of libLibTorchSharp.so (weaken_glibcxx.py)
    dotnet build -c Release "$APROJ" -v q -nologo | grep -E "error|Warn|Elapsed|GLIBCXX" || true
  fi
  "$PY" "$APROJ/make_models.py" "$APROJ/bin/models"
  echo "== anchors: StaticCnn, ONNX Runtime 1.32, LibTorch 2.10 in one process  $(uptime)" | tee -a "$OUT/uptime.txt"
  $ABIN --models "$APROJ/bin/models" $QUICK --threads 1,2 --only "$ANCHORS_ONLY" --markdown "$OUT/anchors.md" | tee "$OUT/anchors.log"
  if [ -f /usr/include/xnnpack.h ] && [ -f /usr/include/pthreadpool.h ]; then
    echo "== XNNPACK  $(uptime)" | tee -a "$OUT/uptime.txt"
    gcc -O2 -o "$OUT/xnn_bench" benchmarks/xnnpack/xnn_bench.c -lXNNPACK -lpthreadpool -lm
    "$OUT/xnn_bench" "$([ -n "$QUICK" ] && echo 0.3 || echo 2)" | tee "$OUT/xnnpack.md"
  else
    echo "== XNNPACK: not installed (apt-get install -y libxnnpack-dev libpthreadpool-dev)"
  fi
  echo "== $(date -Is)  $(uptime)" | tee -a "$OUT/uptime.txt"
  echo "wrote $OUT/anchors.md"
fi

if [ "$BDN" = 1 ]; then
  JOB=()
  [ -n "$QUICK" ] && JOB=(--job short)
  # run from the repository (BenchmarkDotNet looks for the .csproj above the working directory)
  $BIN --filter '*' "${JOB[@]}" --exporters json csv markdown --artifacts "$OUT/BenchmarkDotNet.Artifacts"
fi
