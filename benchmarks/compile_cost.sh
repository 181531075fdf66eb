#!/usr/bin/env bash
# Compile cost of a generated network: builds a throw-away project holding only VGG-16 (benchmarks/StaticCnn.Benchmarks/
# Networks/Vgg16.cs) and, for the baseline, one holding only LeNet-5, each with -p:EmitCompilerGeneratedFiles=true.
# After a first build (restore, runtime and generator), the network file is touched and the project rebuilt alone
# (--no-restore --no-dependencies), 3 times; the best wall time is reported, with the generated file's lines and bytes.
#
#   benchmarks/compile_cost.sh [network ...]      # default: Vgg16 LeNet5
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NETS=("$@"); [ ${#NETS[@]} -eq 0 ] && NETS=(Vgg16 LeNet5)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/staticcnn-compile.XXXXXX")"
echo "== $(date -Is)  $(uptime)"
for NET in "${NETS[@]}"; do
  D="$WORK/$NET"; mkdir -p "$D"
  SRC="$ROOT/benchmarks/StaticCnn.Benchmarks/Networks/$NET.cs"
  [ -f "$SRC" ] || SRC="$ROOT/samples/$NET/$NET.cs"          # LeNet-5 lives in its sample (the benchmarks link it)
  cp "$SRC" "$D/"
  cat > "$D/CompileCost.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$ROOT/runtime/StaticCnn/StaticCnn.csproj" />
    <ProjectReference Include="$ROOT/generator/StaticCnn.Generator/StaticCnn.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
  </ItemGroup>
</Project>
XML
  dotnet build -c Release "$D/CompileCost.csproj" -nologo -v q > "$D/first.log" 2>&1 || { cat "$D/first.log"; exit 1; }
  best=""
  for i in 1 2 3; do
    touch "$D/$NET.cs"
    t0=$(date +%s.%N)
    dotnet build -c Release "$D/CompileCost.csproj" --no-restore --no-dependencies -nologo -v q > "$D/build$i.log" 2>&1
    t=$(python3 -c "import sys; print(float(sys.argv[1]) - float(sys.argv[2]))" "$(date +%s.%N)" "$t0")
    best=$(python3 -c "import sys; b, t = sys.argv[1], float(sys.argv[2]); print(t if not b or t < float(b) else b)" "$best" "$t")
  done
  G=$(find "$D/obj" -name "*.$NET.g.cs" | head -1)
  printf '%-8s rebuild (generator + C# compile of the project), best of 3: %6.2f s; generated %s: %d lines, %d bytes\n' \
    "$NET" "$best" "$(basename "$G")" "$(wc -l < "$G")" "$(wc -c < "$G")"
done
echo "== $(date -Is)  $(uptime)"
rm -rf "$WORK"
