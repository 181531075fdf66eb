#!/usr/bin/env bash
# The StaticCnn NuGet package, used from outside the repository as a new project would (README, "Use it in your app").
# test.sh runs this script and counts the lines starting with "package: PASS" / "package: FAIL". Run it alone with:
#   tools/test_package.sh
#
#   1. `dotnet pack StaticCnn.sln` (no build: the Release outputs of runtime/StaticCnn and the generator, built here
#      first) writes the package StaticCnn.<version>.nupkg (and the tool package StaticCnn.Tool) into a local folder feed. The version gets a
#      unique suffix (ci.<time>.<pid>), so a package of an earlier run, still in the NuGet cache, is never used; this
#      run's copy is removed from the cache at the end. The package holds lib/net8.0, lib/net10.0, the generator in
#      analyzers/dotnet/cs, the readme and real metadata. Packing the generator project alone does not fail (NU5017).
#   2. In a temporary folder, with a nuget.config that adds the folder feed to the default sources: `dotnet new
#      console` (net10.0), `dotnet add package StaticCnn`, a small network trained for one epoch on the bundled
#      Fashion-MNIST subset (samples/data/fashion-mnist); test accuracy above a floor; a checkpoint saved and loaded
#      back gives the same accuracy.
#   3. NativeAOT publish of that app for net10.0 with -p:IlcInstructionSet=x86-64-v3: zero AOT/trim warnings; the
#      binary trains and evaluates the same way, reports AVX2 (not AVX-512) and clears the floor.
#   4. The same app for net8.0: without LangVersion 13 the build fails with SCNN0004; with it the build succeeds.
#   5. The app with the generator taken out of its analyzers: the build warns SCNN0500 (the generator is missing)
#      before failing with CS9248.
# Environment: SCNN_PACKAGE_WORK (work directory, default a temp dir), SCNN_PACKAGE_FLOOR (accuracy floor, default 0.70).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work=${SCNN_PACKAGE_WORK:-$(mktemp -d /tmp/scnn-package.XXXXXX)}
mkdir -p "$work"
feed=$work/feed
data=$root/samples/data/fashion-mnist
floor=${SCNN_PACKAGE_FLOOR:-0.70}
suffix="ci.$(date +%s).$$"
t_start=$(date +%s)

failures=0
pass() { echo "package: PASS $*"; }
fail() { echo "package: FAIL $*"; failures=$((failures + 1)); }
finish() {
  # this run's package version is unique: drop it from the NuGet cache so that runs do not accumulate there
  local cache
  cache=$(dotnet nuget locals global-packages --list 2>/dev/null | sed -n 's/^global-packages: *//p')
  [ -n "$version" ] && [ -n "$cache" ] && rm -rf "${cache%/}/staticcnn/$version"
  echo "package: done in $(( $(date +%s) - t_start )) s, $failures failure(s); work files in $work"
  [ "$failures" -eq 0 ]
}
version=""
aot_warnings() { grep -Eo 'warning IL[23][0-9]{3}' "$1" | sort -u | wc -l; }
# accuracy LOG: the value of the "accuracy A" line the app prints
accuracy() { sed -n 's/^accuracy \([0-9.]*\).*/\1/p' "$1" | head -1; }
above() { awk -v a="$1" -v f="$2" 'BEGIN { exit !(a != "" && a + 0 > f + 0) }'; }

# ---- 1. the package ----
echo "--- pack"
if ! dotnet build runtime/StaticCnn -c Release >"$work/build.log" 2>&1; then
  grep -E 'error' "$work/build.log" | head -20; fail "build of runtime/StaticCnn"; finish; exit 1
fi
t0=$(date +%s)
if ! dotnet pack StaticCnn.sln -c Release --no-build --version-suffix "$suffix" -o "$feed" >"$work/pack.log" 2>&1; then
  grep -E 'error|warn' "$work/pack.log" | head -20; fail "dotnet pack StaticCnn.sln"; finish; exit 1
