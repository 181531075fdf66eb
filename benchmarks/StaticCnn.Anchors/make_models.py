#!/usr/bin/env python3
"""ONNX and TorchScript files for the anchors of the side-by-side table (StaticCnn.Anchors), made with PyTorch 1.13.

    /usr/bin/python3 benchmarks/StaticCnn.Anchors/make_models.py OUT_DIR

Writes, for each model: OUT_DIR/<name>.onnx (opset 17, input "x", output "y"; batch 1, or a dynamic batch for the
zoo networks, which the table runs at batch 1 and 16) and OUT_DIR/<name>.pt (TorchScript, torch.jit.script, not
frozen so that LibTorch can also train it). Models, random weights (seed 0), exported in eval mode (ONNX Runtime
folds each BatchNorm into its convolution):
  lenet5, cifar10net, vgg16      tools/reference_models.py (the PyTorch twins of the StaticCnn networks)
  conv3x3_64@56, conv3x3_128@28, conv3x3_256@14   nn.Conv2d(C, C, 3, padding=1), as benchmarks/pytorch/bench.py
  resnet18, resnet50, mobilenetv2, cifar_resnet18
                                 tools/architecture_params.py (torchvision's layout; the zoo's samples/Architectures)
VGG-16 is about 553 MB per file, so OUT_DIR is a build-output folder, never committed. Files already present are
kept (delete OUT_DIR to remake them).
"""
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from reference_models import LeNet5, Cifar10Net, VGG16  # noqa: E402
import architecture_params as zoo  # noqa: E402


def models():
    """(file name, constructor, input shape without batch, dynamic batch)"""
    yield "lenet5", LeNet5, (1, 28, 28), False
    yield "cifar10net", Cifar10Net, (3, 32, 32), False
    for c, hw in ((64, 56), (128, 28), (256, 14)):
        yield f"conv3x3_{c}@{hw}", (lambda c=c: nn.Conv2d(c, c, 3, padding=1)), (c, hw, hw), False
    yield "vgg16", VGG16, (3, 224, 224), False
    yield "resnet18", zoo.ResNet18, (3, 224, 224), True
    yield "resnet50", zoo.ResNet50, (3, 224, 224), True
    yield "mobilenetv2", zoo.MobileNetV2, (3, 224, 224), True
    yield "cifar_resnet18", zoo.CifarResNet18, (3, 32, 32), True


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "models"
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    for name, make, shape, dynamic in models():
        model = make().eval()
        x = torch.rand(1, *shape)
        onnx_path, pt_path = os.path.join(out, name + ".onnx"), os.path.join(out, name + ".pt")
        if not os.path.exists(onnx_path):
            axes = {"x": {0: "n"}, "y": {0: "n"}} if dynamic else None
            torch.onnx.export(model, x, onnx_path, input_names=["x"], output_names=["y"], opset_version=17,
                              dynamic_axes=axes)
        if not os.path.exists(pt_path):
            torch.jit.script(model).save(pt_path)
        print(f"{name}: {os.path.getsize(onnx_path) / 1e6:.1f} MB onnx, {os.path.getsize(pt_path) / 1e6:.1f} MB TorchScript")


if __name__ == "__main__":
    main()
