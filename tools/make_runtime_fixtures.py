#!/usr/bin/python3
"""Reference values for the StaticCnn training runtime (losses, optimizers, schedules, clipping).

Run with the system Python that has PyTorch 1.13:   /usr/bin/python3 tools/make_runtime_fixtures.py
Writes safetensors files under tests/Fixtures/runtime/ (the format is written by hand here, so the
`safetensors` package is not needed). The tests in tests/StaticCnn.Tests/Runtime read them.
"""
import json
import math
import os
import struct

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "Fixtures", "runtime")


def save(name, tensors, metadata=None):
    """Minimal safetensors writer: 8-byte LE header length, JSON header, raw LE data."""
    header = {}
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    blobs, offset = [], 0
    for key, t in tensors.items():
        t = t.detach().contiguous().cpu()
        dtype = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32"}[t.dtype]
        data = t.numpy().tobytes()
        header[key] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def losses():
    g = torch.Generator().manual_seed(1)
    t = {}
    # Cross-entropy: 7 samples, 5 classes, one sample with large logits.
    logits = torch.randn(7, 5, generator=g) * 2
    logits[3] = torch.tensor([40.0, -30.0, 0.5, 10.0, -5.0])
    labels = torch.tensor([0, 4, 2, 1, 3, 3, 0])
    t["ce.logits"], t["ce.labels"] = logits, labels
    for eps in (0.0, 0.1, 0.3):
        x = logits.clone().requires_grad_()
        loss = torch.nn.functional.cross_entropy(x, labels, label_smoothing=eps)
        loss.backward()
        t[f"ce.ls{eps}.loss"], t[f"ce.ls{eps}.grad"] = loss.detach().reshape(1), x.grad
    # Masked cross-entropy = ignore_index on the masked samples.
    mask = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0])
    t["ce.mask"] = mask
    for eps in (0.0, 0.1):
        x = logits.clone().requires_grad_()
        lab = labels.clone()
        lab[mask == 0] = -100
        loss = torch.nn.functional.cross_entropy(x, lab, label_smoothing=eps, ignore_index=-100)
        loss.backward()
        t[f"ce.masked.ls{eps}.loss"], t[f"ce.masked.ls{eps}.grad"] = loss.detach().reshape(1), x.grad

    # Element-wise losses: batch 4 × 6 outputs.
    x0 = torch.randn(4, 6, generator=g) * 2
    x0[0, 0], x0[1, 1] = 35.0, -35.0  # BCE far in the tails
    target = torch.randn(4, 6, generator=g)
    prob = torch.rand(4, 6, generator=g)
    emask = (torch.rand(4, 6, generator=g) > 0.4).float()
    smask = torch.tensor([1.0, 0.0, 1.0, 1.0])
    t["el.x"], t["el.target"], t["el.prob"], t["el.emask"], t["el.smask"] = x0, target, prob, emask, smask

    def run(name, fn, tgt):
        for mname, m in (("none", None), ("emask", emask), ("smask", smask[:, None].expand(4, 6))):
            x = x0.clone().requires_grad_()
            per = fn(x, tgt)
            loss = per.mean() if m is None else (per * m).sum() / m.sum()
            loss.backward()
            t[f"{name}.{mname}.loss"], t[f"{name}.{mname}.grad"] = loss.detach().reshape(1), x.grad

    F = torch.nn.functional
    run("mse", lambda x, y: F.mse_loss(x, y, reduction="none"), target)
    run("bce", lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction="none"), prob)
    run("smoothl1_b0.5", lambda x, y: F.smooth_l1_loss(x, y, reduction="none", beta=0.5), target)
    run("smoothl1_b1", lambda x, y: F.smooth_l1_loss(x, y, reduction="none", beta=1.0), target)
    run("huber_d2", lambda x, y: F.huber_loss(x, y, reduction="none", delta=2.0), target)
    run("huber_d0.3", lambda x, y: F.huber_loss(x, y, reduction="none", delta=0.3), target)
    # The masked means above are checked against PyTorch's own reductions once:
    a = F.mse_loss(x0, target)
    assert torch.allclose(a, t["mse.none.loss"][0])
    save("losses.safetensors", t, {"script": "tools/make_runtime_fixtures.py", "torch": torch.__version__})


