"""PyTorch reference definitions shared by make_fixtures.py, check_checkpoint.py and benchmarks/pytorch/bench.py.

Module names are StaticCnn's layer names in snake_case, so `state_dict()` keys equal StaticCnn's parameter names.
MobileNetV2 (torchvision layout, 3x224x224, 1000 classes) and CifarResNet18 (3x32x32, 10 classes) are defined once, in
architecture_params.py (the model zoo's twins, samples/Architectures), and re-exported here.
"""
import gzip
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DATA_DIR = os.path.join(REPO, "samples", "data", "fashion-mnist")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from architecture_params import CifarResNet18, ConvBNReLU6, InvertedResidual, MobileNetV2  # noqa: E402,F401  (re-exported: the zoo's twins)


class LeNet5(nn.Module):
    """StaticCnn LeNet5: Conv1 6@5x5 p2 ReLU, Pool1 max2, Conv2 16@5x5 ReLU, Pool2 max2, Fc1 120 ReLU, Fc2 84 ReLU, Fc3 10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.pool2 = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class Cifar10Net(nn.Module):
    """StaticCnn Cifar10Net (3x32x32): Conv1 10@3x3p1, Conv2 10@3x3p1, Pool1, Conv3 5@3x3p1, Conv4 20@3x3p1, Pool2,
    Conv5 10@3x3p1, Conv6 20@5x5p2, Pool3 (all convs ReLU, pools max 2), Fc 320 -> 10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 10, 3, padding=1)
        self.conv2 = nn.Conv2d(10, 10, 3, padding=1)
        self.pool1 = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(10, 5, 3, padding=1)
        self.conv4 = nn.Conv2d(5, 20, 3, padding=1)
        self.pool2 = nn.MaxPool2d(2)
        self.conv5 = nn.Conv2d(20, 10, 3, padding=1)
        self.conv6 = nn.Conv2d(10, 20, 5, padding=2)
        self.pool3 = nn.MaxPool2d(2)
        self.fc = nn.Linear(320, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = self.pool1(F.relu(self.conv2(x)))
        x = F.relu(self.conv3(x))
        x = self.pool2(F.relu(self.conv4(x)))
        x = F.relu(self.conv5(x))
        x = self.pool3(F.relu(self.conv6(x)))
        return self.fc(torch.flatten(x, 1))


VGG16_CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]


class VGG16(nn.Module):
    """VGG-16 (configuration D, no batch norm) for 3x224x224 input, built by hand (no torchvision download)."""

    def __init__(self, num_classes=1000):
        super().__init__()
        layers, c = [], 3
        for v in VGG16_CFG:
            if v == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU(inplace=True)]
                c = v
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(inplace=True), nn.Dropout(),
            nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(),
            nn.Linear(4096, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class MobileNetV2Blocks(nn.Module):
    """MobileNetV2's building blocks at test size (tests/StaticCnn.Tests/Architectures/MobileNetV2Blocks.cs), with
    torchvision's modules (architecture_params.ConvBNReLU6, InvertedResidual), 3x12x12 input: stem = 3x3 conv 3->8 +
    BN + ReLU6; blocks.0 = InvertedResidual(8 -> 8, expand 1, stride 1, + input); blocks.1 = (8 -> 16, expand 6,
    stride 2); blocks.2 = (16 -> 16, expand 6, stride 1, + input); global average pool; fc = Linear(16, 5)."""

    def __init__(self, num_classes=5):
        super().__init__()
        self.stem = ConvBNReLU6(3, 8)
        self.blocks = nn.Sequential(InvertedResidual(8, 8, 1, 1), InvertedResidual(8, 16, 2, 6), InvertedResidual(16, 16, 1, 6))
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


NETWORKS = {"lenet5": LeNet5, "cifar10net": Cifar10Net}
INPUT_SHAPES = {"lenet5": (1, 28, 28), "cifar10net": (3, 32, 32)}


def read_idx_gz(path):
    """Reads a gzip'd unsigned-byte IDX file into a numpy uint8 array."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = struct.unpack(">I", raw[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


PIXEL_SCALING = "x = float32(byte) / 255f (one float32 division, no mean/std normalization), NCHW with C = 1"


def load_fashion_mnist(split, data_dir=DATA_DIR):
    """Returns (images float32 [N,1,28,28] scaled to [0,1] as byte/255, labels int64 [N]) of the bundled subset."""
    prefix = "train" if split == "train" else "t10k"
    images = read_idx_gz(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx_gz(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32)).div_(255.0).unsqueeze(1).contiguous()
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y
