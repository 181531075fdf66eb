#!/usr/bin/env bash
# NativeAOT checks of the embedded classifier and the C library (docs/EMBEDDED.md). test.sh runs this script and
# counts the lines starting with "native: PASS" / "native: FAIL". Run it alone with:  tools/test_native.sh
#
#   1. JIT build (net10.0) of samples/EmbeddedClassifier; the generated C header equals samples/NativeLib/lenet5.h
#      (SCNN_UPDATE_GOLDEN=1 rewrites the header instead, as the generator tests' golden files).
#   2. NativeAOT publish of the classifier per target framework and instruction set: by default net10.0 for
#      x86-64-v4 (AVX-512) and x86-64-v3 (AVX2), and net8.0 for x86-x64-v3 (.NET 8's ILCompiler knows only the
#      x86-x64-vN spelling, .NET 10's only x86-64-vN). Each: zero AOT/trim warnings, executable <= 5 MB, same
#      classes and probabilities (within 1e-5) as the JIT build on the same images; start-up (median of N runs,
#      fails only above 100 ms) and per-image latency are reported, and a size/start-up table at the end.
#   3. NativeAOT publish of samples/NativeLib (liblenet5.so), net10.0 by default; test/main.c compiled with gcc, run
#      against outputs of the JIT build (within 1e-5). The same library exports the two-input, two-output Siamese
#      network (siamese.h, golden-checked by tests/StaticCnn.Embedded.Tests): test/siamese.c compiled against it, run
#      against PyTorch's outputs in tests/Fixtures/multi/siamese.safetensors.
#   4. Build-only validation: a generated project with a broken network must fail `dotnet build` with the SCNN id,
#      file and line.
# Environment: SCNN_NATIVE_IMAGES (images compared, default 500), SCNN_NATIVE_WORK (work directory, default a temp dir),
#   SCNN_NATIVE_CONFIGS (classifier publishes as TFM:ISA, default "net10.0:x86-64-v4 net10.0:x86-64-v3 net8.0:x86-x64-v3";
#   docs/EMBEDDED.md's table adds net8.0:x86-x64-v4; set and empty: no classifier publish, e.g. to check only the library), SCNN_NATIVE_LIB_TFMS (default "net10.0"; "net10.0 net8.0" for
#   both), SCNN_NATIVE_RUNS (start-up runs per binary, default 10).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work=${SCNN_NATIVE_WORK:-$(mktemp -d /tmp/scnn-native.XXXXXX)}
mkdir -p "$work"
images=$root/samples/data/fashion-mnist/t10k-images-idx3-ubyte.gz
count=${SCNN_NATIVE_IMAGES:-500}
configs=${SCNN_NATIVE_CONFIGS-net10.0:x86-64-v4 net10.0:x86-64-v3 net8.0:x86-x64-v3}
lib_tfms=${SCNN_NATIVE_LIB_TFMS:-net10.0}
runs=${SCNN_NATIVE_RUNS:-10}
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
if ! dotnet build "$classifier" -f net10.0 -c Release --no-restore >"$work/jit.log" 2>&1; then
  grep -E 'error' "$work/jit.log" | head -20; fail "JIT build of EmbeddedClassifier"; exit 1
