#!/usr/bin/env bash
# StaticCnn and PyTorch 1.13 side by side, in one run, on this machine. Prints (and writes) the table of ratios with
# every GFLOP/s figure also as a % of the fp32 FMA peak measured in the same run. See docs/PERFORMANCE.md.
#
#   benchmarks/run_side_by_side.sh [--quick] [--out DIR] [--no-build] [--only lenet5,cifar10net,conv,vgg16] [--bdn]
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

QUICK="" BUILD=1 BDN=0 ONLY="lenet5,cifar10net,conv,vgg16"
OUT="${TMPDIR:-/tmp}/staticcnn-bench/$(date +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK="--quick" ;;
    --out) OUT="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --only) ONLY="$2"; shift ;;
    --bdn) BDN=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$OUT"
PROJ=benchmarks/StaticCnn.Benchmarks
BIN=$PROJ/bin/Release/net10.0/StaticCnn.Benchmarks
PY=/usr/bin/python3

if [ "$BUILD" = 1 ]; then
  dotnet build -c Release "$PROJ" -v q -nologo | grep -E "error|Warn|Elapsed" || true
fi

echo "== $(date -Is)  $(uptime)" | tee "$OUT/uptime.txt"
grep -m1 "model name" /proc/cpuinfo | tee -a "$OUT/uptime.txt"

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

if [ "$BDN" = 1 ]; then
  JOB=()
  [ -n "$QUICK" ] && JOB=(--job short)
  # run from the repository (BenchmarkDotNet looks for the .csproj above the working directory)
  $BIN --filter '*' "${JOB[@]}" --exporters json csv markdown --artifacts "$OUT/BenchmarkDotNet.Artifacts"
fi
