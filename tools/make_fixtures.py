#!/usr/bin/env python3
"""Makes StaticCnn's PyTorch reference fixtures (safetensors) under tests/Fixtures/.

    /usr/bin/python3 tools/make_fixtures.py [--only layers|networks|training|nonfinite|embedding|conv1d|zoo] [--out tests/Fixtures]

Needs PyTorch 1.13 (CPU) and the bundled Fashion-MNIST subset (tools/make_data_subset.py).
Every case is seeded on its own (torch.manual_seed(crc32(case name))), so adding a case changes no other file.
The schema of every file is documented in tests/Fixtures/README.md.
"""
import argparse
import copy
import json
import os
import sys
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from reference_models import LeNet5, Cifar10Net, MobileNetV2Blocks, load_fashion_mnist, PIXEL_SCALING, REPO  # noqa: E402

MADE_BY = "tools/make_fixtures.py"
torch.set_num_threads(1)  # reductions in one fixed order: the files do not depend on the machine's core count


def seed_of(name):
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF


def base_metadata(name, description, seed):
    return {"made_by": MADE_BY, "torch_version": torch.__version__, "case": name,
            "description": description, "seed": str(seed)}


def dumps(o):
    return json.dumps(o, separators=(",", ":"))


# ----------------------------------------------------------------------------------------------------------------
# Single-layer cases
# ----------------------------------------------------------------------------------------------------------------

ACT_FN = {
    "None": lambda y: y,
    "ReLU": F.relu,
    "LeakyReLU": lambda y: F.leaky_relu(y, 0.01),
    "Sigmoid": torch.sigmoid,
    "Tanh": torch.tanh,
    "ReLU6": F.relu6,
}


def attr_text(kind, positional, options):
    """C# attribute text with only the non-default options, e.g. [Conv2D(8, Kernel = 3, Padding = 1)]."""
    parts = [str(p) for p in positional]
    for k, v in options.items():
        if isinstance(v, bool):
            v = "true" if v else "false"
        elif k == "Activation":
            v = f"Activation.{v}"
        elif k == "PaddingMode":
            v = f"PaddingMode.{v}"
        elif k == "Mode":
            v = f"UpsampleMode.{v}"
        elif isinstance(v, str):
            v = f'nameof({v})'
        elif isinstance(v, float):
            v = f"{v!r}f"
        parts.append(f"{k} = {v}")
    return f"[{kind}({', '.join(parts)})]"


class Case:
    """One single-layer fixture: `module` holds the layer's parameters (saved as layer.<name>), `run(module, inputs)`
    computes the output, `inputs` are the input shapes. `spec` = the attribute's options, `shape` = the kernel
    shape-interface members (KERNELS.md), both written as JSON into the metadata."""

    def __init__(self, name, kind, spec, shape, input_shapes, make_module=None, run=None, attribute=None,
                 description="", init=None, extra=None, training=False, inputs_fn=None):
        self.name, self.kind, self.spec, self.shape = name, kind, spec, shape
        self.input_shapes, self.make_module, self.run = input_shapes, make_module, run
        self.attribute, self.description, self.init, self.extra = attribute, description, init, extra
        self.training = training
        self.inputs_fn = inputs_fn


def forward_backward(module, inputs, run, grad_output=None, make_grad_output=None):
    xs = [x.clone().requires_grad_(True) for x in inputs]
    out = run(module, xs)
    if grad_output is None:
        grad_output = make_grad_output(out)
    out.backward(grad_output)
    return xs, out, grad_output


def run_layer_case(case, out_dir):
    seed = seed_of(case.name)
    torch.manual_seed(seed)
    module = case.make_module() if case.make_module else nn.Module()
    if case.init:
        case.init(module)
    module.train(case.training)
    inputs = case.inputs_fn() if case.inputs_fn else [torch.randn(*s) for s in case.input_shapes]
    extra_tensors = case.extra(module, inputs) if case.extra else {}
    module64 = copy.deepcopy(module).double()
    params_before = {f"layer.{n}": p.detach().clone() for n, p in module.named_parameters()}
    buffers_before = {f"layer.{n}": b.detach().clone() for n, b in module.named_buffers() if b.dtype.is_floating_point}

    xs, out, grad_output = forward_backward(module, inputs, case.run, make_grad_output=lambda o: torch.randn(o.shape))
    # the same computation in float64, to tell the test how far float32 is from exact
    xs64, out64, _ = forward_backward(module64, [x.double() for x in inputs], case.run, grad_output=grad_output.double())

    tensors = {}
    if len(xs) == 1:
        tensors["input"] = inputs[0]
    else:
        for i, x in enumerate(inputs):
            tensors[f"input.{i}"] = x
    tensors.update(params_before)
    tensors.update(buffers_before)
    tensors["output"] = out.detach()
    tensors["grad_output"] = grad_output
    diffs = {"output": (out.double() - out64).abs().max().item()}
    for i, (x, x64) in enumerate(zip(xs, xs64)):
        key = "grad_input" if len(xs) == 1 else f"grad_input.{i}"
        tensors[key] = x.grad
        diffs[key] = (x.grad.double() - x64.grad).abs().max().item()
    p64 = dict(module64.named_parameters())
    for n, p in module.named_parameters():
        tensors[f"grad.layer.{n}"] = p.grad
        diffs[f"grad.layer.{n}"] = (p.grad.double() - p64[n].grad).abs().max().item()
    for k, v in extra_tensors.items():
        tensors[k] = v(module) if callable(v) else v

    md = base_metadata(case.name, case.description, seed)
    md.update({
        "kind": case.kind,
        "spec": dumps({"Kind": case.kind, **case.spec}),
        "shape": dumps(case.shape),
        "attribute": case.attribute or "",
        "input_shape": dumps(list(case.input_shapes[0]) if len(case.input_shapes) == 1 else [list(s) for s in case.input_shapes]),
        "output_shape": dumps(list(out.shape)),
        "training": "true" if case.training else "false",
        "f32_vs_f64_max_abs_diff": dumps({k: float(f"{v:.3g}") for k, v in diffs.items()}),
    })
    path = os.path.join(out_dir, f"{case.name}.safetensors")
    safetensors_io.save(path, tensors, md)
    return path, list(out.shape)


def conv_out(n, k, s, p_total, d):
    return (n + p_total - d * (k - 1) - 1) // s + 1


def conv_case(name, n, c, h, w, filters, kh=3, kw=None, sh=1, sw=None, ph=0, pw=None, dilation=1, groups=1,
              bias=True, act="None", padding_mode="Explicit", description=""):
    kw = kh if kw is None else kw
    sw = sh if sw is None else sw
    pw = ph if pw is None else pw
    if padding_mode == "Same":
        th, tw = dilation * (kh - 1), dilation * (kw - 1)
        pad_arg = "same"
        lo_h, lo_w = th // 2, tw // 2
    elif padding_mode == "Valid":
        th = tw = lo_h = lo_w = 0
        pad_arg = "valid"
    else:
        th, tw, lo_h, lo_w = 2 * ph, 2 * pw, ph, pw
        pad_arg = (ph, pw)
    oh, ow = conv_out(h, kh, sh, th, dilation), conv_out(w, kw, sw, tw, dilation)
    spec = {"Filters": filters, "KernelH": kh, "KernelW": kw, "StrideH": sh, "StrideW": sw,
            "PaddingH": lo_h if padding_mode == "Explicit" else 0, "PaddingW": lo_w if padding_mode == "Explicit" else 0,
            "PaddingMode": padding_mode, "Dilation": dilation, "Groups": groups, "Bias": bias, "Activation": act}
    shape = {"InC": c, "InH": h, "InW": w, "OutC": filters, "OutH": oh, "OutW": ow, "KH": kh, "KW": kw,
             "StrideH": sh, "StrideW": sw, "PadH": lo_h, "PadW": lo_w, "DilationH": dilation, "DilationW": dilation,
             "Groups": groups, "HasBias": bias, "Activation": act}
    opts = {}
    if kh == kw:
        opts["Kernel"] = kh
    else:
        opts["KernelH"], opts["KernelW"] = kh, kw
    if sh == sw and sh != 1:
        opts["Stride"] = sh
    elif sh != sw:
        opts["StrideH"], opts["StrideW"] = sh, sw
    if padding_mode != "Explicit":
        opts["PaddingMode"] = padding_mode
    elif ph == pw and ph != 0:
        opts["Padding"] = ph
    elif ph != pw:
        opts["PaddingH"], opts["PaddingW"] = ph, pw
    if dilation != 1:
        opts["Dilation"] = dilation
    if groups != 1:
        opts["Groups"] = groups
    if not bias:
        opts["Bias"] = False
    if act != "None":
        opts["Activation"] = act
    fn = ACT_FN[act]
    return Case(name, "Conv2D", spec, shape, [(n, c, h, w)],
                make_module=lambda: nn.Conv2d(c, filters, (kh, kw), (sh, sw), pad_arg, dilation, groups, bias),
                run=lambda m, xs: fn(m(xs[0])), attribute=attr_text("Conv2D", [filters], opts),
                description=description or f"nn.Conv2d({c}, {filters}, ({kh},{kw}), stride=({sh},{sw}), padding={pad_arg!r}, "
                                           f"dilation={dilation}, groups={groups}, bias={bias})" + ("" if act == "None" else f" then {act}"))