fi
pass "JIT build of EmbeddedClassifier"
jit() { dotnet "$root/samples/EmbeddedClassifier/bin/Release/net10.0/EmbeddedClassifier.dll" "$@"; }

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
# ISA level -> what the binary must report; the level is the part after "x86-64-" / "x86-x64-"
declare -A expect_isa=([v4]="AVX-512" [v3]="AVX2")
table=()
head -c 800 < <(gzip -dc "$images" 2>/dev/null || cat "$images") | tail -c 784 >"$work/one.raw"
for config in $configs; do
  tfm=${config%%:*}; isa=${config#*:}; level=${isa##*-}; key=$tfm-$isa
  echo "--- publish EmbeddedClassifier, $tfm, $isa"
  out=$work/aot-$key
  t0=$(date +%s%N)
  if ! dotnet publish "$classifier" -f "$tfm" -c Release -r linux-x64 --no-restore -p:IlcInstructionSet=$isa -o "$out" >"$work/publish-$key.log" 2>&1; then
    grep -E 'error' "$work/publish-$key.log" | head -20; fail "NativeAOT publish ($key)"; continue
  fi
  echo "  published in $(ms_since "$t0") ms"
  w=$(aot_warnings "$work/publish-$key.log")
  if [ "$w" -eq 0 ]; then pass "NativeAOT publish ($key) with no AOT/trim warnings"
  else grep -E 'warning IL[23]' "$work/publish-$key.log" | sort -u | head -20; fail "NativeAOT publish ($key): $w distinct AOT/trim warnings"; fi
  exe=$out/EmbeddedClassifier
  size=$(stat -c %s "$exe")
  if [ "$size" -le $((5 * 1024 * 1024)) ]; then pass "executable size ($key) $size bytes <= 5 MB"
  else fail "executable size ($key) $size bytes > 5 MB"; fi

  if ! grep -q . /proc/cpuinfo || { [ "$level" = v4 ] && ! grep -qw avx512f /proc/cpuinfo; }; then
    echo "  this CPU has no AVX-512: the $key binary is not run"; table+=("$tfm|$isa|$size|not run|"); continue
  fi
  "$exe" "$images" --limit "$count" >"$work/$key.txt" 2>"$work/$key.err"
  echo "  $key: $(cat "$work/$key.err")"
  if grep -q ", ${expect_isa[$level]}," "$work/$key.err"; then pass "$key binary runs on ${expect_isa[$level]}"
  else fail "$key binary does not report ${expect_isa[$level]}"; fi
  if compare "$work/jit.txt" "$work/$key.txt"; then pass "$key binary: same classes and probabilities (1e-5) as the JIT build"
  else fail "$key binary differs from the JIT build"; fi

  # start-up: process start to first result (one image on stdin, the process exits right after), median of $runs runs
  times=(); inner=()
  for ((r = 0; r < runs; r++)); do
    t0=$(date +%s%N); "$exe" - <"$work/one.raw" >/dev/null 2>"$work/one.err"; times+=($(( ($(date +%s%N) - t0) / 1000 )))
    inner+=("$(sed -n 's/.*start-up \([0-9.]*\) ms.*/\1/p' "$work/one.err")")
  done
  mid=$(( (runs + 1) / 2 ))
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n ${mid}p)
  fastest=$(printf '%s\n' "${times[@]}" | sort -n | head -1)
  inner_median=$(printf '%s\n' "${inner[@]}" | sort -n | sed -n ${mid}p)
  latency=$(sed -n 's/.*latency median \([0-9.]*\) us.*/\1/p' "$work/$key.err" | head -1)
  echo "  start-up ($key): median $((median / 1000)).$(( (median % 1000) / 100 )) ms of $runs runs, process start to exit after the first result (runs: ${times[*]} us);"
  echo "    as measured inside the process (process start time to first result printed): median $inner_median ms"
  table+=("$tfm|$isa|$size|$((median / 1000)).$(( (median % 1000) / 100 )) ms (fastest $((fastest / 1000)).$(( (fastest % 1000) / 100 )))|$inner_median ms|${latency:-?} µs")
  load=$(cut -d' ' -f1 /proc/loadavg); cores=$(nproc)
  if [ "$median" -le 100000 ]; then pass "start-up ($key) median $((median / 1000)) ms <= 100 ms"
  elif awk -v l="$load" -v c="$cores" 'BEGIN { exit !(l > 2 * c) }'; then
    echo "  start-up ($key) not judged: median $((median / 1000)) ms > 100 ms, but the load average is $load on $cores cores"
  else fail "start-up ($key) median $((median / 1000)) ms > 100 ms"; fi
done
if [ -f "$work/net10.0-x86-64-v4.txt" ] && [ -f "$work/net10.0-x86-64-v3.txt" ]; then
  if compare "$work/net10.0-x86-64-v4.txt" "$work/net10.0-x86-64-v3.txt"; then pass "AVX-512 and AVX2 binaries (net10.0) agree (classes, probabilities within 1e-5)"
  else fail "AVX-512 and AVX2 binaries (net10.0) disagree"; fi
fi

