#!/usr/bin/env python3
"""Exports the ONNX files that tests/StaticCnn.Tool.Tests imports with `staticcnn import`:

    tests/Fixtures/onnx/lenet5.onnx     LeNet-5 (1x28x28 -> 10)
    tests/Fixtures/onnx/resnet18.onnx   ResNet-18 as torchvision's (BasicBlock, BatchNorm, downsample), width 16, 3x32x32 -> 10
    tests/Fixtures/onnx/unet.onnx       a small U-Net (padded 3x3 convolutions, ConvTranspose and bilinear up-sampling,
                                        skip concatenations), 1x64x64 -> 2x64x64
    tests/Fixtures/onnx/ops.onnx        the remaining patterns (see Ops), 3x8x8 -> 7
    tests/Fixtures/onnx/unsupported_op.onnx    a Conv followed by Erf (no StaticCnn layer)
    tests/Fixtures/onnx/unsupported_attr.onnx  a MaxPool with ceil_mode=1 (StaticCnn pools floor)

Run with PyTorch 1.13 (`apt-get install -y python3-torch`):  /usr/bin/python3 tools/make_onnx_fixtures.py

Weights are random but fixed (seed 0); BatchNorm running statistics are randomised so that they matter. Each model is
exported in eval mode with training=TrainingMode.PRESERVE and do_constant_folding=False, so that BatchNormalization stays a
node (not folded into the convolution) and every initializer keeps its state_dict name (layer1.0.bn1.running_mean).
The batch dimension is the only dynamic axis. The tests compare the imported network with ONNX Runtime on these files.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "Fixtures", "onnx")


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ResNet18(nn.Module):
    """torchvision.models.resnet18's structure and state_dict names, with base width `w` instead of 64."""

    def __init__(self, w=16, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, w, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(w)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        chans = [w, 2 * w, 4 * w, 8 * w]
        cin = w
        for i, c in enumerate(chans):
            stride = 1 if i == 0 else 2
            setattr(self, f"layer{i + 1}", nn.Sequential(BasicBlock(cin, c, stride), BasicBlock(c, c, 1)))
            cin = c
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8 * w, classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def double_conv(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.ReLU(inplace=True))


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1 = double_conv(1, 8)
        self.enc2 = double_conv(8, 16)
        self.enc3 = double_conv(16, 32)
        self.up2 = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.dec2 = double_conv(32, 16)
        self.up1 = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.dec1 = double_conv(24, 8)
        self.out = nn.Conv2d(8, 2, 1)

    def forward(self, x):
        e1 = self.enc1(x)                      # 8x64x64
        e2 = self.enc2(F.max_pool2d(e1, 2))    # 16x32x32
        e3 = self.enc3(F.max_pool2d(e2, 2))    # 32x16x16
        d2 = self.dec2(torch.cat([e2, self.up2(e3)], 1))  # 16x32x32
        d1 = self.dec1(torch.cat([e1, self.up1(d2)], 1))  # (8+16)x64x64 -> 8x64x64
        return self.out(d1)


class Ops(nn.Module):
    """The remaining patterns: the input used twice, Sigmoid fused, LeakyReLU(0.2), padded AvgPool, nearest Upsample,
    a Reshape to a constant (-1, n), a hand-written x @ W + b (MatMul + Add, parameters without a module prefix),
    LeakyReLU(0.01) fused into it, Softmax over the features."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)
        self.conv2 = nn.Conv2d(3, 4, (3, 1), stride=(2, 1), padding=(1, 0))
        self.w = nn.Parameter(torch.randn(4 * 8 * 16, 7) * 0.05)
        self.b = nn.Parameter(torch.randn(7) * 0.1)

    def forward(self, x):
        y = torch.sigmoid(self.conv(x)) + x                      # Conv+Sigmoid, Add with the input
        y = F.leaky_relu(y, 0.2)
        y = F.avg_pool2d(y, 3, stride=1, padding=1)               # count_include_pad=True
        y = F.interpolate(y, scale_factor=2, mode="nearest")      # 3x16x16
        y = self.conv2(y)                                         # 4x8x16 (rectangular kernel and stride)
        y = y.view(-1, 4 * 8 * 16)
        y = F.leaky_relu(y @ self.w + self.b)
        return F.softmax(y, dim=1)


class Unsupported(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)

    def forward(self, x):
        return torch.erf(self.conv(x))


class CeilPool(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)

    def forward(self, x):
        return F.max_pool2d(self.conv(x), 2, ceil_mode=True)


def randomize_bn(model, gen):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.weight.data = torch.rand(m.num_features, generator=gen) + 0.5
            m.bias.data = torch.randn(m.num_features, generator=gen) * 0.1
            m.running_mean = torch.randn(m.num_features, generator=gen) * 0.1
            m.running_var = torch.rand(m.num_features, generator=gen) + 0.5


def export(model, shape, name):
    gen = torch.Generator().manual_seed(0)
    randomize_bn(model, gen)
    model.eval()
    x = torch.randn(2, *shape, generator=gen)
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(model, x, path, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13,
                      do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    print(f"{path}: {os.path.getsize(path):,} bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    export(LeNet5(), (1, 28, 28), "lenet5")
    export(ResNet18(16), (3, 32, 32), "resnet18")
    export(UNet(), (1, 64, 64), "unet")
    export(Ops(), (3, 8, 8), "ops")
    export(Unsupported(), (1, 8, 8), "unsupported_op")
    export(CeilPool(), (1, 9, 9), "unsupported_attr")


if __name__ == "__main__":
    main()