def convt_case(name, n, c, h, w, filters, kh=2, kw=None, stride=1, padding=0, output_padding=0, dilation=1, groups=1,
               bias=True, act="None"):
    kw = kh if kw is None else kw
    oh = (h - 1) * stride - 2 * padding + dilation * (kh - 1) + output_padding + 1
    ow = (w - 1) * stride - 2 * padding + dilation * (kw - 1) + output_padding + 1
    spec = {"Filters": filters, "KernelH": kh, "KernelW": kw, "Stride": stride, "Padding": padding,
            "OutputPadding": output_padding, "Dilation": dilation, "Groups": groups, "Bias": bias, "Activation": act}
    shape = {"InC": c, "InH": h, "InW": w, "OutC": filters, "OutH": oh, "OutW": ow, "KH": kh, "KW": kw,
             "StrideH": stride, "StrideW": stride, "PadH": padding, "PadW": padding, "DilationH": dilation,
             "DilationW": dilation, "Groups": groups, "HasBias": bias, "Activation": act, "OutputPadding": output_padding}
    opts = {"Kernel": kh} if kh == kw else {"KernelH": kh, "KernelW": kw}
    for k, v, d in [("Stride", stride, 1), ("Padding", padding, 0), ("OutputPadding", output_padding, 0),
                    ("Dilation", dilation, 1), ("Groups", groups, 1), ("Bias", bias, True), ("Activation", act, "None")]:
        if v != d:
            opts[k] = v
    fn = ACT_FN[act]
    return Case(name, "ConvTranspose2D", spec, shape, [(n, c, h, w)],
                make_module=lambda: nn.ConvTranspose2d(c, filters, (kh, kw), stride, padding, output_padding, groups,
                                                       bias, dilation),
                run=lambda m, xs: fn(m(xs[0])), attribute=attr_text("ConvTranspose2D", [filters], opts),
                description=f"nn.ConvTranspose2d({c}, {filters}, ({kh},{kw}), stride={stride}, padding={padding}, "
                            f"output_padding={output_padding}, groups={groups}, bias={bias}, dilation={dilation})" + ("" if act == "None" else f" then {act}"))


def dense_case(name, in_shape, units, bias=True, act="None"):
    n = in_shape[0]
    features = 1
    for d in in_shape[1:]:
        features *= d
    opts = {}
    if not bias:
        opts["Bias"] = False
    if act != "None":
        opts["Activation"] = act
    fn = ACT_FN[act]
    return Case(name, "Dense", {"Units": units, "Bias": bias, "Activation": act},
                {"In": features, "Out": units, "HasBias": bias, "Activation": act}, [in_shape],
                make_module=lambda: nn.Linear(features, units, bias),
                run=lambda m, xs: fn(m(torch.flatten(xs[0], 1))), attribute=attr_text("Dense", [units], opts),
                description=f"nn.Flatten() then nn.Linear({features}, {units}, bias={bias})" + ("" if act == "None" else f" then {act}") + "; "
                            f"input is NCHW {list(in_shape)}, output is [N, {units}]")


def pool_out(n, k, s, p):
    return (n + 2 * p - k) // s + 1


def maxpool_case(name, n, c, h, w, size, stride=0, padding=0):
    s = stride or size
    oh, ow = pool_out(h, size, s, padding), pool_out(w, size, s, padding)
    opts = {}
    if stride:
        opts["Stride"] = stride
    if padding:
        opts["Padding"] = padding

    def extra(m, inputs):
        _, idx = F.max_pool2d(inputs[0], size, s, padding, return_indices=True)
        return {"indices": idx}

    return Case(name, "MaxPool2D", {"Size": size, "Stride": stride, "Padding": padding},
                {"C": c, "InH": h, "InW": w, "OutH": oh, "OutW": ow, "KH": size, "KW": size, "StrideH": s,
                 "StrideW": s, "PadH": padding, "PadW": padding}, [(n, c, h, w)],
                run=lambda m, xs: F.max_pool2d(xs[0], size, s, padding), extra=extra,
                attribute=attr_text("MaxPool2D", [size], opts),
                description=f"nn.MaxPool2d({size}, stride={s}, padding={padding}); 'indices' (I64) = "
                            f"return_indices=True, h*InW+w inside each channel plane")


def avgpool_case(name, n, c, h, w, size, stride=0, padding=0):
    s = stride or size
    oh, ow = pool_out(h, size, s, padding), pool_out(w, size, s, padding)
    opts = {}
    if stride:
        opts["Stride"] = stride
    if padding:
        opts["Padding"] = padding
    return Case(name, "AvgPool2D", {"Size": size, "Stride": stride, "Padding": padding},
                {"C": c, "InH": h, "InW": w, "OutH": oh, "OutW": ow, "KH": size, "KW": size, "StrideH": s,
                 "StrideW": s, "PadH": padding, "PadW": padding}, [(n, c, h, w)],
                run=lambda m, xs: F.avg_pool2d(xs[0], size, s, padding, ceil_mode=False, count_include_pad=True),
                attribute=attr_text("AvgPool2D", [size], opts),
                description=f"nn.AvgPool2d({size}, stride={s}, padding={padding}, count_include_pad=True)")


def act_case(name, kind, n, c, h, w, slope=None):
    spec, opts = {}, {}
    if kind == "LeakyReLU":
        spec["Slope"] = slope
        if slope != 0.01:
            opts["Slope"] = slope
        run = lambda m, xs: F.leaky_relu(xs[0], slope)  # noqa: E731
        torch_text = f"nn.LeakyReLU({slope})"
    elif kind == "Softmax":
        run = lambda m, xs: F.softmax(xs[0], dim=1)  # noqa: E731
        torch_text = "nn.Softmax(dim=1)"
    else:
        f = {"ReLU": F.relu, "Sigmoid": torch.sigmoid, "Tanh": torch.tanh, "ReLU6": F.relu6, "Hardswish": F.hardswish,
             "SiLU": F.silu}[kind]
        run = lambda m, xs: f(xs[0])  # noqa: E731
        torch_text = f"nn.{kind}()"
    shape = {"C": c, "H": h, "W": w}
    if kind == "Softmax":
        shape = {"Channels": c, "Spatial": h * w}
    return Case(name, kind, spec, shape, [(n, c, h, w)], run=run, attribute=attr_text(kind, [], opts),
                description=torch_text)


def bn_case(name, n, c, h, w, training, eps=1e-5, momentum=0.1):
    def init(m):
        with torch.no_grad():
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)

    def extra(m, inputs):
        x = inputs[0].double()
        mean = x.mean(dim=(0, 2, 3))
        var = x.var(dim=(0, 2, 3), unbiased=False)
        e = {"running_mean_after": lambda mod: mod.running_mean.detach().clone(),
             "running_var_after": lambda mod: mod.running_var.detach().clone()}
        if training:
            e["save_mean"] = mean.float()
            e["save_invstd"] = (1.0 / torch.sqrt(var + eps)).float()
        return e

    opts = {}
    if eps != 1e-5:
        opts["Epsilon"] = eps
    if momentum != 0.1:
        opts["Momentum"] = momentum
    mode = "training mode (batch statistics; running stats updated)" if training else "eval mode (running statistics)"
    return Case(name, "BatchNorm2D", {"Epsilon": eps, "Momentum": momentum},
                {"C": c, "H": h, "W": w, "Epsilon": eps, "Momentum": momentum}, [(n, c, h, w)],
                make_module=lambda: nn.BatchNorm2d(c, eps=eps, momentum=momentum), init=init,
                run=lambda m, xs: m(xs[0]), extra=extra, training=training,
                attribute=attr_text("BatchNorm2D", [], opts),
                description=f"nn.BatchNorm2d({c}, eps={eps}, momentum={momentum}) in {mode}; gamma/beta/running stats "
                            f"randomized before the step")