# ---- the C library ----
for tfm in $lib_tfms; do
  echo "--- publish NativeLib (liblenet5.so, $tfm) and the C test"
  lib=$work/lib-$tfm
  t0=$(date +%s%N)
  if dotnet publish "$nativelib" -f "$tfm" -c Release -r linux-x64 --no-restore -o "$lib" >"$work/publish-lib-$tfm.log" 2>&1; then
    echo "  published in $(ms_since "$t0") ms"
    w=$(aot_warnings "$work/publish-lib-$tfm.log")
    if [ "$w" -eq 0 ]; then pass "NativeLib publish ($tfm) with no AOT/trim warnings"
    else grep -E 'warning IL[23]' "$work/publish-lib-$tfm.log" | sort -u | head -20; fail "NativeLib publish ($tfm): $w distinct AOT/trim warnings"; fi
    echo "  liblenet5.so ($tfm): $(stat -c %s "$lib/liblenet5.so") bytes"
    table+=("$tfm|library, default (v3)|$(stat -c %s "$lib/liblenet5.so")|||")
    exports=$(nm -D --defined-only "$lib/liblenet5.so" 2>/dev/null | grep -c ' T lenet5_' || true)
    echo "  exported lenet5_* symbols: $exports"
    if gcc -std=c99 -O2 -Wall -Wextra -Werror -o "$work/ctest-$tfm" samples/NativeLib/test/main.c -L"$lib" -llenet5 -lm -Wl,-rpath,"$lib" 2>"$work/gcc.log"; then
      if "$work/ctest-$tfm" "$work/inputs.f32" "$work/expected.f32" 64 | tee "$work/ctest.log" | sed 's/^/  /'; grep -q '^C test: PASS' "$work/ctest.log"; then
        pass "C test ($tfm): liblenet5.so matches the JIT build within 1e-5 and rejects bad arguments"
      else fail "C test ($tfm) (see above)"; fi
    else
      cat "$work/gcc.log"; fail "gcc could not compile samples/NativeLib/test/main.c against lenet5.h"
    fi
    # the multi-input network of the same library: every input and output is an argument of siamese_forward
    sexports=$(nm -D --defined-only "$lib/liblenet5.so" 2>/dev/null | grep -c ' T siamese_' || true)
    if [ "$sexports" -eq 7 ]; then pass "liblenet5.so ($tfm) exports the 7 siamese_* functions of siamese.h"
    else fail "liblenet5.so ($tfm) exports $sexports siamese_* functions, siamese.h declares 7"; fi
    if gcc -std=c99 -O2 -Wall -Wextra -Werror -o "$work/ctest-siamese-$tfm" samples/NativeLib/test/siamese.c -L"$lib" -llenet5 -lm -Wl,-rpath,"$lib" 2>"$work/gcc-siamese.log"; then
      if "$work/ctest-siamese-$tfm" tests/Fixtures/multi/siamese.safetensors | tee "$work/ctest-siamese.log" | sed 's/^/  /'; grep -q '^C test: PASS' "$work/ctest-siamese.log"; then
        pass "C test ($tfm): siamese_forward(left, right, embed_l, embed_r) matches PyTorch within 1e-5 and rejects bad arguments"
      else fail "C test ($tfm): siamese (see above)"; fi
    else
      cat "$work/gcc-siamese.log"; fail "gcc could not compile samples/NativeLib/test/siamese.c against siamese.h"
    fi
  else
    grep -E 'error' "$work/publish-lib-$tfm.log" | head -20; fail "NativeLib publish ($tfm)"
  fi
done

echo "--- sizes and start-up (load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "| target | -p:IlcInstructionSet | bytes | start-up, median of $runs (process start to exit after the first result) | inside the process | latency per image |"
echo "|---|---|---|---|---|---|"
for row in "${table[@]}"; do echo "| ${row//|/ | } |"; done

# ---- build-only validation of an architecture ----
echo "--- a broken network fails the build with its SCNN id, file and line"
broken=$work/broken
mkdir -p "$broken"
cp samples/EmbeddedClassifier/lenet5.safetensors "$broken/"
cat >"$broken/Broken.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><LangVersion>latest</LangVersion><Nullable>enable</Nullable></PropertyGroup>
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