fi
echo "  packed in $(( $(date +%s) - t0 )) s"
mapfile -t nupkgs < <(cd "$feed" && ls -1 ./*.nupkg 2>/dev/null | sort)
# the solution packs two things: the library package StaticCnn (runtime + generator) and the dotnet tool StaticCnn.Tool
if [ "${#nupkgs[@]}" -eq 2 ] && [[ ${nupkgs[0]} == ./StaticCnn.[0-9]*-$suffix.nupkg ]] && [[ ${nupkgs[1]} == ./StaticCnn.Tool.*-$suffix.nupkg ]]; then
  nupkg=$feed/${nupkgs[0]#./}; version=${nupkg##*/StaticCnn.}; version=${version%.nupkg}
  pass "dotnet pack StaticCnn.sln writes the package StaticCnn $version ($(stat -c %s "$nupkg") bytes) and the tool package ${nupkgs[1]#./}"
else
  fail "dotnet pack StaticCnn.sln wrote ${nupkgs[*]:-nothing}, expected StaticCnn.*-$suffix.nupkg and StaticCnn.Tool.*-$suffix.nupkg"; finish; exit 1
fi
toolpkg=$feed/${nupkgs[1]#./}
# the listing is read whole first: `unzip -l | grep -q` under pipefail fails when grep stops reading before unzip ends
toollist=$(unzip -l "$toolpkg")
if grep -q 'tools/net10.0/any/DotnetToolSettings.xml' <<<"$toollist" && grep -q 'tools/net10.0/any/StaticCnn.Tool.dll' <<<"$toollist"; then
  pass "tool package: tools/net10.0/any/StaticCnn.Tool.dll with DotnetToolSettings.xml (dotnet tool install StaticCnn.Tool → staticcnn)"
else
  fail "tool package ${toolpkg##*/} lacks tools/net10.0/any/StaticCnn.Tool.dll or DotnetToolSettings.xml"
fi
unzip -l "$nupkg" | tee "$work/contents.txt" | sed -n '4,$p' | grep -v -- '----' | sed 's/^/  /'
missing=()
for f in lib/net8.0/StaticCnn.dll lib/net10.0/StaticCnn.dll lib/net8.0/StaticCnn.xml lib/net10.0/StaticCnn.xml \
         analyzers/dotnet/cs/StaticCnn.Generator.dll README.md build/StaticCnn.targets buildTransitive/StaticCnn.targets; do
  grep -q " $f\$" "$work/contents.txt" || missing+=("$f")
done
# nothing but the generator among the analyzers, and no Roslyn assembly anywhere (the compiler brings its own)
extra=$(grep -Eo ' analyzers/[^ ]*$' "$work/contents.txt" | grep -v 'analyzers/dotnet/cs/StaticCnn.Generator.dll$' || true)
if [ ${#missing[@]} -eq 0 ] && [ -z "$extra" ]; then pass "package layout: lib/net8.0, lib/net10.0, analyzers/dotnet/cs/StaticCnn.Generator.dll, README.md, build targets"
else fail "package layout: missing ${missing[*]:-nothing}; unexpected ${extra:-nothing}"; fi
unzip -p "$nupkg" StaticCnn.nuspec >"$work/StaticCnn.nuspec"
bad=()
for pattern in '<id>StaticCnn</id>' "<version>$version</version>" '<license type="expression">' '<readme>README.md</readme>' \
               '<repository type="git" url="https://' '<tags>cnn ' '<description>Convolutional networks'; do
  grep -qF "$pattern" "$work/StaticCnn.nuspec" || bad+=("$pattern")
done
grep -q 'Package Description' "$work/StaticCnn.nuspec" && bad+=("the default description")
grep -q '<dependency ' "$work/StaticCnn.nuspec" && bad+=("a package dependency")
if [ ${#bad[@]} -eq 0 ]; then pass "nuspec metadata: id, version, description, licence, readme, tags, repository; no dependencies"
else cat "$work/StaticCnn.nuspec"; fail "nuspec metadata lacks or has: ${bad[*]}"; fi
if dotnet pack generator/StaticCnn.Generator -c Release --no-build -o "$work/generator-pack" >"$work/pack-generator.log" 2>&1 \
   && ! grep -q NU5017 "$work/pack-generator.log"; then
  pass "dotnet pack of the generator project alone succeeds (no NU5017; it is packed inside StaticCnn)"
else
  grep -E 'error|NU5017' "$work/pack-generator.log" | head -5; fail "dotnet pack of the generator project"
fi

# ---- 2. a new console app with the package ----
echo "--- a new console app: dotnet new console, dotnet add package StaticCnn --version $version"
cat >"$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<!-- The local folder feed with this run's package, in addition to the default sources (no <clear/>). -->
<configuration>
  <packageSources>
    <add key="staticcnn-local" value="$feed" />
  </packageSources>
</configuration>
EOF
app=$work/app
rm -rf "$app"
if ! dotnet new console -o "$app" -n PackageApp -f net10.0 >"$work/new.log" 2>&1; then
  cat "$work/new.log"; fail "dotnet new console"; finish; exit 1
fi
if (cd "$app" && dotnet add package StaticCnn --version "$version") >"$work/add.log" 2>&1; then
  pass "dotnet add package StaticCnn --version $version from the local feed"
else
  tail -20 "$work/add.log"; fail "dotnet add package StaticCnn"; finish; exit 1
fi
cat >"$app/Program.cs" <<'EOF'
// A new project using the StaticCnn package: declare a network, train one epoch on Fashion-MNIST, evaluate,
// save and reload a checkpoint. Prints "accuracy A", "reloaded A" and "isa NAME".
using System.Globalization;
using System.Runtime.Intrinsics;
using StaticCnn;
using StaticCnn.Checkpoints;
using StaticCnn.Data;
using StaticCnn.Optimizers;
using StaticCnn.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string dir = args.Length > 0 ? args[0] : ".";
var train = Idx.LoadDataset(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
var test = Idx.LoadDataset(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));

using var net = new TinyNet(maxBatch: 64, seed: 1);
Trainer.Fit(net, train, new TrainingOptions { Epochs = 1, BatchSize = 64, Seed = 1, Optimizer = new Sgd(0.05f, momentum: 0.9f) });
var result = Trainer.Evaluate(net, test, batchSize: 64);
Console.WriteLine($"accuracy {result.Accuracy:F4} ({result.Count} test images, {train.Count} train images, 1 epoch)");

string checkpoint = Path.Combine(Path.GetTempPath(), $"tinynet-{Environment.ProcessId}.safetensors");
Checkpoint.Save(net, checkpoint);
using var reloaded = new TinyNet(maxBatch: 64, seed: 2);
Checkpoint.Load(reloaded, checkpoint);
File.Delete(checkpoint);
Console.WriteLine($"reloaded {Trainer.Evaluate(reloaded, test, batchSize: 64).Accuracy:F4}");
Console.WriteLine($"isa {(Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "Vector128")}");
Console.WriteLine(TinyNet.SummaryText);

[Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
public partial class TinyNet
{
    [Conv2D(8, Kernel = 5, Padding = 2, Activation = Activation.ReLU)] public partial Layer Conv1 { get; }
    [MaxPool2D(2)]                                                  public partial Layer Pool1 { get; }
    [Conv2D(16, Kernel = 5, Activation = Activation.ReLU)]          public partial Layer Conv2 { get; }
    [MaxPool2D(2)]                                                  public partial Layer Pool2 { get; }
    [Dense(10)]                                                     public partial Layer Fc { get; }
}
EOF
# check_run LABEL LOG: accuracy above the floor, and the reloaded checkpoint scores the same
check_run() {
  local a r
  a=$(accuracy "$2"); r=$(sed -n 's/^reloaded \([0-9.]*\).*/\1/p' "$2")
  if above "$a" "$floor"; then pass "$1: test accuracy $a after one epoch > $floor"
  else cat "$2"; fail "$1: test accuracy '${a}' not above $floor"; fi
  if [ -n "$a" ] && [ "$a" = "$r" ]; then pass "$1: checkpoint saved and loaded back scores the same ($r)"
  else fail "$1: reloaded checkpoint scores '$r', trained network '$a'"; fi
}
t0=$(date +%s)
if (cd "$app" && dotnet run -c Release -- "$data") >"$work/jit.txt" 2>&1; then
  echo "  built and ran (JIT) in $(( $(date +%s) - t0 )) s: $(head -3 "$work/jit.txt" | tr '\n' ';')"
  pass "the app builds with the package and runs"
  check_run "JIT" "$work/jit.txt"
else
  grep -E 'error|Exception' "$work/jit.txt" | sort -u | head -20; fail "the app does not build or run (JIT)"
fi

# ---- 3. NativeAOT, net10.0, AVX2 ----
echo "--- NativeAOT publish (net10.0, x86-64-v3)"
t0=$(date +%s)
if (cd "$app" && dotnet publish -c Release -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet=x86-64-v3 -o "$work/aot") >"$work/publish.log" 2>&1; then
  echo "  published in $(( $(date +%s) - t0 )) s; binary $(stat -c %s "$work/aot/PackageApp") bytes"
  w=$(aot_warnings "$work/publish.log")
  if [ "$w" -eq 0 ]; then pass "NativeAOT publish (net10.0, x86-64-v3) with no AOT/trim warnings"
  else grep -E 'warning IL[23]' "$work/publish.log" | sort -u | head -20; fail "NativeAOT publish: $w distinct AOT/trim warnings"; fi
  if "$work/aot/PackageApp" "$data" >"$work/aot.txt" 2>&1; then
    echo "  $(head -3 "$work/aot.txt" | tr '\n' ';')"
    check_run "NativeAOT" "$work/aot.txt"
    if grep -qx 'isa AVX2' "$work/aot.txt"; then pass "the x86-64-v3 binary runs on AVX2"
    else fail "the x86-64-v3 binary reports '$(sed -n 's/^isa //p' "$work/aot.txt")', expected AVX2"; fi
  else
    tail -20 "$work/aot.txt"; fail "the NativeAOT binary failed"
  fi
else
  grep -E 'error' "$work/publish.log" | sort -u | head -20; fail "NativeAOT publish (net10.0, x86-64-v3)"
fi

# ---- 4. net8.0: LangVersion ----
echo "--- the same app on net8.0 (default C# 12, then LangVersion 13)"
app8=$work/app8
rm -rf "$app8"; mkdir -p "$app8"; cp "$app/Program.cs" "$app/PackageApp.csproj" "$app8/"
sed -i 's|<TargetFramework>net10.0</TargetFramework>|<TargetFramework>net8.0</TargetFramework>|' "$app8/PackageApp.csproj"
if (cd "$app8" && dotnet build -c Release) >"$work/net8-lang12.log" 2>&1; then
  fail "net8.0 with C# 12 built; expected error SCNN0004"
elif grep -q 'error SCNN0004' "$work/net8-lang12.log"; then
  pass "net8.0 with its default C# 12: error SCNN0004 ($(grep -m1 -o 'error SCNN0004: [^[]*' "$work/net8-lang12.log" | cut -c1-110)…)"
else
  grep -E 'error' "$work/net8-lang12.log" | sort -u | head -10; fail "net8.0 with C# 12 failed without SCNN0004"
fi
if (cd "$app8" && dotnet build -c Release -p:LangVersion=13) >"$work/net8-lang13.log" 2>&1; then
  pass "net8.0 with LangVersion 13 builds (lib/net8.0)"
else
  grep -E 'error' "$work/net8-lang13.log" | sort -u | head -10; fail "net8.0 with LangVersion 13 does not build"
fi

# ---- 5. the generator missing ----
# (NuGet's ExcludeAssets="analyzers" does not stop the SDK from passing a package's analyzers to the compiler, so the
# generator is taken out of the Analyzer items by a target, as a build that loses it would.)
echo "--- the generator taken out of the app's analyzers"
appx=$work/app-nogenerator
rm -rf "$appx"; mkdir -p "$appx"; cp "$app/Program.cs" "$app/PackageApp.csproj" "$appx/"
cat >"$appx/Directory.Build.targets" <<'EOF'
<Project>
  <Target Name="DropStaticCnnGenerator" AfterTargets="ResolveLockFileAnalyzers">
    <ItemGroup><Analyzer Remove="@(Analyzer)" Condition="'%(Filename)' == 'StaticCnn.Generator'" /></ItemGroup>
  </Target>
</Project>
EOF
if (cd "$appx" && dotnet build -c Release) >"$work/nogenerator.log" 2>&1; then
  fail "the app built without the generator"
elif grep -q 'warning SCNN0500' "$work/nogenerator.log" && grep -q 'error CS9248' "$work/nogenerator.log"; then
  pass "without the generator the build warns SCNN0500 (names the missing generator) before CS9248"
else
  grep -E 'error|warning SCNN' "$work/nogenerator.log" | sort -u | head -10; fail "without the generator: no SCNN0500 warning"
fi

finish