def unpool_case(name, n, c, h, w, size, stride=0, padding=0):
    s = stride or size
    oh, ow = pool_out(h, size, s, padding), pool_out(w, size, s, padding)
    state = {}

    def inputs_fn():
        # the pool's input is drawn first; the unpool's input (the tensor "input") is the pool's output values
        x = torch.randn(n, c, h, w)
        pooled, idx = F.max_pool2d(x, size, s, padding, return_indices=True)
        state["pool_input"], state["indices"] = x, idx
        return [pooled]

    def run(m, xs):
        return F.max_unpool2d(xs[0], state["indices"], size, s, padding, output_size=(h, w))

    pool_opts = {k: v for k, v in (("Stride", stride), ("Padding", padding)) if v}
    return Case(name, "MaxUnpool2D", {"Pool": {"Size": size, "Stride": stride, "Padding": padding}},
                {"C": c, "InH": oh, "InW": ow, "OutH": h, "OutW": w}, [(n, c, oh, ow)], run=run,
                inputs_fn=inputs_fn,
                extra=lambda m, inputs: {"pool_input": state["pool_input"], "indices": state["indices"]},
                attribute=f"{attr_text('MaxPool2D', [size], pool_opts)} Pool; [MaxUnpool2D(nameof(Pool))]",
                description=f"pool = nn.MaxPool2d({size}, stride={s}, padding={padding}, return_indices=True) applied to "
                            f"'pool_input' gives 'input' (values) and 'indices' (I64); output = nn.MaxUnpool2d("
                            f"{size}, stride={s}, padding={padding})(input, indices, output_size=({h},{w})). With "
                            f"overlapping windows several outputs may share an index; they then carry the same value.")


def upsample_case(name, n, c, h, w, scale, mode):
    torch_mode = {"Nearest": "nearest", "Bilinear": "bilinear"}[mode]
    kwargs = {"align_corners": False} if mode == "Bilinear" else {}
    opts = {"Mode": mode} if mode != "Nearest" else {}
    return Case(name, "Upsample", {"Scale": scale, "Mode": mode},
                {"C": c, "InH": h, "InW": w, "Scale": scale, "Mode": mode}, [(n, c, h, w)],
                run=lambda m, xs: F.interpolate(xs[0], scale_factor=scale, mode=torch_mode, **kwargs),
                attribute=attr_text("Upsample", [scale], opts),
                description=f"nn.Upsample(scale_factor={scale}, mode='{torch_mode}'"
                            + (", align_corners=False)" if mode == "Bilinear" else ")"))


def crop_case(name, n, c, h, w, out_h, out_w, top=None, left=None):
    center = top is None
    if center:
        top = int(round((h - out_h) / 2.0))   # torchvision center_crop (Python round: half to even)
        left = int(round((w - out_w) / 2.0))
        kind, spec, opts = "CenterCrop", {"Height": out_h, "Width": out_w}, {"Height": out_h, "Width": out_w}
        desc = (f"torchvision.transforms.functional.center_crop to {out_h}x{out_w}: top = int(round(({h}-{out_h})/2.0)) "
                f"= {top}, left = int(round(({w}-{out_w})/2.0)) = {left}")
    else:
        kind = "Crop"
        spec = opts = {"Top": top, "Left": left, "Height": out_h, "Width": out_w}
        desc = f"x[:, :, {top}:{top + out_h}, {left}:{left + out_w}]"
    return Case(name, kind, spec, {"C": c, "InH": h, "InW": w, "OutH": out_h, "OutW": out_w, "Top": top, "Left": left},
                [(n, c, h, w)], run=lambda m, xs: xs[0][:, :, top:top + out_h, left:left + out_w],
                attribute=attr_text(kind, [], opts), description=desc)


def concat_case(name, n, channels, h, w):
    offsets = [sum(channels[:i]) for i in range(len(channels))]
    return Case(name, "Concat", {"Inputs": len(channels)},
                {"InChannels": channels, "ChannelOffsets": offsets, "OutChannels": sum(channels), "Spatial": h * w},
                [(n, ch, h, w) for ch in channels], run=lambda m, xs: torch.cat(xs, dim=1),
                attribute="[Concat(" + ", ".join(f"nameof(In{i})" for i in range(len(channels))) + ")]",
                description=f"torch.cat([input.0 .. input.{len(channels) - 1}], dim=1)")


def add_case(name, n, count, c, h, w, act="None"):
    fn = ACT_FN[act]

    def run(m, xs):
        y = xs[0]
        for x in xs[1:]:
            y = y + x
        return fn(y)

    opts = {"Activation": act} if act != "None" else {}
    text = "[Add(" + ", ".join(f"nameof(In{i})" for i in range(count)) + (f", Activation = Activation.{act}" if opts else "") + ")]"
    return Case(name, "Add", {"Inputs": count, "Activation": act}, {"C": c, "H": h, "W": w, "Activation": act},
                [(n, c, h, w)] * count, run=run, attribute=text,
                description=f"input.0 + ... + input.{count - 1}" + ("" if act == "None" else f", then {act}"))


