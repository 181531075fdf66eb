#!/usr/bin/env python3
"""Checks a checkpoint of samples/Siamese against PyTorch: loads it (strict=True) into the same branch written in
PyTorch, runs it on the 32 test pairs the sample saved and compares the distances.

    /usr/bin/python3 samples/Siamese/check_pytorch.py out/siamese.safetensors out/siamese.pairs.safetensors

Exit code 0 when every distance agrees within 1e-5. Needs torch and numpy (tools/safetensors_io.py reads the files).
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import safetensors_io  # noqa: E402


class Branch(nn.Module):
    """One branch of SiameseCnn; the sample applies it to both images (the right layers share these parameters)."""

    def __init__(self):
        super().__init__()
        self.conv1_l = nn.Conv2d(1, 8, 5, padding=2)
        self.conv2_l = nn.Conv2d(8, 16, 5)
        self.hidden_l = nn.Linear(400, 64)
        self.emb_l = nn.Linear(64, 32)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1_l(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2_l(x)), 2)
        return F.normalize(self.emb_l(F.relu(self.hidden_l(x.flatten(1)))))


def main(checkpoint, pairs):
    tensors, _ = safetensors_io.load(checkpoint)
    branch = Branch()
    branch.load_state_dict({k: torch.from_numpy(v) for k, v in tensors.items()}, strict=True)
    p, _ = safetensors_io.load(pairs)
    with torch.no_grad():
        d = F.pairwise_distance(branch(torch.from_numpy(p["left"])), branch(torch.from_numpy(p["right"])))
    diff = (d - torch.from_numpy(p["distance"])).abs().max().item()
    print(f"{len(d)} pairs: max |distance(PyTorch) - distance(StaticCnn)| = {diff:.3g}")
    return 0 if diff <= 1e-5 else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
