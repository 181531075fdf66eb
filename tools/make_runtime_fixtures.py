#!/usr/bin/python3
"""Reference values for the StaticCnn training runtime (losses, optimizers, schedules, clipping).

Run with the system Python that has PyTorch 1.13:   /usr/bin/python3 tools/make_runtime_fixtures.py
`--only losses2` writes only tests/Fixtures/losses2/ (per-pixel cross-entropy, pair and triplet losses, metrics).
Writes safetensors files under tests/Fixtures/runtime/ (the format is written by hand here, so the
`safetensors` package is not needed). The tests in tests/StaticCnn.Tests/Runtime read them.
"""
import json
import math
import os
import struct

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "Fixtures", "runtime")


def save(name, tensors, metadata=None, out=None):
    """Minimal safetensors writer: 8-byte LE header length, JSON header, raw LE data (to `out`, default OUT)."""
    out = out or OUT
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
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, name), "wb") as f:
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


OUT_LOSSES2 = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "Fixtures", "losses2")


def losses2():
    """Per-pixel cross-entropy, contrastive, cosine-embedding and triplet losses; mean IoU, box IoU and ROC AUC.

    Writes tests/Fixtures/losses2/{losses,metrics}.safetensors. Each case has its own generator seeded from its name
    (crc32), so adding a case changes no other value. Keys: `<case>.<input>` for the inputs, `<case>.loss` (shape 1)
    and `<case>.grad.<input>` for every gradient; the metrics store their inputs and the expected result as F64.
    """
    import zlib
    F = torch.nn.functional
    t, meta = {}, {"script": "tools/make_runtime_fixtures.py --only losses2", "torch": torch.__version__}

    def gen(case):
        return torch.Generator().manual_seed(zlib.crc32(case.encode()))

    # Per-pixel cross-entropy: logits N×C×H×W, labels N×H×W (int64), PyTorch's mean over non-ignored pixels.
    def ce(case, n, c, h, w, eps, ignore, ignored_share, all_ignored=False):
        g = gen(case)
        x = (torch.randn(n, c, h, w, generator=g) * 2).requires_grad_()
        y = torch.randint(0, c, (n, h, w), generator=g)
        y[torch.rand(n, h, w, generator=g) < ignored_share] = ignore
        if all_ignored:
            y[:] = ignore
        loss = F.cross_entropy(x, y, ignore_index=ignore, label_smoothing=eps)
        loss.backward()
        t[f"{case}.logits"], t[f"{case}.labels"], t[f"{case}.loss"], t[f"{case}.grad.logits"] = x.detach(), y, loss.detach().reshape(1), x.grad
        meta[case] = f"F.cross_entropy(N{n}xC{c}x{h}x{w}, ignore_index={ignore}, label_smoothing={eps})"

    ce("ce2d.plain", 2, 4, 3, 2, 0.0, -100, 0.25)
    ce("ce2d.smooth", 2, 4, 3, 2, 0.1, -100, 0.25)
    ce("ce2d.ignore255", 3, 3, 1, 5, 0.0, 255, 0.3)
    ce("ce2d.ignore255_smooth", 3, 3, 1, 5, 0.2, 255, 0.3)
    ce("ce2d.noignored", 1, 5, 2, 3, 0.0, -100, 0.0)
    ce("ce2d.allignored", 2, 3, 2, 2, 0.1, -100, 0.0, all_ignored=True)

    # Contrastive (no PyTorch built-in): mean of y d^2 + (1 - y) clamp(margin - d, min=0)^2.
    def contrastive(case, b, margin, d_scale):
        g = gen(case)
        d = (torch.rand(b, generator=g) * d_scale).requires_grad_()
        y = (torch.rand(b, generator=g) < 0.5).float()
        loss = (y * d ** 2 + (1 - y) * torch.clamp(margin - d, min=0) ** 2).mean()
        loss.backward()
        t[f"{case}.d"], t[f"{case}.y"], t[f"{case}.margin"] = d.detach(), y, torch.tensor([margin])
        t[f"{case}.loss"], t[f"{case}.grad.d"] = loss.detach().reshape(1), d.grad
        meta[case] = f"contrastive margin {margin}, d = rand*{d_scale}"

    contrastive("contrastive.m1", 12, 1.0, 2.0)  # hinge active for some different pairs, inactive for others
    contrastive("contrastive.m0.5", 9, 0.5, 1.0)
    # Every different pair beyond the margin: the hinge is inactive everywhere.
    g = gen("contrastive.far")
    d = (1.5 + torch.rand(6, generator=g)).requires_grad_()
    y = torch.tensor([0.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    loss = (y * d ** 2 + (1 - y) * torch.clamp(1.0 - d, min=0) ** 2).mean()
    loss.backward()
    t["contrastive.far.d"], t["contrastive.far.y"], t["contrastive.far.loss"], t["contrastive.far.grad.d"] = d.detach(), y, loss.detach().reshape(1), d.grad
    t["contrastive.far.margin"], meta["contrastive.far"] = torch.tensor([1.0]), "contrastive margin 1, d = 1.5 + rand"

    # Cosine embedding: nn.CosineEmbeddingLoss(margin), targets +-1.
    def cosine(case, b, dim, margin, tiny=False):
        g = gen(case)
        x1 = torch.randn(b, dim, generator=g)
        x2 = torch.randn(b, dim, generator=g)
        x2[0] = 0.8 * x1[0] + 0.2 * x2[0]  # a close pair
        x2[1] = -x1[1] + 0.1 * x2[1]       # an opposite pair
        if tiny:
            x1[2] *= 1e-7                   # squared norm near EPSILON = 1e-12
        y = torch.where(torch.rand(b, generator=g) < 0.5, 1.0, -1.0)
        y[0], y[1] = -1.0, -1.0             # hinge active (cos near 1), inactive (cos near -1)
        x1.requires_grad_(), x2.requires_grad_()
        loss = F.cosine_embedding_loss(x1, x2, y, margin=margin)
        loss.backward()
        t[f"{case}.x1"], t[f"{case}.x2"], t[f"{case}.y"], t[f"{case}.margin"] = x1.detach(), x2.detach(), y, torch.tensor([margin])
        t[f"{case}.loss"], t[f"{case}.grad.x1"], t[f"{case}.grad.x2"] = loss.detach().reshape(1), x1.grad, x2.grad
        meta[case] = f"F.cosine_embedding_loss(B{b}xD{dim}, margin={margin})"

    cosine("cosine.m0", 8, 5, 0.0)
    cosine("cosine.m0.3", 7, 3, 0.3)
    cosine("cosine.m-0.2", 6, 16, -0.2)
    cosine("cosine.tiny", 5, 4, 0.1, tiny=True)

    # Triplet margin: nn.TripletMarginLoss(margin, p, eps, swap).
    def triplet(case, b, dim, margin, p, swap, eps=1e-6, neg_offset=0.0):
        g = gen(case)
        a = torch.randn(b, dim, generator=g)
        pos = a + 0.5 * torch.randn(b, dim, generator=g)
        neg = a + torch.randn(b, dim, generator=g) + neg_offset
        a.requires_grad_(), pos.requires_grad_(), neg.requires_grad_()
        loss = F.triplet_margin_loss(a, pos, neg, margin=margin, p=p, eps=eps, swap=swap)
        loss.backward()
        for k, v in (("a", a), ("p", pos), ("n", neg)):
            t[f"{case}.{k}"], t[f"{case}.grad.{k}"] = v.detach(), v.grad
        t[f"{case}.args"] = torch.tensor([margin, p, eps, 1.0 if swap else 0.0], dtype=torch.float64)
        t[f"{case}.loss"] = loss.detach().reshape(1)
        meta[case] = f"F.triplet_margin_loss(B{b}xD{dim}, margin={margin}, p={p}, eps={eps}, swap={swap})"

    triplet("triplet.default", 8, 6, 1.0, 2.0, False)
    triplet("triplet.swap", 8, 6, 1.0, 2.0, True)
    triplet("triplet.p1", 6, 5, 0.5, 1.0, False)
    triplet("triplet.p3_swap", 7, 4, 2.0, 3.0, True)
    triplet("triplet.inactive", 5, 3, 0.1, 2.0, False, neg_offset=4.0)  # every hinge at 0: loss 0, gradients 0
    triplet("triplet.eps0.1", 6, 3, 1.0, 2.0, True, eps=0.1)
    save("losses.safetensors", t, meta, OUT_LOSSES2)

    # Metrics.
    m, mmeta = {}, {"script": "tools/make_runtime_fixtures.py --only losses2", "torch": torch.__version__}
    # Mean IoU over two batches: scores N×C×H×W, labels N×H×W with -100 ignored; class 4 never labelled nor predicted.
    g = gen("miou")
    conf = torch.zeros(5, 5, dtype=torch.float64)
    for k in range(2):
        s = torch.randn(3, 5, 4, 4, generator=g)
        s[:, 4] = -10.0
        y = torch.randint(0, 4, (3, 4, 4), generator=g)
        y[torch.rand(3, 4, 4, generator=g) < 0.2] = -100
        pred = s.argmax(1)
        keep = y != -100
        for yy, pp in zip(y[keep].tolist(), pred[keep].tolist()):
            conf[yy, pp] += 1
        m[f"miou.{k}.scores"], m[f"miou.{k}.labels"] = s, y
    tp = conf.diag()
    union = conf.sum(0) + conf.sum(1) - tp
    iou = tp[union > 0] / union[union > 0]
    m["miou.class_iou"] = torch.where(union > 0, tp / union.clamp(min=1), torch.tensor(float("nan"), dtype=torch.float64))
    m["miou.result"] = iou.mean().reshape(1)
    # Box IoU: torchvision.ops.box_iou's formula (area of the intersection over the union), diagonal.
    g = gen("boxiou")
    xy = torch.rand(10, 2, generator=g) * 10
    wh = torch.rand(10, 2, generator=g) * 5 + 0.1
    xy2 = xy + torch.randn(10, 2, generator=g)
    wh2 = wh * (0.5 + torch.rand(10, 2, generator=g))
    pred, tgt = torch.cat([xy, xy + wh], 1), torch.cat([xy2, xy2 + wh2], 1)
    tgt[9] = pred[9] + torch.tensor([20.0, 20.0, 20.0, 20.0])  # disjoint: IoU 0

    def box_iou_diag(b1, b2):
        lt = torch.max(b1[:, :2], b2[:, :2])
        rb = torch.min(b1[:, 2:], b2[:, 2:])
        inter = (rb - lt).clamp(min=0).prod(1)
        a1 = (b1[:, 2] - b1[:, 0]) * (b1[:, 3] - b1[:, 1])
        a2 = (b2[:, 2] - b2[:, 0]) * (b2[:, 3] - b2[:, 1])
        return inter / (a1 + a2 - inter)

    b1, b2 = pred.double(), tgt.double()
    m["box.pred"], m["box.target"] = pred, tgt
    m["box.iou"] = box_iou_diag(b1, b2)
    m["box.pred_cxcywh"] = torch.cat([(pred[:, :2] + pred[:, 2:]) / 2, pred[:, 2:] - pred[:, :2]], 1)
    m["box.target_cxcywh"] = torch.cat([(tgt[:, :2] + tgt[:, 2:]) / 2, tgt[:, 2:] - tgt[:, :2]], 1)
    # ROC AUC: 300 scores with ties (one decimal), labels 0/1; AUC as P(s+ > s-) + P(s+ = s-)/2 by counting all pairs.
    g = gen("rocauc")
    y = (torch.rand(300, generator=g) < 0.4).double()
    s = torch.round((torch.randn(300, generator=g, dtype=torch.float64) + 0.8 * y) * 10) / 10
    sp, sn = s[y == 1], s[y == 0]
    gt = (sp[:, None] > sn[None, :]).double().sum() + 0.5 * (sp[:, None] == sn[None, :]).double().sum()
    m["auc.scores"], m["auc.labels"] = s.float(), y.float()
    m["auc.result"] = (gt / (len(sp) * len(sn))).reshape(1)
    save("metrics.safetensors", m, mmeta, OUT_LOSSES2)


if __name__ == "__main__":
    import sys
    if sys.argv[1:3] == ["--only", "losses2"]:
        losses2()
        print("wrote", sorted(os.listdir(OUT_LOSSES2)))
        sys.exit(0)
    torch.manual_seed(0)
    losses()
    optimizers()
    schedules()
    state_dict()
    print("wrote", sorted(os.listdir(OUT)))
    losses2()
