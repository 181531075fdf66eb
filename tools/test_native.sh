#!/usr/bin/env bash
# NativeAOT checks of the embedded classifier and the C library (docs/EMBEDDED.md). test.sh runs this script and
# counts the lines starting with "native: PASS" / "native: FAIL". Run it alone with:  tools/test_native.sh
#
#   1. JIT build of samples/EmbeddedClassifier; the generated C header equals samples/NativeLib/lenet5.h
#      (SCNN_UPDATE_GOLDEN=1 rewrites the header instead, as the generator tests' golden files).
#   2. NativeAOT publish for x86-x64-v4 (AVX-512) and x86-x64-v3 (AVX2): zero AOT/trim warnings, executable <= 5 MB,
#      same classes and probabilities (within 1e-5) as the JIT build on the same images; start-up (median of 10 runs,
#      fails only above 100 ms) and per-image latency are reported.
#   3. NativeAOT publish of samples/NativeLib (liblenet5.so); test/main.c compiled with gcc, run against outputs of
#      the JIT build (within 1e-5).
#   4. Build-only validation: a generated project with a broken network must fail `dotnet build` with the SCNN id,
#      file and line.
# Environment: SCNN_NATIVE_IMAGES (images compared, default 500), SCNN_NATIVE_WORK (work directory, default a temp dir).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work=${SCNN_NATIVE_WORK:-$(mktemp -d /tmp/scnn-native.XXXXXX)}
mkdir -p "$work"
images=$root/samples/data/fashion-mnist/t10k-images-idx3-ubyte.gz
count=${SCNN_NATIVE_IMAGES:-500}
classifier=$root/samples/EmbeddedClassifier/EmbeddedClassifier.csproj
nativelib=$root/samples/NativeLib/NativeLib.csproj
t_start=$(date +%s)

failures=0
pass() { echo "native: PASS $*"; }
fail() { echo "native: FAIL $*"; failures=$((failures + 1)); }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# aot_warnings LOG: counts IL2xxx/IL3xxx (trim and AOT analysis) warnings in a build log.
aot_warnings() { grep -Eo 'warning IL[23][0-9]{3}' "$1" | sort -u | wc -l; }

echo "--- restore (linux-x64) and JIT build"
if ! dotnet restore "$classifier" -r linux-x64 >"$work/restore.log" 2>&1 || ! dotnet restore "$nativelib" -r linux-x64 >>"$work/restore.log" 2>&1; then
  tail -20 "$work/restore.log"; fail "restore"; exit 1
fi
if ! dotnet build "$classifier" -c Release --no-restore >"$work/jit.log" 2>&1; then
  grep -E 'error' "$work/jit.log" | head -20; fail "JIT build of EmbeddedClassifier"; exit 1
fi
pass "JIT build of EmbeddedClassifier"
jit() { dotnet "$root/samples/EmbeddedClassifier/bin/Release/net8.0/EmbeddedClassifier.dll" "$@"; }

# ---- the C header is generated from the declaration ----
jit --header >"$work/lenet5.h"
if [ "${SCNN_UPDATE_GOLDEN:-}" = "1" ]; then
  cp "$work/lenet5.h" samples/NativeLib/lenet5.h; pass "samples/NativeLib/lenet5.h updated from LeNet5.CHeader"
elif diff -u samples/NativeLib/lenet5.h "$work/lenet5.h" >"$work/header.diff"; then
  pass "samples/NativeLib/lenet5.h equals the generated LeNet5.CHeader"
else
  cat "$work/header.diff"; fail "samples/NativeLib/lenet5.h differs from the generated LeNet5.CHeader (rerun with SCNN_UPDATE_GOLDEN=1 to accept)"
fi

jit "$images" --limit "$count" >"$work/jit.txt" 2>"$work/jit.err" || fail "JIT classifier run"
jit "$images" --limit 64 --quiet --dump-inputs "$work/inputs.f32" --dump-outputs "$work/expected.f32" 2>/dev/null
echo "JIT: $(cat "$work/jit.err")"

