#!/usr/bin/env python3
"""Makes the PyTorch reference fixtures of networks with several inputs and outputs, shared weights and sequences
(tests/Fixtures/multi/*.safetensors), read by tests/StaticCnn.Tests/Networks/MultiIONetworkTests.cs.

    /usr/bin/python3 tools/make_multi_fixtures.py [--out tests/Fixtures/multi]

Each network here is the PyTorch twin of a StaticCnn spec declared in that test file (same state_dict names):
- two_head: one image, two outputs (class logits and a box), loss = CE(class) + 2 * SmoothL1(box);
- siamese: two images through one conv/pool/linear stack (the same modules called twice), two embeddings;
- tdnn: a time-delay network on an 8 x 200 sequence (Conv1d with dilation and groups, BatchNorm1d in training mode,
  MaxPool1d, AvgPool1d, AdaptiveAvgPool1d(1), Linear).
Every file holds the weights, the inputs, every output, the upstream gradients (or the loss and its targets), the
gradient of every parameter and of every input, and, for BatchNorm, the running statistics after the step.
"""
import argparse
import os
import sys
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from reference_models import REPO  # noqa: E402

MADE_BY = "tools/make_multi_fixtures.py"
torch.set_num_threads(1)


def seed_of(name):
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF


class TwoHead(nn.Module):
    """Input 1x16x16 -> conv1 (4, 3x3, pad 1, ReLU) -> max-pool 2 -> flatten -> trunk (16, ReLU) -> cls (3) and box (4)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.trunk = nn.Linear(4 * 8 * 8, 16)
        self.cls = nn.Linear(16, 3)
        self.box = nn.Linear(16, 4)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        h = F.relu(self.trunk(h.flatten(1)))
        return self.cls(h), self.box(h)


class Siamese(nn.Module):
    """Left and right 1x12x12 -> conv_l (4, 3x3, ReLU) -> max-pool 2 -> embed_l (8): the same modules for both."""

    def __init__(self):
        super().__init__()
        self.conv_l = nn.Conv2d(1, 4, 3)
        self.embed_l = nn.Linear(4 * 5 * 5, 8)

    def branch(self, x):
        return self.embed_l(F.max_pool2d(F.relu(self.conv_l(x)), 2).flatten(1))

    def forward(self, left, right):
        return self.branch(left), self.branch(right)


class Tdnn(nn.Module):
    """Signal 8x200 -> tdnn1 Conv1d(16, 5, ReLU) -> tdnn2 Conv1d(16, 3, dilation 2, ReLU) -> bn BatchNorm1d ->
    max-pool 2 -> tdnn3 Conv1d(16, 3, dilation 3, groups 4) -> avg-pool 2 -> global average -> fc Linear(5)."""

    def __init__(self):
        super().__init__()
        self.tdnn1 = nn.Conv1d(8, 16, 5)
        self.tdnn2 = nn.Conv1d(16, 16, 3, dilation=2)
        self.bn = nn.BatchNorm1d(16)
        self.tdnn3 = nn.Conv1d(16, 16, 3, dilation=3, groups=4)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        h = F.relu(self.tdnn1(x))
        h = F.relu(self.tdnn2(h))
        h = F.max_pool1d(self.bn(h), 2)
        h = F.avg_pool1d(self.tdnn3(h), 2)
        h = F.adaptive_avg_pool1d(h, 1)
        return self.fc(h.flatten(1))


def perturb(model):
    """Non-default BatchNorm affine parameters, so that their gradients are not trivially checked at 1 and 0."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm1d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)


