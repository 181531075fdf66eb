#!/usr/bin/env python3
"""Writes LayerCases.<Kind>.cs: one single-layer network per single-input case of tests/Fixtures/layers, declared
with the case's `attribute` metadata (made by tools/make_fixtures.py) plus Name = "layer", so that the network's
tensors are named like the fixture's (layer.weight, layer.bias, …). Run from the repository root:
    python3 tests/StaticCnn.Tests/Networks/make_layer_cases.py
One file per kernel file, so that each can land when its kernel does."""
import glob, json, os, re, struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Fixtures", "layers")
OUT = os.path.dirname(os.path.abspath(__file__))
FILE_OF = {"ReLU": "Activations", "LeakyReLU": "Activations", "Sigmoid": "Activations", "Tanh": "Activations",
           "ReLU6": "Activations", "Hardswish": "Activations", "SiLU": "Activations",
           "CenterCrop": "Crop", "Crop": "Crop"}


def meta(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    return json.loads(b[8:8 + n])["__metadata__"]


def with_name(attr, name):
    """[Conv2D(4, Kernel = 3)] -> [Conv2D(4, Kernel = 3, Name = "layer")]; [GlobalAvgPool] -> [GlobalAvgPool(Name = …)]."""
    m = re.fullmatch(r"\[(\w+)(?:\((.*)\))?\]", attr.strip())
    kind, args = m.group(1), m.group(2)
    args = (args + ", " if args else "") + f'Name = "{name}"'
    return f"[{kind}({args})]"


def class_name(case):
    return "Case_" + case


groups = {}
for path in sorted(glob.glob(os.path.join(ROOT, "*.safetensors"))):
    m = meta(path)
    kind, case = m["kind"], m["case"]
    if kind in ("Add", "Concat"):
        continue  # several inputs: tested at the kernel level (MultiInputKernelParityTests)
    shape = json.loads(m["input_shape"])
    attr = m["attribute"]
    lines = [f"/// <summary>tests/Fixtures/layers/{case}.safetensors: <c>{attr.replace('<', '&lt;')}</c>, input {'×'.join(map(str, shape))}.</summary>"]
    if kind == "MaxUnpool2D":
        # "[MaxPool2D(2)] Pool; [MaxUnpool2D(nameof(Pool))]": the network input is the fixture's pool_input.
        pool, unpool = [s.strip() for s in attr.split(";")]
        pool = pool[: pool.rindex("]") + 1]
        c, h, w = json.loads(m["shape"])["C"], json.loads(m["shape"])["OutH"], json.loads(m["shape"])["OutW"]
        lines.append(f"[Network(InputChannels = {c}, InputHeight = {h}, InputWidth = {w})]")
        lines.append(f"public partial class {class_name(case)}")
        lines.append("{")
        lines.append(f"    {with_name(pool, 'pool')} public partial Layer Pool {{ get; }}")
        lines.append(f"    {with_name(unpool, 'layer')} public partial Layer Layer {{ get; }}")
        lines.append("}")
    else:
        c, h, w = (shape[1:] + [1, 1])[:3]
        lines.append(f"[Network(InputChannels = {c}, InputHeight = {h}, InputWidth = {w})]")
        lines.append(f"public partial class {class_name(case)}")
        lines.append("{")
        lines.append(f"    {with_name(attr, 'layer')} public partial Layer Layer {{ get; }}")
        lines.append("}")
    groups.setdefault(FILE_OF.get(kind, kind), []).append("\n".join(lines))

for name, decls in groups.items():
    with open(os.path.join(OUT, f"LayerCases.{name}.cs"), "w", encoding="utf-8", newline="\n") as f:
        f.write("// Written by tests/StaticCnn.Tests/Networks/make_layer_cases.py from the metadata of the fixtures made by\n")
        f.write("// tools/make_fixtures.py. Do not edit; re-run the script.\n")
        f.write("#pragma warning disable SCNN0300 // the fixtures include strides that leave trailing pixels, as PyTorch allows\n")
        f.write("using StaticCnn;\n\nnamespace StaticCnn.Tests.Networks.LayerCases;\n\n")
        f.write("\n\n".join(decls) + "\n")
    print(f"LayerCases.{name}.cs: {len(decls)} networks")
