"""Reference parameter counts, output shapes and state_dict tensor names of the model-zoo architectures
(samples/Architectures), quoted by tests/StaticCnn.Tests/Architectures/ZooTests.cs and docs/MODEL_ZOO.md.

    /usr/bin/python3 tools/architecture_params.py            # table + a few tensors per model
    /usr/bin/python3 tools/architecture_params.py --all      # every state_dict tensor
    /usr/bin/python3 tools/architecture_params.py --csharp tests/StaticCnn.Tests/Architectures/ZooReference.cs
                                                             # write the expected figures the tests compare against

torchvision is not installed next to PyTorch 1.13 here, so the torchvision models (AlexNet, VGG-16, ResNet-18,
ResNet-50, GoogLeNet without aux logits, DenseNet-121, MobileNetV2) are rebuilt by hand below with torchvision's
module layout, so their state_dict keys are torchvision's. Their parameter counts equal torchvision's published figures
(checked below against the constants in TORCHVISION_PARAMS). U-Net, SegNet, the localization example and the CIFAR-10
ResNet-18 have no torchvision model; their layouts are documented at each class (the CIFAR ResNet-18's count is checked
against the kuangliu/pytorch-cifar figure in OTHER_PARAMS).

MobileNetV2 and CifarResNet18 are also the benchmark twins: tools/reference_models.py re-exports them, and both
script with torch.jit.script and export to ONNX.
"""
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

# torchvision 0.14 documentation ("num_params"), for the models that exist there.
TORCHVISION_PARAMS = {
    "AlexNet": 61_100_840,
    "Vgg16": 138_357_544,
    "ResNet18": 11_689_512,
    "ResNet50": 25_557_032,
    "GoogLeNet": 6_624_904,
    "DenseNet121": 7_978_856,
    "MobileNetV2": 3_504_872,
}

# Published counts of the networks that are not in torchvision.
OTHER_PARAMS = {
    "CifarResNet18": 11_173_962,   # kuangliu/pytorch-cifar models/resnet.py ResNet18(), 10 classes
}


# ---------------------------------------------------------------- AlexNet (torchvision.models.alexnet)
class AlexNet(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 11, stride=4, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(0.5), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Linear(4096, num_classes))

    def forward(self, x):
        x = self.features(x)
        assert x.shape[-2:] == (6, 6)  # AdaptiveAvgPool2d((6, 6)) is the identity at 224x224
        return self.classifier(torch.flatten(self.avgpool(x), 1))