# compare A B: same classes, probabilities within 1e-5, same number of lines.
compare() {
  awk -F'\t' 'NR==FNR { c[$1]=$2; p[$1]=$3; n++; next }
    { m++; if (!($1 in c) || c[$1] != $2) { bad++; if (bad <= 3) print "  image " $1 ": " c[$1] " vs " $2 }
      d = $3 - p[$1]; if (d < 0) d = -d; if (d > maxd) maxd = d; if (d > 1e-5) { badp++; if (badp <= 3) print "  image " $1 ": p " p[$1] " vs " $3 } }
    END { printf "  %d vs %d images, max |dp| %.2g\n", n, m, maxd; exit (bad + badp > 0 || n != m || n == 0) }' "$1" "$2"
}

# ---- NativeAOT executables for AVX-512 and AVX2 ----
declare -A expect_isa=([x86-x64-v4]="AVX-512" [x86-x64-v3]="AVX2")
for isa in x86-x64-v4 x86-x64-v3; do
  echo "--- publish EmbeddedClassifier for $isa"
  out=$work/aot-$isa
  t0=$(date +%s%N)
  if ! dotnet publish "$classifier" -c Release -r linux-x64 --no-restore -p:IlcInstructionSet=$isa -o "$out" >"$work/publish-$isa.log" 2>&1; then
    grep -E 'error' "$work/publish-$isa.log" | head -20; fail "NativeAOT publish ($isa)"; continue
  fi
  echo "  published in $(ms_since "$t0") ms"
  w=$(aot_warnings "$work/publish-$isa.log")
  if [ "$w" -eq 0 ]; then pass "NativeAOT publish ($isa) with no AOT/trim warnings"
  else grep -E 'warning IL[23]' "$work/publish-$isa.log" | sort -u | head -20; fail "NativeAOT publish ($isa): $w distinct AOT/trim warnings"; fi
  exe=$out/EmbeddedClassifier
  size=$(stat -c %s "$exe")
  if [ "$size" -le $((5 * 1024 * 1024)) ]; then pass "executable size ($isa) $size bytes <= 5 MB"
  else fail "executable size ($isa) $size bytes > 5 MB"; fi

  if ! grep -q . /proc/cpuinfo || { [ "$isa" = x86-x64-v4 ] && ! grep -qw avx512f /proc/cpuinfo; }; then
    echo "  this CPU has no AVX-512: the $isa binary is not run"; continue
  fi
  "$exe" "$images" --limit "$count" >"$work/$isa.txt" 2>"$work/$isa.err"
  echo "  $isa: $(cat "$work/$isa.err")"
  if grep -q ", ${expect_isa[$isa]}," "$work/$isa.err"; then pass "$isa binary runs on ${expect_isa[$isa]}"
  else fail "$isa binary does not report ${expect_isa[$isa]}"; fi
  if compare "$work/jit.txt" "$work/$isa.txt"; then pass "$isa binary: same classes and probabilities (1e-5) as the JIT build"
  else fail "$isa binary differs from the JIT build"; fi

  # start-up: process start to first result (one image on stdin, the process exits right after), median of 10 runs
  head -c 800 < <(gzip -dc "$images" 2>/dev/null || cat "$images") | tail -c 784 >"$work/one.raw"
  times=(); inner=()
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    t0=$(date +%s%N); "$exe" - <"$work/one.raw" >/dev/null 2>"$work/one.err"; times+=($(( ($(date +%s%N) - t0) / 1000 )))
    inner+=("$(sed -n 's/.*start-up \([0-9.]*\) ms.*/\1/p' "$work/one.err")")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 6p)
  inner_median=$(printf '%s\n' "${inner[@]}" | sort -n | sed -n 6p)
  echo "  start-up ($isa): median $((median / 1000)).$(( (median % 1000) / 100 )) ms of 10 runs, process start to exit after the first result (runs: ${times[*]} us);"
  echo "    as measured inside the process (process start time to first result printed): median $inner_median ms"
  load=$(cut -d' ' -f1 /proc/loadavg); cores=$(nproc)
  if [ "$median" -le 100000 ]; then pass "start-up ($isa) median $((median / 1000)) ms <= 100 ms"
  elif awk -v l="$load" -v c="$cores" 'BEGIN { exit !(l > 2 * c) }'; then
    echo "  start-up ($isa) not judged: median $((median / 1000)) ms > 100 ms, but the load average is $load on $cores cores"
  else fail "start-up ($isa) median $((median / 1000)) ms > 100 ms"; fi
done
if [ -f "$work/x86-x64-v4.txt" ] && [ -f "$work/x86-x64-v3.txt" ]; then
  if compare "$work/x86-x64-v4.txt" "$work/x86-x64-v3.txt"; then pass "AVX-512 and AVX2 binaries agree (classes, probabilities within 1e-5)"
  else fail "AVX-512 and AVX2 binaries disagree"; fi
