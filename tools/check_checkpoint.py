#!/usr/bin/env python3
"""Loads a StaticCnn checkpoint (safetensors, PyTorch state_dict names) into the PyTorch reference network, runs the
bundled Fashion-MNIST test subset and optionally compares logits with a predictions file.

    /usr/bin/python3 tools/check_checkpoint.py out/lenet5.safetensors \\
        --predictions out/lenet5.predictions.safetensors       # what samples/LeNet5 writes (its --out DIR, default out/)
    /usr/bin/python3 tools/check_checkpoint.py tests/Fixtures/training/lenet5_trained_1epoch.safetensors \\
        --predictions tests/Fixtures/training/lenet5_trained_1epoch_predictions.safetensors --allow-extra
    /usr/bin/python3 tools/check_checkpoint.py cifar.safetensors --net cifar10net --predictions cifar_preds.safetensors

A predictions file holds "input" (N,C,H,W float32) and "logits" (N,10), optionally "labels"; the script runs the
checkpoint on "input" and requires |logits - expected| <= atol + rtol*|expected| everywhere. If the predictions file's
metadata has "test_accuracy" and the network is LeNet5, the accuracy on the test subset must agree within
--accuracy-tolerance (default: exact to 1/2000, i.e. at most one image differs).

Exit codes: 0 ok; 1 logits or accuracy mismatch, or accuracy below --min-accuracy; 2 the checkpoint does not fit the
network (missing, unexpected or mis-shaped tensors).
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from reference_models import NETWORKS, load_fashion_mnist  # noqa: E402


def load_into(model, path, allow_extra=False):
    tensors, metadata = safetensors_io.load(path)
    expected = model.state_dict()
    missing = [k for k in expected if k not in tensors]
    unexpected = [k for k in tensors if k not in expected and not k.endswith("num_batches_tracked")]
    bad_shape = [f"{k}: file {list(tensors[k].shape)}, network {list(expected[k].shape)}"
                 for k in expected if k in tensors and tuple(tensors[k].shape) != tuple(expected[k].shape)]
    problems = []
    if missing:
        problems.append("missing: " + ", ".join(missing))
    if unexpected and not allow_extra:
        problems.append("unexpected: " + ", ".join(unexpected))
    if bad_shape:
        problems.append("shape mismatch: " + "; ".join(bad_shape))
    if problems:
        return problems, metadata
    model.load_state_dict({k: torch.from_numpy(np.asarray(tensors[k], dtype=np.float32) if expected[k].is_floating_point()
                                               else tensors[k]) for k in expected})
    return [], metadata


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("--net", choices=sorted(NETWORKS), default="lenet5")
    ap.add_argument("--predictions", help="safetensors with 'input' and 'logits' to compare against")
    ap.add_argument("--atol", type=float, default=1e-4)
    ap.add_argument("--rtol", type=float, default=1e-4)
    ap.add_argument("--allow-extra", action="store_true",
                    help="ignore tensors the network does not have (e.g. a fixture that also holds inputs and grads)")
    ap.add_argument("--min-accuracy", type=float, default=0.0, help="fail if the test accuracy is below this")
    ap.add_argument("--accuracy-tolerance", type=float, default=1 / 2000 + 1e-9)
    args = ap.parse_args(argv)

    torch.set_num_threads(1)
    model = NETWORKS[args.net]()
    problems, metadata = load_into(model, args.checkpoint, args.allow_extra)
    if problems:
        print(f"{args.checkpoint} does not fit {args.net}:")
        for p in problems:
            print("  " + p)
        return 2
    model.eval()
    print(f"loaded {args.checkpoint} into {args.net} ({sum(p.numel() for p in model.parameters())} parameters)"
          + (f"; made_by {metadata['made_by']}" if "made_by" in metadata else ""))
    status = 0

    accuracy = None
    if args.net == "lenet5":
        x, y = load_fashion_mnist("test")
        with torch.no_grad():
            pred = torch.cat([model(x[i:i + 500]).argmax(1) for i in range(0, len(x), 500)])
        correct = int((pred == y).sum())
        accuracy = correct / len(y)
        print(f"test accuracy on the bundled Fashion-MNIST test subset: {accuracy:.4f} ({correct}/{len(y)})")
        if accuracy < args.min_accuracy:
            print(f"FAIL: accuracy {accuracy:.4f} < --min-accuracy {args.min_accuracy}")
            status = 1
    else:
        print(f"no bundled test data for {args.net}: accuracy not measured")

    if args.predictions:
        pt, pmd = safetensors_io.load(args.predictions)
        inp = torch.from_numpy(pt["input"].astype(np.float32))
        expected = torch.from_numpy(pt["logits"].astype(np.float32))
        with torch.no_grad():
            got = model(inp)
        if got.shape != expected.shape:
            print(f"FAIL: logits shape {list(got.shape)} != expected {list(expected.shape)}")
            return 1
        diff = (got - expected).abs()
        bound = args.atol + args.rtol * expected.abs()
        bad = int((diff > bound).sum())
        same_argmax = int((got.argmax(1) == expected.argmax(1)).sum())
        print(f"logits vs {args.predictions}: max |diff| {diff.max().item():.3g}, {bad} of {diff.numel()} outside "
              f"atol {args.atol} + rtol {args.rtol}; argmax agrees on {same_argmax}/{len(got)}")
        if bad:
            status = 1
        if accuracy is not None and "test_accuracy" in pmd:
            ref = float(pmd["test_accuracy"])
            ok = abs(ref - accuracy) <= args.accuracy_tolerance
            print(f"accuracy {accuracy:.4f} vs predictions file {ref:.4f}: {'ok' if ok else 'MISMATCH'}")
            if not ok:
                status = 1
    print("OK" if status == 0 else "MISMATCH")
    return status


if __name__ == "__main__":
    sys.exit(main())
