#!/usr/bin/env python3
"""PyTorch's side of bench/cpu_vs_pytorch.sh: the workloads of bench/cpu_workloads.cpp, with the
same options, printing the same one-line JSON. Used only for this comparison, never at run time.

The networks come from the fixture generators (tests/fixtures/make_network_fixtures.py and
make_sam_fixtures.py), which define them from SPEC.md; medpy computes the metrics.
Usage: cpu_workloads_torch.py --workload NAME [--iters 3] [--warmup 1] [--threads N]
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fixtures"))
import make_network_fixtures as nets  # noqa: E402
import make_sam_fixtures as sam  # noqa: E402


def mean_teacher(width, size):
    """One MT iteration as src/ssl/mean_teacher.cpp: student on the batch, teacher (train mode,
    dropout on) on the noisy unlabelled case, CE + Dice supervised, softmax-MSE consistency,
    pseudo-label loss, SGD (momentum 0.9, weight decay 1e-4), EMA of the teacher."""
    torch.manual_seed(1)
    student = nets.UNet3D(base=width)
    teacher = nets.UNet3D(base=width)
    teacher.load_state_dict(student.state_dict())
    for p in teacher.parameters():
        p.requires_grad_(False)
    student.train()
    teacher.train()
    opt = torch.optim.SGD(student.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    images = torch.randn(2, 1, size, size, size)
    labels = (images[:, 0] > 0.5).long()

    def step(i):
        logits = student(images)
        with torch.no_grad():
            noise = torch.clamp(torch.randn_like(images[1:]) * 0.1, -0.2, 0.2)
            teacher_logits = teacher(images[1:] + noise)
        supervised = nets.supervised_loss(logits[:1], labels[:1], 2)
        consistency = torch.mean((torch.softmax(logits[1:], 1) - torch.softmax(teacher_logits, 1)) ** 2)
        pseudo = nets.supervised_loss(logits[1:], labels[1:], 2)
        total = supervised + 0.1 * consistency + 0.5 * pseudo
        opt.zero_grad()
        total.backward()
        opt.step()
        alpha = min(1 - 1 / (i + 1), 0.99)
        with torch.no_grad():
            for t, s in zip(teacher.parameters(), student.parameters()):
                t.mul_(alpha).add_(s, alpha=1 - alpha)
    return step


def unet_forward(width, size):
    torch.manual_seed(1)
    net = nets.UNet3D(base=width).eval()
    x = torch.randn(1, 1, size, size, size)

    def step(i):
        with torch.no_grad():
            net(x)
    return step


def sam_encoder():
    torch.manual_seed(1)
    encoder = sam.Encoder(**sam.CONFIGS["vit_b_ori"]).eval()
    x = torch.randn(1, 1, 128, 128, 128)

    def step(i):
        with torch.no_grad():
            encoder(x)
    return step


def blob_mask(shape, shift, phase):
    """bench/bench_masks.h's blob, in numpy."""
    x, y, z = np.meshgrid(*[np.arange(n, dtype=np.float64) for n in shape], indexing="ij")
    dx = (x - (shape[0] / 2.0 + shift)) / 45.0
    dy = (y - shape[1] / 2.0) / 38.0
    dz = (z - shape[2] / 2.0) / 26.0
    r = np.sqrt(dx * dx + dy * dy + dz * dz)
    theta = np.arctan2(dy, dx)
    phi = np.arctan2(dz, np.hypot(dx, dy))
    wobble = 0.08 * np.sin(3 * theta + phase) * np.cos(2 * phi) + \
        0.05 * np.sin(5 * theta - 2 * phase) * np.sin(3 * phi)
    return (r < 1.0 + wobble).astype(np.uint8)


def metrics():
    from medpy.metric import binary as mb
    pred = blob_mask((160, 160, 96), 0.0, 0.0)
    ref = blob_mask((160, 160, 96), 2.5, 0.6)

    def step(i):
        mb.dc(pred, ref), mb.jc(pred, ref), mb.hd95(pred, ref), mb.asd(pred, ref)
    return step


WORKLOADS = {
    "mt_w8_32": lambda: mean_teacher(8, 32),
    "mt_w16_64": lambda: mean_teacher(16, 64),
    "unet_fwd_128": lambda: unet_forward(16, 128),
    "sam_vit_b": sam_encoder,
    "metrics_160": metrics,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", required=True, choices=sorted(WORKLOADS))
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    run = WORKLOADS[a.workload]()
    for i in range(a.warmup):
        run(i)
    times = []
    for i in range(a.iters):
        start = time.perf_counter()
        run(a.warmup + i)
        times.append(1000.0 * (time.perf_counter() - start))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"side": "pytorch", "workload": a.workload, "threads": torch.get_num_threads(),
                      "times_ms": [round(t, 3) for t in times], "peak_rss_mib": round(peak, 1),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