def save(out_dir, name, description, model, tensors):
    weights = {k: v.detach().clone() for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
    everything = {}
    everything.update(weights)
    everything.update(tensors)
    for k, p in model.named_parameters():
        everything["grad." + k] = p.grad
    md = {"made_by": MADE_BY, "torch_version": torch.__version__, "case": name, "description": description,
          "seed": str(seed_of(name)), "parameters": ",".join(k for k, _ in model.named_parameters())}
    path = os.path.join(out_dir, name + ".safetensors")
    safetensors_io.save(path, everything, md)
    print(f"  {os.path.relpath(path, REPO)}  {os.path.getsize(path)} B")


def make_two_head(out_dir):
    torch.manual_seed(seed_of("two_head"))
    model = TwoHead()
    x = torch.rand(4, 1, 16, 16).requires_grad_(True)
    labels = torch.tensor([0, 2, 1, 2])
    boxes = torch.rand(4, 4)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    cls, box = model(x)
    ce = F.cross_entropy(cls, labels)
    sl1 = F.smooth_l1_loss(box, boxes)
    loss = ce + 2 * sl1
    loss.backward()
    model.load_state_dict(state)
    save(out_dir, "two_head", "TwoHead: loss = F.cross_entropy(cls, labels) + 2 * F.smooth_l1_loss(box, boxes) (means)", model,
         {"input": x.detach(), "labels": labels, "boxes": boxes, "cls": cls.detach(), "box": box.detach(),
          "loss": loss.detach().reshape(1), "ce": ce.detach().reshape(1), "smooth_l1": sl1.detach().reshape(1),
          "grad_input": x.grad})


def make_siamese(out_dir):
    torch.manual_seed(seed_of("siamese"))
    model = Siamese()
    left = torch.rand(3, 1, 12, 12).requires_grad_(True)
    right = torch.rand(3, 1, 12, 12).requires_grad_(True)
    el, er = model(left, right)
    g_left, g_right = torch.randn_like(el), torch.randn_like(er)
    (el * g_left + er * g_right).sum().backward()
    save(out_dir, "siamese", "Siamese: the same conv_l/embed_l modules on left and right; upstream gradients "
                             "grad_out.embed_l / grad_out.embed_r (randn); parameter gradients are the sum of both uses",
         model, {"left": left.detach(), "right": right.detach(), "embed_l": el.detach(), "embed_r": er.detach(),
                 "grad_out.embed_l": g_left, "grad_out.embed_r": g_right, "grad_left": left.grad, "grad_right": right.grad})


def make_tdnn(out_dir):
    torch.manual_seed(seed_of("tdnn"))
    model = Tdnn()
    perturb(model)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.randn(4, 8, 200).requires_grad_(True)
    model.train()
    y = model(x)
    g = torch.randn_like(y)
    (y * g).sum().backward()
    after = {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(before)  # the file's weights are those before the step; running stats after it are separate
    model.eval()
    with torch.no_grad():
        y_eval = model(x)
    save(out_dir, "tdnn", "Tdnn in training mode (batch statistics); upstream gradient grad_out (randn); "
                          "running statistics after the step; eval-mode output with the weights and stats before it",
         model, {"input": x.detach(), "output": y.detach(), "grad_out": g, "grad_input": x.grad,
                 "after.bn.running_mean": after["bn.running_mean"], "after.bn.running_var": after["bn.running_var"],
                 "output_eval": y_eval})


class SiameseDistance(nn.Module):
    """Left and right 1x12x12 -> the same conv_l (4, 3x3, ReLU) / max-pool 2 / embed_l (8) -> L2-normalised ->
    their pairwise distance, and the cosine similarity of the raw embeddings."""

    def __init__(self):
        super().__init__()
        self.conv_l = nn.Conv2d(1, 4, 3)
        self.embed_l = nn.Linear(4 * 5 * 5, 8)

    def branch(self, x):
        return self.embed_l(F.max_pool2d(F.relu(self.conv_l(x)), 2).flatten(1))

    def forward(self, left, right):
        el, er = self.branch(left), self.branch(right)
        nl, nr = F.normalize(el, p=2, dim=1, eps=1e-12), F.normalize(er, p=2, dim=1, eps=1e-12)
        return F.pairwise_distance(nl, nr, p=2, eps=1e-6).unsqueeze(1), F.cosine_similarity(el, er, dim=1, eps=1e-8).unsqueeze(1)


def make_siamese_distance(out_dir):
    torch.manual_seed(seed_of("siamese_distance"))
    model = SiameseDistance()
    left = torch.rand(5, 1, 12, 12).requires_grad_(True)
    right = torch.rand(5, 1, 12, 12)
    right[0] = left[0].detach()  # one identical pair: distance eps-sized, cosine 1
    right.requires_grad_(True)
    dist, cos = model(left, right)
    g_dist, g_cos = torch.randn_like(dist), torch.randn_like(cos)
    (dist * g_dist + cos * g_cos).sum().backward()
    save(out_dir, "siamese_distance", "SiameseDistance: shared conv_l/embed_l, F.normalize, F.pairwise_distance and "
                                      "F.cosine_similarity; upstream gradients grad_out.distance / grad_out.cosine (randn)",
         model, {"left": left.detach(), "right": right.detach(), "distance": dist.detach(), "cosine": cos.detach(),
                 "grad_out.distance": g_dist, "grad_out.cosine": g_cos, "grad_left": left.grad, "grad_right": right.grad})


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "Fixtures", "multi"))
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    make_two_head(args.out)
    make_siamese(args.out)
    make_tdnn(args.out)
    make_siamese_distance(args.out)


if __name__ == "__main__":
    main()