fi

# ---- the C library ----
echo "--- publish NativeLib (liblenet5.so) and the C test"
t0=$(date +%s%N)
if dotnet publish "$nativelib" -c Release -r linux-x64 --no-restore -o "$work/lib" >"$work/publish-lib.log" 2>&1; then
  echo "  published in $(ms_since "$t0") ms"
  w=$(aot_warnings "$work/publish-lib.log")
  if [ "$w" -eq 0 ]; then pass "NativeLib publish with no AOT/trim warnings"
  else grep -E 'warning IL[23]' "$work/publish-lib.log" | sort -u | head -20; fail "NativeLib publish: $w distinct AOT/trim warnings"; fi
  echo "  liblenet5.so: $(stat -c %s "$work/lib/liblenet5.so") bytes"
  exports=$(nm -D --defined-only "$work/lib/liblenet5.so" 2>/dev/null | grep -c ' T lenet5_' || true)
  echo "  exported lenet5_* symbols: $exports"
  if gcc -std=c99 -O2 -Wall -Wextra -Werror -o "$work/ctest" samples/NativeLib/test/main.c -L"$work/lib" -llenet5 -lm -Wl,-rpath,"$work/lib" 2>"$work/gcc.log"; then
    if "$work/ctest" "$work/inputs.f32" "$work/expected.f32" 64 | tee "$work/ctest.log" | sed 's/^/  /'; grep -q '^C test: PASS' "$work/ctest.log"; then
      pass "C test: liblenet5.so matches the JIT build within 1e-5 and rejects bad arguments"
    else fail "C test (see above)"; fi
  else
    cat "$work/gcc.log"; fail "gcc could not compile samples/NativeLib/test/main.c against lenet5.h"
  fi
else
  grep -E 'error' "$work/publish-lib.log" | head -20; fail "NativeLib publish"
fi

# ---- build-only validation of an architecture ----
echo "--- a broken network fails the build with its SCNN id, file and line"
broken=$work/broken
mkdir -p "$broken"
cp samples/EmbeddedClassifier/lenet5.safetensors "$broken/"
cat >"$broken/Broken.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework><LangVersion>latest</LangVersion><Nullable>enable</Nullable></PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$root/runtime/StaticCnn/StaticCnn.csproj" />
    <ProjectReference Include="$root/generator/StaticCnn.Generator/StaticCnn.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
    <AdditionalFiles Include="lenet5.safetensors" />
  </ItemGroup>
</Project>
EOF
cat >"$broken/Nets.cs" <<'EOF'
using StaticCnn;

namespace Broken;

[Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
public partial class TooSmall
{
    [MaxPool2D(4)] public partial Layer Pool { get; }
    [Conv2D(8, Kernel = 9)] public partial Layer Conv { get; }
}

[Network(InputChannels = 1, InputHeight = 28, InputWidth = 28, Weights = "lenet5.safetensors")]
public partial class WrongWeights
{
    [Conv2D(8, Kernel = 5, Padding = 2, Activation = Activation.ReLU)] public partial Layer Conv1 { get; }
    [MaxPool2D(2)] public partial Layer Pool1 { get; }
    [Conv2D(16, Kernel = 5, Activation = Activation.ReLU)] public partial Layer Conv2 { get; }
    [MaxPool2D(2)] public partial Layer Pool2 { get; }
    [Dense(120, Activation = Activation.ReLU)] public partial Layer Fc1 { get; }
    [Dense(84, Activation = Activation.ReLU)] public partial Layer Fc2 { get; }
    [Dense(10)] public partial Layer Fc3 { get; }
}
EOF
if dotnet build "$broken/Broken.csproj" -c Release >"$work/broken.log" 2>&1; then
  fail "the broken network built without errors"
else
  for expect in 'Nets.cs(9,6): error SCNN0101' 'Nets.cs(12,2): error SCNN0403'; do
    if grep -qF "$expect" "$work/broken.log"; then pass "build fails with '$expect'"
    else grep -E 'error' "$work/broken.log" | sort -u | head -10; fail "build output lacks '$expect'"; fi
  done
fi

echo "native: done in $(( $(date +%s) - t_start )) s, $failures failure(s); work files in $work"
[ "$failures" -eq 0 ]