# ---------------------------------------------------------------- VGG-16 (torchvision.models.vgg16)
def vgg_features(cfg, batch_norm):
    layers, c = [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers.append(nn.Conv2d(c, v, 3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(v))
            layers.append(nn.ReLU(inplace=True))
            c = v
    return nn.Sequential(*layers)


VGG16_CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]


class Vgg16(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.features = vgg_features(VGG16_CFG, False)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(), nn.Linear(4096, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


# ---------------------------------------------------------------- ResNet (torchvision.models.resnet)
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or cin != planes:
            self.downsample = nn.Sequential(nn.Conv2d(cin, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        idt = x if self.downsample is None else self.downsample(x)
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + idt)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)  # torchvision v1.5: stride on the 3x3
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = None
        if stride != 1 or cin != planes * 4:
            self.downsample = nn.Sequential(nn.Conv2d(cin, planes * 4, 1, stride, bias=False), nn.BatchNorm2d(planes * 4))

    def forward(self, x):
        idt = x if self.downsample is None else self.downsample(x)
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        return F.relu(self.bn3(self.conv3(y)) + idt)


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        c = 64
        for i, (planes, n) in enumerate(zip([64, 128, 256, 512], layers)):
            blocks = []
            for b in range(n):
                blocks.append(block(c, planes, 2 if (b == 0 and i > 0) else 1))
                c = planes * block.expansion
            setattr(self, f"layer{i + 1}", nn.Sequential(*blocks))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def ResNet18():
    return ResNet(BasicBlock, [2, 2, 2, 2])


def ResNet50():
    return ResNet(Bottleneck, [3, 4, 6, 3])


# ---------------------------------------------------------------- ResNet-18 for CIFAR-10 (kuangliu/pytorch-cifar layout)
class CifarResNet18(nn.Module):
    """The common CIFAR-10 ResNet-18 (kuangliu/pytorch-cifar models/resnet.py ResNet18) for 3x32x32 images: a 3x3
    stride-1 stem (conv 3->64, no bias, BN, ReLU) and no max pool, four stages of two BasicBlocks (64, 128, 256, 512;
    stride 1, 2, 2, 2; 1x1 conv + BN shortcut where the shape changes), a 4x4 average pool and Linear(512, 10).
    11,173,962 parameters. The modules are named as torchvision's ResNet (conv1, bn1, layer1.0.conv1,
    layer2.0.downsample.0, fc; kuangliu calls them shortcut.0 and linear), so the keys are ResNet18's but for the stem
    (conv1 is [64, 3, 3, 3] here, [64, 3, 7, 7] there) and fc ([10, 512])."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.layer1 = nn.Sequential(BasicBlock(64, 64, 1), BasicBlock(64, 64, 1))
        self.layer2 = nn.Sequential(BasicBlock(64, 128, 2), BasicBlock(128, 128, 1))
        self.layer3 = nn.Sequential(BasicBlock(128, 256, 2), BasicBlock(256, 256, 1))
        self.layer4 = nn.Sequential(BasicBlock(256, 512, 2), BasicBlock(512, 512, 1))
        self.fc = nn.Linear(512, num_classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))   # 4x4 -> 1x1, as kuangliu's F.avg_pool2d(x, 4)


# ---------------------------------------------------------------- GoogLeNet (torchvision.models.googlenet, aux_logits=False)
class BasicConv2d(nn.Module):
    def __init__(self, cin, cout, **kw):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, bias=False, **kw)
        self.bn = nn.BatchNorm2d(cout, eps=0.001)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Inception(nn.Module):
    def __init__(self, cin, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj, ceil_mode=True):
        super().__init__()
        self.branch1 = BasicConv2d(cin, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(BasicConv2d(cin, ch3x3red, kernel_size=1), BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1))
        # torchvision's known quirk: the "5x5" branch uses a 3x3 kernel (kept for weight compatibility)
        self.branch3 = nn.Sequential(BasicConv2d(cin, ch5x5red, kernel_size=1), BasicConv2d(ch5x5red, ch5x5, kernel_size=3, padding=1))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=ceil_mode), BasicConv2d(cin, pool_proj, kernel_size=1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class GoogLeNet(nn.Module):
    """torchvision googlenet(aux_logits=False, transform_input=False, init_weights=True).

    ceil_mode=True is torchvision's; ceil_mode=False with padding=1 on the stride-2 pools is StaticCnn's GoogLeNet."""

    def __init__(self, num_classes=1000, ceil_mode=True):
        super().__init__()
        pad = 0 if ceil_mode else 1

        def pool(k):
            return nn.MaxPool2d(k, 2, pad if k == 3 else 0, ceil_mode=ceil_mode)

        self.conv1 = BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = pool(3)
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = pool(3)
        self.inception3a = Inception(192, 64, 96, 128, 16, 32, 32, ceil_mode)
        self.inception3b = Inception(256, 128, 128, 192, 32, 96, 64, ceil_mode)
        self.maxpool3 = pool(3)
        self.inception4a = Inception(480, 192, 96, 208, 16, 48, 64, ceil_mode)
        self.inception4b = Inception(512, 160, 112, 224, 24, 64, 64, ceil_mode)
        self.inception4c = Inception(512, 128, 128, 256, 24, 64, 64, ceil_mode)
        self.inception4d = Inception(512, 112, 144, 288, 32, 64, 64, ceil_mode)
        self.inception4e = Inception(528, 256, 160, 320, 32, 128, 128, ceil_mode)
        self.maxpool4 = pool(2)
        self.inception5a = Inception(832, 256, 160, 320, 32, 128, 128, ceil_mode)
        self.inception5b = Inception(832, 384, 192, 384, 48, 128, 128, ceil_mode)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(1024, num_classes)

    def trunk_shapes(self, x):
        shapes = []
        for m in [self.conv1, self.maxpool1, self.conv2, self.conv3, self.maxpool2, self.inception3a, self.inception3b,
                  self.maxpool3, self.inception4a, self.inception4b, self.inception4c, self.inception4d, self.inception4e,
                  self.maxpool4, self.inception5a, self.inception5b]:
            x = m(x)
            shapes.append(tuple(x.shape[1:]))
        return shapes, x

    def forward(self, x):
        _, x = self.trunk_shapes(x)
        return self.fc(self.dropout(torch.flatten(self.avgpool(x), 1)))


# ---------------------------------------------------------------- DenseNet-121 (torchvision.models.densenet121)
class DenseLayer(nn.Module):
    def __init__(self, cin, growth, bn_size):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(cin)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(cin, bn_size * growth, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth, growth, 3, padding=1, bias=False)

    def forward(self, feats):
        x = torch.cat(feats, 1)
        return self.conv2(self.relu2(self.norm2(self.conv1(self.relu1(self.norm1(x))))))


class DenseBlock(nn.ModuleDict):
    def __init__(self, n, cin, growth, bn_size):
        super().__init__()
        for i in range(n):
            self.add_module(f"denselayer{i + 1}", DenseLayer(cin + i * growth, growth, bn_size))

    def forward(self, x):
        feats = [x]
        for layer in self.values():
            feats.append(layer(feats))
        return torch.cat(feats, 1)


class Transition(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__()
        self.add_module("norm", nn.BatchNorm2d(cin))
        self.add_module("relu", nn.ReLU(inplace=True))
        self.add_module("conv", nn.Conv2d(cin, cout, 1, bias=False))
        self.add_module("pool", nn.AvgPool2d(2, 2))


class DenseNet121(nn.Module):
    def __init__(self, growth=32, blocks=(6, 12, 24, 16), init=64, bn_size=4, num_classes=1000):
        super().__init__()
        f = nn.Sequential()
        f.add_module("conv0", nn.Conv2d(3, init, 7, 2, 3, bias=False))
        f.add_module("norm0", nn.BatchNorm2d(init))
        f.add_module("relu0", nn.ReLU(inplace=True))
        f.add_module("pool0", nn.MaxPool2d(3, 2, 1))
        c = init
        for i, n in enumerate(blocks):
            f.add_module(f"denseblock{i + 1}", DenseBlock(n, c, growth, bn_size))
            c += n * growth
            if i != len(blocks) - 1:
                f.add_module(f"transition{i + 1}", Transition(c, c // 2))
                c //= 2
        f.add_module("norm5", nn.BatchNorm2d(c))
        self.features = f
        self.classifier = nn.Linear(c, num_classes)

    def forward(self, x):
        x = F.relu(self.features(x))
        return self.classifier(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


# ---------------------------------------------------------------- MobileNetV2 (torchvision.models.mobilenet_v2)
class ConvBNReLU6(nn.Sequential):
    """torchvision's Conv2dNormActivation with ReLU6: keys <i>.0.weight (conv, no bias), <i>.1.* (BatchNorm2d)."""

    def __init__(self, cin, cout, kernel=3, stride=1, groups=1):
        super().__init__(nn.Conv2d(cin, cout, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU6(inplace=True))


class InvertedResidual(nn.Module):
    """torchvision's InvertedResidual: `conv` = [1x1 expand ConvBNReLU6 (absent when expand_ratio is 1),
    3x3 depthwise ConvBNReLU6 (groups = channels), 1x1 linear projection conv, BatchNorm2d]; the input is added when
    stride is 1 and the channel count is kept."""

    def __init__(self, cin, cout, stride, expand_ratio):
        super().__init__()
        hidden = int(round(cin * expand_ratio))
        self.use_res_connect = stride == 1 and cin == cout
        layers = []
        if expand_ratio != 1:
            layers.append(ConvBNReLU6(cin, hidden, kernel=1))
        layers += [ConvBNReLU6(hidden, hidden, stride=stride, groups=hidden),
                   nn.Conv2d(hidden, cout, 1, 1, 0, bias=False), nn.BatchNorm2d(cout)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        if self.use_res_connect:
            return x + self.conv(x)
        return self.conv(x)


# (expand ratio t, output channels c, repeats n, first stride s), the paper's Table 2
MOBILENETV2_CFG = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


class MobileNetV2(nn.Module):
    """torchvision mobilenet_v2(num_classes=1000, width_mult=1.0): features.0 (3x3 stride-2 ConvBNReLU6 to 32),
    features.1-17 (InvertedResidual), features.18 (1x1 ConvBNReLU6 to 1280), global average pool,
    classifier = [Dropout(0.2), Linear(1280, num_classes)]; torchvision's initialization (kaiming_normal_ fan_out
    convolutions, BN 1/0, Linear N(0, 0.01) and zero bias)."""

    def __init__(self, num_classes=1000):
        super().__init__()
        layers, c = [ConvBNReLU6(3, 32, stride=2)], 32
        for t, cout, n, s in MOBILENETV2_CFG:
            for i in range(n):
                layers.append(InvertedResidual(c, cout, s if i == 0 else 1, t))
                c = cout
        layers.append(ConvBNReLU6(c, 1280, kernel=1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(torch.flatten(x, 1))


# ---------------------------------------------------------------- U-Net (Ronneberger et al. 2015), valid convolutions
class DoubleConv(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__(nn.Conv2d(cin, cout, 3), nn.ReLU(inplace=True), nn.Conv2d(cout, cout, 3), nn.ReLU(inplace=True))


def center_crop(x, h, w):
    top, left = int(round((x.shape[2] - h) / 2.0)), int(round((x.shape[3] - w) / 2.0))
    return x[:, :, top:top + h, left:left + w]


class UNet(nn.Module):
    """Keys: enc1.0/enc1.2 ... enc5 (bottleneck), up4 (ConvTranspose2d 2x2 s2), dec4.0/dec4.2, ..., out (1x1)."""

    def __init__(self, in_ch=1, classes=2):
        super().__init__()
        w = [64, 128, 256, 512, 1024]
        self.enc1, self.enc2 = DoubleConv(in_ch, w[0]), DoubleConv(w[0], w[1])
        self.enc3, self.enc4 = DoubleConv(w[1], w[2]), DoubleConv(w[2], w[3])
        self.enc5 = DoubleConv(w[3], w[4])
        self.up4, self.dec4 = nn.ConvTranspose2d(w[4], w[3], 2, 2), DoubleConv(w[4], w[3])
        self.up3, self.dec3 = nn.ConvTranspose2d(w[3], w[2], 2, 2), DoubleConv(w[3], w[2])
        self.up2, self.dec2 = nn.ConvTranspose2d(w[2], w[1], 2, 2), DoubleConv(w[2], w[1])
        self.up1, self.dec1 = nn.ConvTranspose2d(w[1], w[0], 2, 2), DoubleConv(w[1], w[0])
        self.out = nn.Conv2d(w[0], classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        e3 = self.enc3(F.max_pool2d(e2, 2))
        e4 = self.enc4(F.max_pool2d(e3, 2))
        y = self.enc5(F.max_pool2d(e4, 2))
        for up, dec, skip in [(self.up4, self.dec4, e4), (self.up3, self.dec3, e3), (self.up2, self.dec2, e2), (self.up1, self.dec1, e1)]:
            y = up(y)
            y = dec(torch.cat([center_crop(skip, y.shape[2], y.shape[3]), y], 1))
        return self.out(y)


# ---------------------------------------------------------------- SegNet (Badrinarayanan et al. 2017)
SEGNET_DECODER = [[512, 512, 512], [512, 512, 256], [256, 256, 128], [128, 64], [64]]


class SegNet(nn.Module):
    """Encoder = torchvision vgg16_bn `features` (same keys, so ImageNet weights load into it);
    decoder = `decoder.<i>` Sequential of conv-bn-relu, mirrored, then `classifier` (3x3 conv to the classes)."""

    def __init__(self, classes=12):
        super().__init__()
        self.features = vgg_features(VGG16_CFG, True)
        for m in self.features:
            if isinstance(m, nn.MaxPool2d):
                m.return_indices = True
        layers, c = [], 512
        for stage in SEGNET_DECODER:
            for v in stage:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
                c = v
        self.decoder = nn.Sequential(*layers)
        self.classifier = nn.Conv2d(64, classes, 3, padding=1)

    def forward(self, x):
        stack = []
        for m in self.features:
            if isinstance(m, nn.MaxPool2d):
                size = x.shape[-2:]
                x, idx = m(x)
                stack.append((idx, size))
            else:
                x = m(x)
        i = 0
        for stage in SEGNET_DECODER:
            idx, size = stack.pop()
            x = F.max_unpool2d(x, idx, 2, 2, output_size=size)
            for _ in stage:
                x = self.decoder[i + 2](self.decoder[i + 1](self.decoder[i](x)))
                i += 3
        return self.classifier(x)


# ---------------------------------------------------------------- classification + localization
class Localizer(nn.Module):
    """A small VGG-style backbone (3x128x128, four conv-bn-relu + max-pool stages) and two Linear heads on the
    flattened features: `cls_head` (20 class logits, PASCAL VOC) and `box_head` (4 box coordinates); forward
    returns both, (cls, box), trained with cross-entropy on cls + smooth L1 on box."""

    def __init__(self, classes=20):
        super().__init__()
        layers, c = [], 3
        for v in [32, 64, 128, 256]:
            layers += [nn.Conv2d(c, v, 3, padding=1, bias=False), nn.BatchNorm2d(v), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            c = v
        self.backbone = nn.Sequential(*layers)
        self.fc = nn.Linear(256 * 8 * 8, 512)
        self.cls_head = nn.Linear(512, classes)
        self.box_head = nn.Linear(512, 4)

    def forward(self, x):
        h = F.relu(self.fc(torch.flatten(self.backbone(x), 1)))
        return self.cls_head(h), self.box_head(h)


MODELS = [
    ("AlexNet", AlexNet, (3, 224, 224)),
    ("Vgg16", Vgg16, (3, 224, 224)),
    ("ResNet18", ResNet18, (3, 224, 224)),
    ("ResNet50", ResNet50, (3, 224, 224)),
    ("GoogLeNet", GoogLeNet, (3, 224, 224)),
    ("DenseNet121", DenseNet121, (3, 224, 224)),
    ("UNet", UNet, (1, 572, 572)),
    ("SegNet", SegNet, (3, 360, 480)),
    ("Localizer", Localizer, (3, 128, 128)),
    ("MobileNetV2", MobileNetV2, (3, 224, 224)),
    ("CifarResNet18", CifarResNet18, (3, 32, 32)),
]


def count_macs(model, shape):
    """Multiply-accumulates of Conv2d, ConvTranspose2d and Linear for one sample (StaticCnn's SummaryText counts these)."""
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            total[0] += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.ConvTranspose2d):
            total[0] += inp[0].numel() * (m.out_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total[0] += m.in_features * m.out_features
    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))]
    with torch.no_grad():
        model(torch.zeros(1, *shape))
    for h in handles:
        h.remove()
    return total[0]


def write_csharp(path, rows):
    """rows: (name, params, macs, [output shapes], [(key, shape)] in state_dict order, [parameter keys in order])."""
    out = ["// <auto-generated/>: written by tools/architecture_params.py --csharp (PyTorch " + torch.__version__ + ").",
           "// The expected figures of ZooTests: parameter counts, MACs, output shapes and every state_dict tensor",
           "// (num_batches_tracked left out) of the PyTorch twins of the model-zoo architectures.",
           "namespace StaticCnn.Tests.Architectures;", "",
           "internal static class ZooReference", "{",
           "    public sealed record Model(string Name, long Parameters, long Macs, int[][] Outputs, (string Name, int[] Shape)[] Tensors, string[] ParameterOrder);", "",
           "    public static readonly Model[] Models =", "    ["]
    for name, n, macs, outshape, tensors, order in rows:
        shapes = ", ".join("[" + ", ".join(map(str, o)) + "]" for o in outshape)
        out.append(f'        new("{name}", {n}, {macs}, [{shapes}],')
        out.append("            [")
        for k, shp in tensors:
            out.append(f'                ("{k}", [{", ".join(map(str, shp))}]),')
        out.append("            ],")
        out.append("            [" + ", ".join(f'"{k}"' for k in order) + "]),")
    out += ["    ];", "}", ""]
    with open(path, "w") as f:
        f.write("\n".join(out))


def main():
    show_all = "--all" in sys.argv
    csharp = sys.argv[sys.argv.index("--csharp") + 1] if "--csharp" in sys.argv else None
    rows = []
    torch.manual_seed(0)
    print(f"{'model':<14} {'input':<12} {'params':>13} {'published':>13} {'MACs':>17}  output")
    details = []
    for name, ctor, shape in MODELS:
        m = ctor().eval()
        n = sum(p.numel() for p in m.parameters())
        ref = TORCHVISION_PARAMS.get(name, OTHER_PARAMS.get(name))
        if ref is not None:
            assert n == ref, (name, n, ref)
        with torch.no_grad():
            y = m(torch.randn(1, *shape))
        ys = list(y) if isinstance(y, tuple) else [y]   # the Localizer has two outputs
        macs = count_macs(m, shape)
        print(f"{name:<14} {'x'.join(map(str, shape)):<12} {n:>13,} {('' if ref is None else f'{ref:,}'):>13} {macs:>17,}  {' + '.join('x'.join(map(str, o.shape[1:])) for o in ys)}")
        details.append((name, m))
        sd = m.state_dict()
        outshape = [list(o.shape[1:]) + [1] * (4 - o.dim()) for o in ys]
        rows.append((name, n, macs, outshape, [(k, list(v.shape)) for k, v in sd.items() if not k.endswith("num_batches_tracked")],
                     [k for k, _ in m.named_parameters()]))
    if csharp:
        write_csharp(csharp, rows)
        print(f"wrote {csharp}")
    for name, m in details:
        sd = m.state_dict()
        keys = [k for k in sd if not k.endswith("num_batches_tracked")]
        print(f"\n{name}: {len(keys)} tensors (num_batches_tracked not counted)")
        shown = keys if show_all else keys[:2] + keys[len(keys) // 2:len(keys) // 2 + 2] + keys[-2:]
        for k in shown:
            print(f"  {k:<50} {list(sd[k].shape)}")
    # GoogLeNet: torchvision's ceil-mode max pools against StaticCnn's floor mode with padding 1.
    with torch.no_grad():
        x = torch.randn(1, 3, 224, 224)
        ceil_shapes, _ = GoogLeNet(ceil_mode=True).eval().trunk_shapes(x)
        floor_shapes, _ = GoogLeNet(ceil_mode=False).eval().trunk_shapes(x)
    print("\nGoogLeNet trunk shapes, torchvision ceil_mode=True vs floor mode with padding 1 (StaticCnn):")
    for a, b in zip(ceil_shapes, floor_shapes):
        print(f"  {str(a):<18} {str(b):<18} {'same' if a == b else 'DIFFERENT'}")
    print("  without padding (plain floor mode):",
          [((112 - 3) // 2 + 1), ((56 - 3) // 2 + 1), ((28 - 3) // 2 + 1)], "instead of [56, 28, 14]")


if __name__ == "__main__":
    main()