def layer_cases():
    cs = []
    # Conv2D
    cs.append(conv_case("conv_basic", 2, 3, 7, 7, 4, kh=3))
    cs.append(conv_case("conv_pad1", 2, 3, 6, 6, 5, kh=3, ph=1))
    cs.append(conv_case("conv_stride2", 2, 3, 9, 9, 4, kh=3, sh=2, ph=1))
    cs.append(conv_case("conv_stride_hw", 2, 2, 8, 9, 3, kh=3, sh=2, sw=1, ph=1))
    cs.append(conv_case("conv_pad_hw", 2, 2, 6, 7, 3, kh=3, ph=2, pw=0))
    cs.append(conv_case("conv_dilation2", 2, 3, 9, 9, 4, kh=3, ph=2, dilation=2))
    cs.append(conv_case("conv_groups2", 2, 4, 6, 6, 6, kh=3, ph=1, groups=2))
    cs.append(conv_case("conv_depthwise", 2, 4, 7, 7, 4, kh=3, ph=1, groups=4))
    cs.append(conv_case("conv_depthwise_mult2", 2, 3, 6, 6, 6, kh=3, ph=1, groups=3))
    # MobileNet-like depthwise layers (the depthwise forward kernel, and its backward)
    cs.append(conv_case("conv_dw_mobilenet_s1", 2, 32, 14, 14, 32, kh=3, ph=1, groups=32, bias=False, act="ReLU6",
                        description="MobileNetV2 depthwise: nn.Conv2d(32, 32, 3, padding=1, groups=32, bias=False) then ReLU6"))
    cs.append(conv_case("conv_dw_mobilenet_s2", 2, 32, 14, 14, 32, kh=3, sh=2, ph=1, groups=32, bias=False, act="ReLU6",
                        description="MobileNetV2 depthwise, stride 2: nn.Conv2d(32, 32, 3, stride=2, padding=1, groups=32, bias=False) then ReLU6"))
    cs.append(conv_case("conv_dw_5x5_s2", 2, 24, 15, 15, 24, kh=5, sh=2, ph=2, groups=24, act="ReLU"))
    cs.append(conv_case("conv_dw_mult2_s2", 1, 8, 9, 9, 16, kh=3, sh=2, ph=1, groups=8))
    cs.append(conv_case("conv_nobias", 2, 3, 6, 6, 4, kh=3, ph=1, bias=False))
    cs.append(conv_case("conv_1x1", 3, 5, 4, 4, 7, kh=1))
    cs.append(conv_case("conv_1x1_stride2", 2, 4, 7, 7, 6, kh=1, sh=2))
    cs.append(conv_case("conv_rect_3x5", 2, 2, 7, 8, 3, kh=3, kw=5, ph=1, pw=2))
    cs.append(conv_case("conv_rect_1x3", 2, 3, 5, 6, 4, kh=1, kw=3, ph=0, pw=1))
    cs.append(conv_case("conv_5x5_pad2", 2, 1, 8, 8, 6, kh=5, ph=2))
    cs.append(conv_case("conv_relu", 2, 3, 6, 6, 4, kh=3, ph=1, act="ReLU"))
    cs.append(conv_case("conv_leakyrelu", 2, 3, 6, 6, 4, kh=3, ph=1, act="LeakyReLU"))
    cs.append(conv_case("conv_sigmoid", 2, 3, 6, 6, 4, kh=3, ph=1, act="Sigmoid"))
    cs.append(conv_case("conv_tanh", 2, 3, 6, 6, 4, kh=3, ph=1, act="Tanh"))
    cs.append(conv_case("conv_relu6", 2, 3, 6, 6, 4, kh=3, ph=1, act="ReLU6"))
    cs.append(conv_case("conv_same_k4", 2, 2, 7, 7, 3, kh=4, padding_mode="Same"))
    cs.append(conv_case("conv_same_k2x4", 2, 2, 6, 7, 3, kh=2, kw=4, padding_mode="Same"))
    cs.append(conv_case("conv_same_k3_d2", 2, 2, 7, 7, 3, kh=3, dilation=2, padding_mode="Same"))
    cs.append(conv_case("conv_valid", 2, 2, 6, 6, 3, kh=3, padding_mode="Valid"))
    cs.append(conv_case("conv_wide", 2, 16, 12, 12, 32, kh=3, ph=1, act="ReLU",
                        description="nn.Conv2d(16, 32, 3, padding=1) then ReLU: enough channels and pixels for full SIMD tiles"))
    cs.append(conv_case("conv_winograd", 1, 32, 16, 16, 48, kh=3, ph=1,
                        description="nn.Conv2d(32, 48, 3, padding=1): Winograd F(2x2,3x3) at standard precision, "
                                    "F(4x4,3x3) in a Precision.Relaxed network (RelaxedPrecisionParityTests)"))
    # Dense
    cs.append(dense_case("dense_bias", (3, 20), 7))
    cs.append(dense_case("dense_nobias", (3, 20), 7, bias=False))
    cs.append(dense_case("dense_relu", (3, 33), 17, act="ReLU"))
    cs.append(dense_case("dense_tanh", (2, 16), 5, act="Tanh"))
    cs.append(dense_case("dense_relu6", (2, 16), 5, act="ReLU6"))
    cs.append(dense_case("dense_flatten", (2, 3, 4, 4), 10))
    # Pools
    cs.append(maxpool_case("maxpool_2", 2, 3, 6, 6, 2))
    cs.append(maxpool_case("maxpool_2_odd", 2, 3, 7, 7, 2))
    cs.append(maxpool_case("maxpool_3_s2", 2, 3, 9, 9, 3, stride=2))
    cs.append(maxpool_case("maxpool_3_s2_p1", 2, 3, 8, 8, 3, stride=2, padding=1))
    cs.append(maxpool_case("maxpool_3_s1_p1", 2, 2, 5, 5, 3, stride=1, padding=1))
    cs.append(avgpool_case("avgpool_2", 2, 3, 6, 6, 2))
    cs.append(avgpool_case("avgpool_3_s2_p1", 2, 3, 8, 8, 3, stride=2, padding=1))
    cs.append(avgpool_case("avgpool_3_s1_p1", 2, 2, 5, 5, 3, stride=1, padding=1))
    cs.append(Case("globalavgpool", "GlobalAvgPool", {}, {"C": 4, "H": 5, "W": 6}, [(2, 4, 5, 6)],
                   run=lambda m, xs: F.adaptive_avg_pool2d(xs[0], 1), attribute="[GlobalAvgPool]",
                   description="nn.AdaptiveAvgPool2d(1); output [N, C, 1, 1]"))
    # Activations as layers
    cs.append(act_case("relu", "ReLU", 2, 3, 4, 5))
    cs.append(act_case("leakyrelu", "LeakyReLU", 2, 3, 4, 5, slope=0.01))
    cs.append(act_case("leakyrelu_0p2", "LeakyReLU", 2, 3, 4, 5, slope=0.2))
    cs.append(act_case("sigmoid", "Sigmoid", 2, 3, 4, 5))
    cs.append(act_case("tanh", "Tanh", 2, 3, 4, 5))
    # ReLU6, Hardswish, SiLU: inputs scaled by 4 so that both kinks of ReLU6 (0, 6) and Hardswish (-3, 3) are crossed
    for nm, kind in (("relu6", "ReLU6"), ("hardswish", "Hardswish"), ("silu", "SiLU")):
        case = act_case(nm, kind, 2, 3, 4, 5)
        case.inputs_fn = (lambda: [torch.randn(2, 3, 4, 5) * 4])
        cs.append(case)
    cs.append(act_case("softmax", "Softmax", 2, 5, 3, 3))
    cs.append(act_case("softmax_flat", "Softmax", 3, 10, 1, 1))
    # BatchNorm
    cs.append(bn_case("batchnorm_train", 3, 4, 5, 5, training=True))
    cs.append(bn_case("batchnorm_train_eps_momentum", 2, 3, 4, 4, training=True, eps=1e-3, momentum=0.3))
    cs.append(bn_case("batchnorm_eval", 3, 4, 5, 5, training=False))
    # ConvTranspose2D
    cs.append(convt_case("convt_k2_s2", 2, 4, 4, 4, 3, kh=2, stride=2))
    cs.append(convt_case("convt_k3_s1", 2, 3, 5, 5, 4, kh=3))
    cs.append(convt_case("convt_k3_s2_p1_op1", 2, 3, 4, 4, 4, kh=3, stride=2, padding=1, output_padding=1))
    cs.append(convt_case("convt_k4_s2_p1", 2, 3, 4, 4, 2, kh=4, stride=2, padding=1))
    cs.append(convt_case("convt_groups2", 2, 4, 4, 4, 6, kh=3, stride=2, groups=2))
    cs.append(convt_case("convt_dilation2", 2, 3, 4, 4, 2, kh=3, dilation=2, padding=1))
    cs.append(convt_case("convt_nobias", 2, 3, 4, 4, 2, kh=3, stride=2, bias=False))
    cs.append(convt_case("convt_rect_2x3", 2, 3, 4, 5, 2, kh=2, kw=3, stride=2))
    cs.append(convt_case("convt_relu", 2, 3, 4, 4, 4, kh=2, stride=2, act="ReLU"))
    # MaxUnpool2D
    cs.append(unpool_case("maxunpool_2", 2, 3, 6, 6, 2))
    cs.append(unpool_case("maxunpool_3_s2", 2, 2, 7, 7, 3, stride=2))
    # Upsample
    cs.append(upsample_case("upsample_nearest_2", 2, 3, 4, 5, 2, "Nearest"))
    cs.append(upsample_case("upsample_nearest_3", 2, 2, 3, 3, 3, "Nearest"))
    cs.append(upsample_case("upsample_bilinear_2", 2, 3, 4, 5, 2, "Bilinear"))
    cs.append(upsample_case("upsample_bilinear_3", 2, 2, 3, 4, 3, "Bilinear"))
    # Crops
    cs.append(crop_case("centercrop_8to4", 2, 3, 8, 8, 4, 4))
    cs.append(crop_case("centercrop_9x8to6x3", 2, 2, 9, 8, 6, 3))
    cs.append(crop_case("crop_offset", 2, 3, 7, 8, 4, 3, top=2, left=1))
    # Graph ops
    cs.append(concat_case("concat_2", 2, [3, 5], 4, 4))
    cs.append(concat_case("concat_3", 2, [2, 1, 4], 3, 5))
    cs.append(add_case("add_2", 2, 2, 3, 4, 4))
    cs.append(add_case("add_3_relu", 2, 3, 3, 4, 4, act="ReLU"))
    return cs