def optimizers():
    g = torch.Generator().manual_seed(2)
    n = 13
    p0 = torch.randn(n, generator=g)
    a = torch.rand(n, generator=g) * 2 + 0.1   # curvature of the quadratic
    c = torch.randn(n, generator=g)            # its minimum
    t = {"p0": p0, "a": a, "c": c}
    configs = {
        "sgd": lambda p: torch.optim.SGD([p], lr=0.1),
        "sgd_momentum": lambda p: torch.optim.SGD([p], lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01),
        "sgd_nesterov": lambda p: torch.optim.SGD([p], lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
        "adam": lambda p: torch.optim.Adam([p], lr=0.01),
        "adam_wd": lambda p: torch.optim.Adam([p], lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
        "adamw": lambda p: torch.optim.AdamW([p], lr=0.01),
        "adamw_wd": lambda p: torch.optim.AdamW([p], lr=0.02, weight_decay=0.1),
    }
    for name, make in configs.items():
        p = p0.clone().requires_grad_()
        opt = make(p)
        traj = []
        for _ in range(10):
            opt.zero_grad()
            loss = 0.5 * (a * (p - c) ** 2).sum()   # gradient a * (p - c)
            loss.backward()
            opt.step()
            traj.append(p.detach().clone())
        t[f"{name}.trajectory"] = torch.stack(traj)
    # clip_grad_norm_
    for i, (scale, max_norm) in enumerate(((3.0, 1.0), (0.1, 1.0), (5.0, 0.5))):
        grad = torch.randn(n, generator=g) * scale
        p = torch.zeros(n, requires_grad=True)
        p.grad = grad.clone()
        norm = torch.nn.utils.clip_grad_norm_([p], max_norm)
        t[f"clip{i}.grad"], t[f"clip{i}.clipped"], t[f"clip{i}.norm"] = grad, p.grad, norm.reshape(1)
        t[f"clip{i}.max_norm"] = torch.tensor([max_norm])
    save("optimizers.safetensors", t, {"script": "tools/make_runtime_fixtures.py", "torch": torch.__version__})


def schedules():
    t = {}

    def run(name, make_opt, make_sched, steps, metrics=None):
        p = torch.zeros(1, requires_grad=True)
        opt = make_opt(p)
        sched = make_sched(opt)
        lrs, moms = [], []
        for i in range(steps):
            lrs.append(opt.param_groups[0]["lr"])
            moms.append(opt.param_groups[0].get("momentum", opt.param_groups[0].get("betas", (float("nan"),))[0]))
            opt.step()
            if metrics is None:
                sched.step()
            else:
                sched.step(metrics[i])
        t[f"{name}.lr"] = torch.tensor(lrs, dtype=torch.float64)
        t[f"{name}.momentum"] = torch.tensor(moms, dtype=torch.float64)

    sgd = lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9)
    run("step", sgd, lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 12)
    run("cosine", sgd, lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 15)
    run("onecycle", sgd, lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=25), 25)
    run("onecycle_adam", lambda p: torch.optim.Adam([p], lr=0.1),
        lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.01, total_steps=17, pct_start=0.25), 17)
    acc = [0.5, 0.6, 0.65, 0.65, 0.6501, 0.64, 0.7, 0.7, 0.7, 0.7, 0.7, 0.71, 0.71, 0.71, 0.71, 0.71, 0.71, 0.71]
    t["plateau_max.metric"] = torch.tensor(acc, dtype=torch.float64)
    run("plateau_max", sgd, lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, mode="max", factor=0.1, patience=2), len(acc), acc)
    loss = [1.0, 0.9, 0.95, 0.91, 0.8999, 0.85, 0.86, 0.87, 0.88, 0.85, 0.84, 0.84, 0.84, 0.84, 0.84]
    t["plateau_min.metric"] = torch.tensor(loss, dtype=torch.float64)
    run("plateau_min", sgd, lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(
        o, mode="min", factor=0.5, patience=1, threshold=0.01, threshold_mode="abs", cooldown=1, min_lr=0.02), len(loss), loss)
    save("schedules.safetensors", t, {"script": "tools/make_runtime_fixtures.py", "torch": torch.__version__})


def state_dict():
    """A PyTorch state_dict saved as safetensors, with an input and the model's output, for the checkpoint test."""
    torch.manual_seed(3)

    class Mlp(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = torch.nn.Linear(18, 8)
            self.fc2 = torch.nn.Linear(8, 4)

        def forward(self, x):
            return self.fc2(torch.relu(self.fc1(x.flatten(1))))

    m = Mlp()
    x = torch.randn(5, 2, 3, 3)
    save("mlp_state_dict.safetensors", dict(m.state_dict()), {"format": "pt"})
    save("mlp_io.safetensors", {"input": x, "output": m(x).detach()})


if __name__ == "__main__":
    torch.manual_seed(0)
    losses()
    optimizers()
    schedules()
    state_dict()
    print("wrote", sorted(os.listdir(OUT)))
