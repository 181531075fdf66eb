#!/usr/bin/env bash
# The project's one test command (README, .ci/run): builds in Release, runs every test project with `dotnet test`,
# then runs the numeric tests again on the AVX2 path (DOTNET_EnableAVX512=0) and the portable Vector128 path
# (DOTNET_EnableAVX2=0), and prints one closing line "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
passed=0; failed=0; skipped=0; status=0
log=$(mktemp)
failures=$(mktemp)   # the names of failed tests, repeated at the end (a long log's tail then still says which)

# Adds the counts of a `dotnet test` summary line ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12") to the totals.
tally() {
  while IFS= read -r line; do
    f=$(sed -n 's/.*Failed:[[:space:]]*\([0-9]*\).*/\1/p' <<<"$line")
    p=$(sed -n 's/.*Passed:[[:space:]]*\([0-9]*\).*/\1/p' <<<"$line")
    s=$(sed -n 's/.*Skipped:[[:space:]]*\([0-9]*\).*/\1/p' <<<"$line")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
  done < <(grep -E '^(Passed|Failed)!' "$log" || true)
  grep -E '^[[:space:]]+Failed [A-Za-z_]' "$log" | sed "s/^[[:space:]]*/  [$label] /" >> "$failures" || true
}

# run LABEL [ENV=VALUE ...] -- dotnet test arguments...
run() {
  local label=$1; shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  echo "=== $label"
  if ! env "${envs[@]}" dotnet test "$@" -c Release --no-build 2>&1 | tee "$log"; then status=1; fi
  tally
}

echo "=== build"
if ! dotnet build StaticCnn.sln -c Release 2>&1 | tail -n 30; then echo "build failed"; exit 1; fi
# read whole before grep: `| grep -q` under pipefail misses a match when grep stops reading before the build ends
rebuild=$(dotnet build StaticCnn.sln -c Release --no-restore 2>&1)
if grep -q ' error ' <<<"$rebuild"; then echo "build failed"; exit 1; fi

run "generator tests" -- tests/StaticCnn.Generator.Tests
run "runtime, kernel and network tests (default ISA: AVX-512 where present)" -- tests/StaticCnn.Tests
run "embedded-weights tests (values, static-memory Infer, zero allocation, SCNN04xx, C header)" -- tests/StaticCnn.Embedded.Tests
run "ONNX import against ONNX Runtime, imported-spec goldens, PyTorch twin against PyTorch (where installed)" -- tests/StaticCnn.Tool.Tests
run "ONNX export against ONNX Runtime (layer cases, model zoo, onnx.checker)" -- tests/StaticCnn.Interop.Tests
run "numeric tests on the AVX2 path" DOTNET_EnableAVX512=0 -- tests/StaticCnn.Tests --filter Category=Numeric
run "numeric tests on the portable Vector128 path" DOTNET_EnableAVX2=0 -- tests/StaticCnn.Tests --filter Category=Numeric
run "ONNX import vs ONNX Runtime on the AVX2 path" DOTNET_EnableAVX512=0 -- tests/StaticCnn.Tool.Tests --filter "Category=Numeric&FullyQualifiedName~ImportTests"
run "ONNX import vs ONNX Runtime on the Vector128 path" DOTNET_EnableAVX2=0 -- tests/StaticCnn.Tool.Tests --filter "Category=Numeric&FullyQualifiedName~ImportTests"
run "ONNX export, small networks, on the AVX2 path" DOTNET_EnableAVX512=0 -- tests/StaticCnn.Interop.Tests --filter "FullyQualifiedName~Small_network"
run "ONNX export, small networks, on the portable Vector128 path" DOTNET_EnableAVX2=0 -- tests/StaticCnn.Interop.Tests --filter "FullyQualifiedName~Small_network"

if [ -x tools/test_native.sh ]; then
  echo "=== NativeAOT: embedded classifier and C library"
  if tools/test_native.sh 2>&1 | tee "$log"; then :; else status=1; fi
  p=$(grep -c '^native: PASS' "$log" || true); f=$(grep -c '^native: FAIL' "$log" || true)
  grep '^native: FAIL' "$log" | sed 's/^/  /' >> "$failures" || true
  passed=$((passed + p)); failed=$((failed + f))
fi

if [ -x tools/test_package.sh ]; then
  echo "=== NuGet package from a new project: pack, dotnet add package, train, NativeAOT (net10.0)"
  if tools/test_package.sh 2>&1 | tee "$log"; then :; else status=1; fi
  p=$(grep -c '^package: PASS' "$log" || true); f=$(grep -c '^package: FAIL' "$log" || true)
  grep '^package: FAIL' "$log" | sed 's/^/  /' >> "$failures" || true
  passed=$((passed + p)); failed=$((failed + f))
fi

rm -f "$log"
[ "$failed" -gt 0 ] && status=1
if [ -s "$failures" ]; then echo "failed:"; cat "$failures"; fi
rm -f "$failures"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