def make_layers(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    results = []
    for case in layer_cases():
        path, out_shape = run_layer_case(case, out_dir)
        results.append((case, path, out_shape))
        print(f"  {os.path.relpath(path, REPO)}  {case.kind}  out {out_shape}  {os.path.getsize(path)} B")
    write_case_index(results, os.path.join(out_dir, "CASES.md"))
    return results


def write_case_index(results, path):
    lines = ["# Single-layer fixture cases", "",
             "Generated by `tools/make_fixtures.py` (do not edit). Schema: `../README.md`.", "",
             "| file | kind | StaticCnn attribute | input → output | PyTorch | extra tensors |",
             "|---|---|---|---|---|---|"]
    std = {"input", "output", "grad_output", "grad_input"}
    for case, p, out_shape in results:
        tensors, md = safetensors_io.load(p)
        extra = [k for k in tensors if k not in std and not k.startswith(("input.", "grad_input.", "layer.", "grad.layer."))]
        params = [k for k in tensors if k.startswith("layer.")]
        ins = md["input_shape"].replace(",", "×").replace("]×[", "], [")
        lines.append(f"| `{os.path.basename(p)}` | {case.kind} | `{case.attribute}` | {ins} → "
                     f"{json.dumps(out_shape).replace(', ', '×')} | {case.description.replace('|', '/')} | "
                     f"{', '.join(f'`{k}`' for k in params + extra)} |")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


# ----------------------------------------------------------------------------------------------------------------
# Whole networks
# ----------------------------------------------------------------------------------------------------------------

def make_networks(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    train_x, train_y = load_fashion_mnist("train")
    for name, cls in (("lenet5", LeNet5), ("cifar10net", Cifar10Net)):
        seed = seed_of(name)
        torch.manual_seed(seed)
        model = cls()  # PyTorch default init
        if name == "lenet5":
            x, y = train_x[:4].clone(), train_y[:4].clone()
            data_text = f"the first 4 images of the bundled Fashion-MNIST training subset, {PIXEL_SCALING}"
        else:
            x = torch.rand(4, 3, 32, 32)
            y = torch.randint(0, 10, (4,))
            data_text = "torch.rand(4, 3, 32, 32) (uniform [0,1)), labels torch.randint(0, 10, (4,))"
        weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
        xg = x.clone().requires_grad_(True)
        logits = model(xg)
        loss = F.cross_entropy(logits, y)  # mean over the batch
        loss.backward()
        tensors = {"input": x, "labels": y}
        tensors.update(weights)
        tensors["logits"] = logits.detach()
        tensors["loss"] = loss.detach().reshape(1)
        tensors["grad_input"] = xg.grad
        for k, p in model.named_parameters():
            tensors[f"grad.{k}"] = p.grad
        md = base_metadata(name, f"{cls.__name__}: weights by PyTorch default init after torch.manual_seed({seed}); "
                                 f"input: {data_text}; loss = F.cross_entropy(logits, labels) (mean); grads of the loss",
                           seed)
        md.update({"network": cls.__name__, "parameters": dumps(list(weights.keys())),
                   "input_shape": dumps(list(x.shape)), "loss": repr(loss.item()),
                   "architecture": (cls.__doc__ or "").strip()})
        path = os.path.join(out_dir, f"{name}.safetensors")
        safetensors_io.save(path, tensors, md)
        print(f"  {os.path.relpath(path, REPO)}  loss {loss.item():.6f}  {os.path.getsize(path)} B")


# ----------------------------------------------------------------------------------------------------------------
# Model-zoo building blocks (zoo/): MobileNetV2's inverted residual blocks
# ----------------------------------------------------------------------------------------------------------------

def make_zoo(out_dir):
    """zoo/mobilenetv2_blocks.safetensors: MobileNetV2Blocks (reference_models.py) in eval mode on random running
    statistics (logits_eval), then in train mode (logits, loss, every parameter gradient, grad_input). The BatchNorm
    affine parameters are drawn so that some ReLU6 inputs pass 6 (the clip is exercised, not only the zero side)."""
    os.makedirs(out_dir, exist_ok=True)
    name = "mobilenetv2_blocks"
    seed = seed_of(name)
    torch.manual_seed(seed)
    model = MobileNetV2Blocks()  # PyTorch default init, then the BatchNorm tensors below
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(1.0, 4.0)
                m.bias.uniform_(-0.5, 2.0)
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
    x = torch.rand(4, 3, 12, 12) * 2 - 1
    y = torch.randint(0, 5, (4,))
    weights = {k: v.detach().clone() for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}

    def run(m, dtype):
        m = copy.deepcopy(m).to(dtype)
        m.eval()
        with torch.no_grad():
            logits_eval = m(x.to(dtype))
        m.train()
        clipped = []
        hooks = [r.register_forward_pre_hook(lambda mod, i: clipped.append((i[0] > 6).float().mean().item()))
                 for r in m.modules() if isinstance(r, nn.ReLU6)]   # before the in-place ReLU6
        xg = x.to(dtype).clone().requires_grad_(True)
        logits = m(xg)
        for h in hooks:
            h.remove()
        loss = F.cross_entropy(logits, y)
        loss.backward()
        out = {"logits_eval": logits_eval, "logits": logits.detach(), "loss": loss.detach().reshape(1), "grad_input": xg.grad}
        for k, p in m.named_parameters():
            out[f"grad.{k}"] = p.grad
        for k, b in m.named_buffers():
            if not k.endswith("num_batches_tracked"):
                out[f"after.{k}"] = b.detach().clone()   # running statistics after the train-mode forward
        return out, clipped

    r32, clipped = run(model, torch.float32)
    r64, _ = run(model, torch.float64)
    diff = {k: (r32[k].double() - r64[k]).abs().max().item() for k in r32}
    # relative to the tensor's scale; a gradient that is 0 in exact arithmetic (a BatchNorm bias whose output reaches the
    # loss only through a train-mode BatchNorm, which removes per-channel constants) holds only rounding noise: left out
    rel = {k: diff[k] / r64[k].abs().max().item() for k in r32 if r64[k].abs().max().item() > 1e-6}
    tensors = {"input": x, "labels": y}
    tensors.update(weights)
    tensors.update(r32)
    md = base_metadata(name, f"MobileNetV2Blocks: PyTorch default init after torch.manual_seed({seed}), BatchNorm weight "
                             "U(1, 4), bias U(-0.5, 2), running_mean U(-0.2, 0.2), running_var U(0.5, 1.5); input "
                             "torch.rand(4, 3, 12, 12) * 2 - 1, labels torch.randint(0, 5, (4,)); logits_eval in eval mode "
                             "(running statistics) first, then logits, loss = F.cross_entropy (mean), grads and the updated running "
                             "statistics (after.<buffer>, momentum 0.1) in train mode",
                       seed)
    md.update({"network": "MobileNetV2Blocks", "parameters": dumps(list(weights.keys())), "input_shape": dumps(list(x.shape)),
               "loss": repr(r32["loss"].item()), "architecture": (MobileNetV2Blocks.__doc__ or "").strip(),
               "f32_vs_f64_max_abs_diff": dumps(diff), "relu6_clipped_fraction": dumps(clipped)})
    path = os.path.join(out_dir, f"{name}.safetensors")
    safetensors_io.save(path, tensors, md)
    print(f"  {os.path.relpath(path, REPO)}  loss {r32['loss'].item():.6f}  {os.path.getsize(path)} B; "
          f"max f32-vs-f64 / max|f64| {max(rel.values()):.2e} ({max(rel, key=rel.get)}); "
          f"rounding only (max|f64| <= 1e-6): {', '.join(k for k in r32 if k not in rel) or 'none'}; "
          f"ReLU6 inputs > 6 (train): {', '.join(f'{c:.3f}' for c in clipped)}")


# ----------------------------------------------------------------------------------------------------------------
# Training runs
# ----------------------------------------------------------------------------------------------------------------

STEPS, BATCH = 20, 8


def make_optimizer(kind, params):
    if kind == "sgd":
        return torch.optim.SGD(params, lr=0.05, momentum=0.9, dampening=0, nesterov=False, weight_decay=5e-4), \
            {"optimizer": "SGD", "lr": 0.05, "momentum": 0.9, "dampening": 0.0, "nesterov": False, "weight_decay": 5e-4}
    opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, amsgrad=False)
    return opt, {"optimizer": "AdamW", "lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.01,
                 "amsgrad": False}


def make_training(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    train_x, train_y = load_fashion_mnist("train")
    xs = train_x[:STEPS * BATCH].reshape(STEPS, BATCH, 1, 28, 28).clone()
    ys = train_y[:STEPS * BATCH].reshape(STEPS, BATCH).clone()
    for kind in ("sgd", "adamw"):
        name = f"lenet5_{kind}"
        seed = seed_of("lenet5_training")  # both optimizers start from the same weights
        torch.manual_seed(seed)
        model = LeNet5()
        init = {k: v.detach().clone() for k, v in model.state_dict().items()}
        opt, hyper = make_optimizer(kind, model.parameters())
        losses, after1 = [], None
        for step in range(STEPS):
            opt.zero_grad(set_to_none=False)
            loss = F.cross_entropy(model(xs[step]), ys[step])
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if step == 0:
                after1 = {k: v.detach().clone() for k, v in model.state_dict().items()}
        tensors = {"inputs": xs, "labels": ys, "losses": torch.tensor(losses, dtype=torch.float32)}
        for k, v in init.items():
            tensors[f"init.{k}"] = v
        for k, v in after1.items():
            tensors[f"step1.{k}"] = v
        for k, v in model.state_dict().items():
            tensors[f"final.{k}"] = v.detach().clone()
        md = base_metadata(name, f"LeNet5 trained {STEPS} steps with {hyper['optimizer']} on batches of {BATCH}; "
                                 f"loss = F.cross_entropy (mean); 'losses'[i] is the loss computed in step i before "
                                 f"that step's update", seed)
        md.update({"network": "LeNet5", "hyperparameters": dumps(hyper), "steps": str(STEPS), "batch": str(BATCH),
                   "data": f"batch i = images 8i..8i+7 of the bundled Fashion-MNIST training subset, in file order "
                           f"(no shuffling); pixels {PIXEL_SCALING}",
                   "weights_init": f"PyTorch default init of LeNet5() after torch.manual_seed({seed})",
                   "parameters": dumps(list(init.keys())),
                   "losses": dumps(losses)})
        path = os.path.join(out_dir, f"{name}.safetensors")
        safetensors_io.save(path, tensors, md)
        print(f"  {os.path.relpath(path, REPO)}  losses {losses[0]:.4f} -> {losses[-1]:.4f}  {os.path.getsize(path)} B")
    make_trained(out_dir)


def make_trained(out_dir):
    train_x, train_y = load_fashion_mnist("train")
    test_x, test_y = load_fashion_mnist("test")
    seed = seed_of("lenet5_trained_1epoch")
    torch.manual_seed(seed)
    model = LeNet5()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    batch = 64
    model.train()
    last = 0.0
    for i in range(0, len(train_x), batch):
        opt.zero_grad()
        loss = F.cross_entropy(model(train_x[i:i + batch]), train_y[i:i + batch])
        loss.backward()
        opt.step()
        last = loss.item()
    model.eval()
    with torch.no_grad():
        logits_all = torch.cat([model(test_x[i:i + 500]) for i in range(0, len(test_x), 500)])
    acc = (logits_all.argmax(1) == test_y).float().mean().item()
    correct = int((logits_all.argmax(1) == test_y).sum().item())
    common = {"network": "LeNet5",
              "training": dumps({"optimizer": "Adam", "lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8,
                                 "weight_decay": 0.0, "batch": batch, "epochs": 1,
                                 "order": "file order, no shuffling; last batch has 10000 % 64 = 16 images",
                                 "loss": "F.cross_entropy mean", "init": f"PyTorch default, torch.manual_seed({seed})"}),
              "data": f"bundled Fashion-MNIST subset samples/data/fashion-mnist, pixels {PIXEL_SCALING}",
              "test_accuracy": repr(acc), "test_correct": str(correct), "test_count": str(len(test_x)),
              "final_train_batch_loss": repr(last)}
    md = base_metadata("lenet5_trained_1epoch", "LeNet5 state_dict after one epoch of Adam on the bundled training "
                                                "subset (10,000 images)", seed)
    md.update(common)
    path = os.path.join(out_dir, "lenet5_trained_1epoch.safetensors")
    safetensors_io.save(path, {k: v.detach().clone() for k, v in model.state_dict().items()}, md)
    print(f"  {os.path.relpath(path, REPO)}  test accuracy {acc:.4f} ({correct}/{len(test_x)})  {os.path.getsize(path)} B")
    md2 = base_metadata("lenet5_trained_1epoch_predictions", "the first 32 images of the bundled test subset, their "
                                                             "labels and the logits of lenet5_trained_1epoch (eval mode)",
                        seed)
    md2.update(common)
    path2 = os.path.join(out_dir, "lenet5_trained_1epoch_predictions.safetensors")
    safetensors_io.save(path2, {"input": test_x[:32].clone(), "labels": test_y[:32].clone(),
                                "logits": logits_all[:32].clone(), "predictions": logits_all[:32].argmax(1)}, md2)
    print(f"  {os.path.relpath(path2, REPO)}  {os.path.getsize(path2)} B")


# ----------------------------------------------------------------------------------------------------------------
# Non-finite values: how NaN and ±Inf travel through every kernel (PyTorch's behaviour is the specification)
# ----------------------------------------------------------------------------------------------------------------

NAN, INF = float("nan"), float("inf")

# name: (Cin, Cout, k, stride, pad, H, W); each shape selects another Conv2D forward algorithm on AVX2/AVX-512
# (column-pair Winograd, direct, channel-wise, GEMM, wide implicit GEMM, Winograd F(2x2,3x3)); tests/StaticCnn.Tests/
# Kernels/NonFiniteTests.cs asserts which one.
NONFINITE_CONVS = {
    "rows23": (1, 6, 5, 1, 2, 16, 16),
    "direct": (3, 4, 3, 1, 1, 8, 8),
    "chanwise": (4, 8, 3, 1, 1, 6, 6),
    "gemm": (3, 8, 3, 2, 1, 9, 9),
    "wide": (4, 40, 3, 1, 1, 8, 8),
    "winograd": (40, 40, 3, 1, 1, 8, 8),
}


def make_nonfinite(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    name = "nan_propagation"
    seed = seed_of(name)
    torch.manual_seed(seed)
    t = {}

    # Element-wise activations on 37 values (vector bodies and tails at every width), specials in both.
    x = torch.randn(37) * 2
    for i, v in ((0, NAN), (3, INF), (5, -INF), (8, -0.0), (17, NAN), (20, INF), (33, NAN), (35, INF), (36, -INF)):
        x[i] = v
    gy = torch.randn(37)
    t["act.x"], t["act.grad_output"] = x, gy
    for act, fn in (("relu", F.relu), ("leaky_relu", lambda v: F.leaky_relu(v, 0.01)), ("sigmoid", torch.sigmoid),
                    ("tanh", torch.tanh)):
        xg = x.clone().requires_grad_(True)
        y = fn(xg)
        y.backward(gy)
        t[f"{act}.y"], t[f"{act}.grad_input"] = y.detach(), xg.grad
    # PyTorch 1.13's hardtanh_backward and hardswish_backward differ between the vectorized body and the scalar tail (the
    # last < 16 elements) at NaN and at x = 3; padded to 64 elements, all 37 run in the vectorized body.
    for act, fn in (("relu6", F.relu6), ("hardswish", F.hardswish), ("silu", F.silu)):
        xg = torch.cat([x, torch.zeros(27)]).requires_grad_(True)
        y = fn(xg)
        y.backward(torch.cat([gy, torch.zeros(27)]))
        t[f"{act}.y"], t[f"{act}.grad_input"] = y.detach()[:37].clone(), xg.grad[:37].clone()

    # Softmax over 10 classes: finite, one NaN, +Inf, -Inf, two +Inf, all -Inf; and over channels of 5x3x3 maps.
    sm = torch.randn(6, 10)
    sm[1, 4] = NAN
    sm[2, 7] = INF
    sm[3, 2] = -INF
    sm[4, 0], sm[4, 9] = INF, INF
    sm[5, :] = -INF
    t["softmax.x"], t["softmax.y"] = sm, torch.softmax(sm, 1)
    sp = torch.randn(2, 5, 3, 3)
    sp[0, 1, 0, 0], sp[0, 3, 1, 2], sp[1, 0, 2, 2], sp[1, 4, 2, 2] = NAN, INF, -INF, NAN
    t["softmax_spatial.x"], t["softmax_spatial.y"] = sp, torch.softmax(sp, 1)

    # Pools on 3x8x36 (output rows 18 wide: vector bodies and tails): NaN, two NaN in one window, ±Inf, a -Inf window.
    px = torch.randn(1, 3, 8, 36)
    for (c, h, w, v) in ((0, 0, 0, NAN), (0, 2, 5, NAN), (0, 3, 5, NAN), (0, 4, 33, INF), (0, 5, 34, -INF),
                         (1, 1, 17, NAN), (1, 6, 35, NAN), (2, 0, 3, INF), (2, 7, 20, -INF), (2, 3, 30, NAN)):
        px[0, c, h, w] = v
    px[0, 1, 4:6, 10:12] = -INF
    pg = {}
    t["pool.x"] = px
    for pname, k, s, p in (("maxpool2", 2, 2, 0), ("maxpool3", 3, 2, 1)):
        xg = px.clone().requires_grad_(True)
        y, idx = F.max_pool2d(xg, k, s, p, return_indices=True)
        g = torch.randn(y.shape)
        y.backward(g)
        t[f"{pname}.y"], t[f"{pname}.indices"], t[f"{pname}.grad_output"], t[f"{pname}.grad_input"] = \
            y.detach(), idx, g, xg.grad
    for pname, k, s, p in (("avgpool2", 2, 2, 0), ("avgpool3", 3, 1, 1)):
        t[f"{pname}.y"] = F.avg_pool2d(px, k, s, p, ceil_mode=False, count_include_pad=True)

    # Conv2D + ReLU: a NaN input (forward and backward) and a ±Inf input (forward; pre-activation kept too).
    for cname, (cin, cout, k, stride, pad, h, w) in NONFINITE_CONVS.items():
        conv = nn.Conv2d(cin, cout, k, stride=stride, padding=pad)
        p = f"conv.{cname}."
        t[p + "weight"], t[p + "bias"] = conv.weight.detach().clone(), conv.bias.detach().clone()
        xn = torch.randn(1, cin, h, w)
        xn[0, 0, 3, 5] = NAN
        xn[0, cin - 1, h - 2, w - 1] = NAN
        xi = torch.randn(1, cin, h, w)
        xi[0, 0, 1, 2] = INF
        xi[0, cin - 1, h - 3, w - 2] = -INF
        t[p + "x_nan"], t[p + "x_inf"] = xn, xi
        xg = xn.clone().requires_grad_(True)
        conv.zero_grad()
        pre = conv(xg)
        y = F.relu(pre)
        dy = torch.randn(y.shape)
        y.backward(dy)
        t[p + "pre_nan"], t[p + "y_nan"], t[p + "grad_output"] = pre.detach(), y.detach(), dy
        t[p + "grad_input_nan"], t[p + "grad_weight_nan"], t[p + "grad_bias_nan"] = \
            xg.grad, conv.weight.grad.clone(), conv.bias.grad.clone()
        with torch.no_grad():
            pre = conv(xi)
            t[p + "pre_inf"], t[p + "y_inf"] = pre, F.relu(pre)
            if stride == 1 and pre.shape[2] % 2 == 0 and pre.shape[3] % 2 == 0:
                t[p + "pooled_nan"] = F.max_pool2d(t[p + "y_nan"], 2)
                t[p + "pooled_inf"] = F.max_pool2d(t[p + "y_inf"], 2)

    md = base_metadata(name, "PyTorch's outputs for inputs holding NaN, +Inf and -Inf: relu, leaky_relu(0.01), sigmoid, "
                             "tanh, relu6, hardswish, silu (values and input gradients), softmax(dim=1), max_pool2d (values, indices, input "
                             "gradients), avg_pool2d (count_include_pad=True), nn.Conv2d (default init) + relu for "
                             "six shapes (forward, and backward for the NaN input), max_pool2d(2) of those", seed)
    md["convs"] = dumps({k: list(v) for k, v in NONFINITE_CONVS.items()})
    path = os.path.join(out_dir, f"{name}.safetensors")
    safetensors_io.save(path, t, md)
    print(f"  {os.path.relpath(path, REPO)}  {os.path.getsize(path)} B")

    # LeNet-5 logits for a batch of two bundled training images, the first with one NaN pixel.
    name = "lenet5_nan"
    seed = seed_of(name)
    torch.manual_seed(seed)
    model = LeNet5().eval()
    train_x, _ = load_fashion_mnist("train")
    x = train_x[:2].clone()
    x[0, 0, 14, 14] = NAN
    with torch.no_grad():
        logits = model(x)
    weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
    tensors = {"input": x}
    tensors.update(weights)
    tensors["logits"] = logits
    md = base_metadata(name, f"LeNet5 (PyTorch default init after torch.manual_seed({seed})) on the first 2 images of the "
                             f"bundled Fashion-MNIST training subset ({PIXEL_SCALING}), pixel (14, 14) of the first "
                             "set to NaN: its logits are NaN, the second sample's are finite", seed)
    md.update({"network": "LeNet5", "parameters": dumps(list(weights.keys())), "input_shape": dumps(list(x.shape))})
    path = os.path.join(out_dir, f"{name}.safetensors")
    safetensors_io.save(path, tensors, md)
    print(f"  {os.path.relpath(path, REPO)}  logits[0] {logits[0, :3].tolist()}  logits[1] {logits[1, :3].tolist()}")



# ----------------------------------------------------------------------------------------------------------------
# Embedding kernels (--only embedding): L2Normalize, PairwiseDistance, CosineSimilarity; single-layer file format
# ----------------------------------------------------------------------------------------------------------------

def l2norm_case(name, shape, scale_rows=None, eps=1e-12):
    c = shape[1]
    h = shape[2] if len(shape) > 2 else 1
    w = shape[3] if len(shape) > 3 else 1
    if len(shape) == 3:
        h, w = 1, shape[2]

    def inputs_fn():
        x = torch.randn(*shape)
        for r, f in (scale_rows or {}).items():
            x[r] = x[r] * f
        return [x]

    return Case(name, "L2Normalize", {"Epsilon": eps}, {"C": c, "H": h, "W": w, "Epsilon": eps}, [shape],
                run=lambda m, xs: F.normalize(xs[0], p=2.0, dim=1, eps=eps), inputs_fn=inputs_fn,
                description=f"F.normalize(x, p=2, dim=1, eps={eps}) on {list(shape)}"
                            + (f"; rows {sorted((scale_rows or {}).keys())} scaled by {list((scale_rows or {}).values())} "
                               "(0 and below-eps rows: the clamped branch)" if scale_rows else ""))


def pair_case(name, kind, n, d, setup=None):
    def inputs_fn():
        a, b = torch.randn(n, d), torch.randn(n, d)
        if setup:
            setup(a, b)
        return [a, b]

    if kind == "PairwiseDistance":
        eps = 1e-6
        run = lambda m, xs: F.pairwise_distance(xs[0], xs[1], p=2.0, eps=eps, keepdim=False)  # noqa: E731
        text = f"F.pairwise_distance(x1, x2, p=2, eps={eps}, keepdim=False)"
    else:
        eps = 1e-8
        run = lambda m, xs: F.cosine_similarity(xs[0], xs[1], dim=1, eps=eps)  # noqa: E731
        text = f"F.cosine_similarity(x1, x2, dim=1, eps={eps})"
    return Case(name, kind, {"Epsilon": eps}, {"D": d, "Epsilon": eps}, [(n, d), (n, d)], run=run, inputs_fn=inputs_fn,
                description=f"{text} on two [{n}, {d}] tensors")


def embedding_cases():
    def pd_specials(a, b):
        b[1] = a[1]                     # equal rows: distance eps*sqrt(D)
        b[2] = a[2] + 1e-3              # near rows

    def cos_specials(a, b):
        a[1] = 0.0                      # zero row: n1 = eps
        b[2] = b[2] * 1e-10             # norm below eps: n2 = eps
        a[3], b[3] = a[3] * 1e-10, b[3] * 1e-10     # both clamped
        b[4] = a[4] * 3.0               # parallel
        b[5] = -a[5]                    # anti-parallel

    return [
        l2norm_case("l2norm_vec", (6, 37), {3: 0.0, 4: 1e-14}),
        l2norm_case("l2norm_vec_128", (4, 128)),
        l2norm_case("l2norm_seq", (2, 5, 19)),
        l2norm_case("l2norm_map", (2, 4, 3, 5)),
        pair_case("pairwise_37", "PairwiseDistance", 6, 37, pd_specials),
        pair_case("pairwise_128", "PairwiseDistance", 4, 128),
        pair_case("cosine_37", "CosineSimilarity", 7, 37, cos_specials),
        pair_case("cosine_128", "CosineSimilarity", 4, 128),
    ]


# ----------------------------------------------------------------------------------------------------------------
# 1-D layers on the 2-D kernels (--only conv1d): a (C, L) sequence is C x 1 x L
# ----------------------------------------------------------------------------------------------------------------

def conv1d_case(name, n, c, length, filters, k, stride=1, padding=0, dilation=1, groups=1, bias=True):
    ol = conv_out(length, k, stride, 2 * padding, dilation)
    shape = {"InC": c, "InH": 1, "InW": length, "OutC": filters, "OutH": 1, "OutW": ol, "KH": 1, "KW": k,
             "StrideH": 1, "StrideW": stride, "PadH": 0, "PadW": padding, "DilationH": 1, "DilationW": dilation,
             "Groups": groups, "HasBias": bias, "Activation": "None"}
    spec = {"Filters": filters, "Kernel": k, "Stride": stride, "Padding": padding, "Dilation": dilation,
            "Groups": groups, "Bias": bias}
    return Case(name, "Conv1D", spec, shape, [(n, c, length)],
                make_module=lambda: nn.Conv1d(c, filters, k, stride, padding, dilation, groups, bias),
                run=lambda m, xs: m(xs[0]),
                description=f"nn.Conv1d({c}, {filters}, {k}, stride={stride}, padding={padding}, dilation={dilation}, "
                            f"groups={groups}, bias={bias}) on [{n}, {c}, {length}]")


def pool1d_case(name, kind, n, c, length, k, stride=None, padding=0):
    s = stride or k
    ol = pool_out(length, k, s, padding)
    shape = {"C": c, "InH": 1, "InW": length, "OutH": 1, "OutW": ol, "KH": 1, "KW": k, "StrideH": 1, "StrideW": s,
             "PadH": 0, "PadW": padding}
    if kind == "MaxPool1D":
        def extra(m, inputs):
            _, idx = F.max_pool1d(inputs[0], k, s, padding, return_indices=True)
            return {"indices": idx}
        run = lambda m, xs: F.max_pool1d(xs[0], k, s, padding)  # noqa: E731
        text = f"nn.MaxPool1d({k}, stride={s}, padding={padding}); 'indices' (I64) = return_indices=True"
    else:
        extra = None
        run = lambda m, xs: F.avg_pool1d(xs[0], k, s, padding)  # noqa: E731
        text = f"nn.AvgPool1d({k}, stride={s}, padding={padding}) (count_include_pad=True, the default)"
    return Case(name, kind, {"Size": k, "Stride": s, "Padding": padding}, shape, [(n, c, length)], run=run,
                extra=extra, description=f"{text} on [{n}, {c}, {length}]")


def bn1d_case(name, in_shape, training, eps=1e-5, momentum=0.1):
    c = in_shape[1]
    length = in_shape[2] if len(in_shape) == 3 else 1
    dims = (0, 2) if len(in_shape) == 3 else (0,)

    def init(m):
        with torch.no_grad():
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)

    def extra(m, inputs):
        x = inputs[0].double()
        e = {"running_mean_after": lambda mod: mod.running_mean.detach().clone(),
             "running_var_after": lambda mod: mod.running_var.detach().clone()}
        if training:
            e["save_mean"] = x.mean(dim=dims).float()
            e["save_invstd"] = (1.0 / torch.sqrt(x.var(dim=dims, unbiased=False) + eps)).float()
        return e

    mode = "training mode (batch statistics; running stats updated)" if training else "eval mode (running statistics)"
    return Case(name, "BatchNorm1D", {"Epsilon": eps, "Momentum": momentum},
                {"C": c, "H": 1, "W": length, "Epsilon": eps, "Momentum": momentum}, [tuple(in_shape)],
                make_module=lambda: nn.BatchNorm1d(c, eps=eps, momentum=momentum), init=init,
                run=lambda m, xs: m(xs[0]), extra=extra, training=training,
                description=f"nn.BatchNorm1d({c}, eps={eps}, momentum={momentum}) on {list(in_shape)} in {mode}; "
                            f"gamma/beta/running stats randomized before the step")


def conv1d_cases():
    cs = [
        conv1d_case("conv1d_basic", 2, 3, 12, 8, 3, padding=1),                 # 8 channels on 12 steps: channel-wise
        conv1d_case("conv1d_cw16", 2, 4, 10, 16, 3, padding=1),                 # 16 channels, even 10 wide: column pairs (AVX-512)
        conv1d_case("conv1d_k5_cw16", 2, 3, 14, 16, 5),                         # 5 taps, 10 wide, 16 channels
        conv1d_case("conv1d_tdnn", 2, 8, 200, 16, 5),                           # time-delay: 8 channels x 200 steps
        conv1d_case("conv1d_tdnn_pad", 3, 8, 200, 8, 3, padding=1),
        conv1d_case("conv1d_tdnn_dil", 2, 8, 200, 16, 3, dilation=2, padding=2),
        conv1d_case("conv1d_wide", 2, 8, 50, 40, 3, padding=1),                 # > 32 output channels: implicit GEMM
        conv1d_case("conv1d_wide_64", 2, 64, 30, 64, 3, padding=1),
        conv1d_case("conv1d_stride2", 2, 4, 21, 6, 3, stride=2, padding=1),     # stride: im2col GEMM
        conv1d_case("conv1d_stride3_dil2", 2, 5, 40, 12, 4, stride=3, padding=2, dilation=2),
        conv1d_case("conv1d_dilation2", 2, 4, 30, 6, 3, padding=2, dilation=2),
        conv1d_case("conv1d_groups2", 2, 6, 25, 8, 3, padding=1, groups=2),
        conv1d_case("conv1d_depthwise", 2, 8, 33, 8, 5, padding=2, groups=8),
        conv1d_case("conv1d_depthwise_x2", 2, 4, 20, 8, 3, groups=4),
        conv1d_case("conv1d_nobias", 2, 5, 24, 7, 3, padding=1, bias=False),
        conv1d_case("conv1d_k1", 3, 6, 17, 10, 1),
        conv1d_case("conv1d_bigpad", 2, 3, 9, 5, 3, padding=3),                 # padding > K-1
        conv1d_case("conv1d_tdnn_nobias_s2", 2, 8, 200, 24, 5, stride=2, bias=False),
        pool1d_case("maxpool1d_2", "MaxPool1D", 2, 3, 17, 2),
        pool1d_case("maxpool1d_3_s2_p1", "MaxPool1D", 2, 4, 20, 3, 2, 1),
        pool1d_case("maxpool1d_5_s1_p2", "MaxPool1D", 2, 3, 40, 5, 1, 2),
        pool1d_case("avgpool1d_2", "AvgPool1D", 2, 3, 17, 2),
        pool1d_case("avgpool1d_3_s2_p1", "AvgPool1D", 2, 4, 20, 3, 2, 1),
        pool1d_case("avgpool1d_4_s1_p2", "AvgPool1D", 2, 3, 40, 4, 1, 2),
        Case("adaptiveavgpool1d", "GlobalAvgPool1D", {}, {"C": 6, "H": 1, "W": 37}, [(3, 6, 37)],
             run=lambda m, xs: F.adaptive_avg_pool1d(xs[0], 1),
             description="nn.AdaptiveAvgPool1d(1) on [3, 6, 37] (output [3, 6, 1])"),
        bn1d_case("batchnorm1d_seq_train", (4, 6, 50), True),
        bn1d_case("batchnorm1d_seq_train_eps_momentum", (3, 5, 21), True, eps=1e-3, momentum=0.3),
        bn1d_case("batchnorm1d_seq_eval", (4, 6, 50), False),
        bn1d_case("batchnorm1d_vec_train", (8, 40), True),
        bn1d_case("batchnorm1d_vec_eval", (8, 40), False),
    ]
    return cs


def make_cases(out_dir, cases):
    os.makedirs(out_dir, exist_ok=True)
    for case in cases:
        path, out_shape = run_layer_case(case, out_dir)
        print(f"  {os.path.relpath(path, REPO)}  {case.kind}  out {out_shape}  {os.path.getsize(path)} B")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "Fixtures"))
    ap.add_argument("--only", choices=["layers", "networks", "training", "nonfinite", "embedding", "conv1d", "zoo"], action="append")
    args = ap.parse_args(argv)
    parts = args.only or ["layers", "networks", "training", "nonfinite", "embedding", "conv1d", "zoo"]
    if "layers" in parts:
        print("layers:")
        make_layers(os.path.join(args.out, "layers"))
    if "networks" in parts:
        print("networks:")
        make_networks(os.path.join(args.out, "networks"))
    if "training" in parts:
        print("training:")
        make_training(os.path.join(args.out, "training"))
    if "nonfinite" in parts:
        print("nonfinite:")
        make_nonfinite(os.path.join(args.out, "nonfinite"))
    if "embedding" in parts:
        print("embedding:")
        make_cases(os.path.join(args.out, "embedding"), embedding_cases())
    if "conv1d" in parts:
        print("conv1d:")
        make_cases(os.path.join(args.out, "conv1d"), conv1d_cases())
    if "zoo" in parts:
        print("zoo:")
        make_zoo(os.path.join(args.out, "zoo"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
