#!/usr/bin/env python3
"""Runs the PyTorch twin of a StaticCnn network (the generated `PyTorchSource`, written to a .py file) on a checkpoint
saved by `Checkpoint.Save`, loaded with strict=True:

    /usr/bin/python3 tools/run_pytorch_twin.py twin.py ClassName checkpoint.safetensors input.safetensors output.safetensors

input.safetensors holds "input" (N, C, H, W) float32; output.safetensors receives "output" (N, C·H·W or features)
float32, computed in eval mode. Needs only torch and numpy (safetensors files are read by tools/safetensors_io.py).
Exit codes: 0 done; 2 the checkpoint does not load with strict=True (missing, unexpected or mis-shaped tensors).
"""
import importlib.util
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


def main(twin, cls, checkpoint, inputs, outputs):
    spec = importlib.util.spec_from_file_location("twin", twin)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = getattr(module, cls)()
    tensors, _ = safetensors_io.load(checkpoint)
    try:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in tensors.items()}, strict=True)
    except RuntimeError as e:
        print(f"strict load failed: {e}", file=sys.stderr)
        return 2
    model.eval()
    x = torch.from_numpy(safetensors_io.load(inputs)[0]["input"])
    with torch.no_grad():
        y = model(x)
    safetensors_io.save(outputs, {"output": y.reshape(y.shape[0], -1).contiguous().numpy().astype(np.float32)})
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        sys.exit(1)
    sys.exit(main(*sys.argv[1:]))
