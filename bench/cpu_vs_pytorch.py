#!/usr/bin/env python3
"""Runs semisam (bench/cpu_workloads) and PyTorch (bench/cpu_workloads_torch.py) side by side on
the CPU workloads of issue 11, alternating the two sides round by round so that a noisy, shared
machine slows both alike, and reports per-side medians, their ratio and peak resident memory.

Usage: cpu_vs_pytorch.py --semisam BUILD/bench/cpu_workloads --python VENV/bin/python
                         [--threads N] [--pin CPU] [--rounds 3] [--iters 2] [--warmup 1]
                         [--workloads a,b,...] [--label NAME] [--out FILE.json]
--threads N gives both sides N threads; --pin CPU runs both under `taskset -c CPU`.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = ["mt_w8_32", "mt_w16_64", "unet_fwd_128", "sam_vit_b", "metrics_160"]
TITLES = {
    "mt_w8_32": "one Mean-Teacher iteration, width 8, 32³, batch 2",
    "mt_w16_64": "one Mean-Teacher iteration, width 16, 64³, batch 2",
    "unet_fwd_128": "U-Net forward, width 16, 1×1×128³",
    "sam_vit_b": "SAM-Med3D vit_b_ori encoder, one 128³ volume",
    "metrics_160": "HD95 + ASD + Dice + Jaccard, 160×160×96 (PyTorch column: medpy)",
}


def run_side(cmd, pin):
    full = (["taskset", "-c", str(pin)] if pin is not None else []) + cmd
    out = subprocess.run(full, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def git_commit():
    try:
        return subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"], check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--semisam", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--threads", type=int, default=0, help="0: each side's default (all cores)")
    ap.add_argument("--pin", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--iters", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--workloads", default=",".join(WORKLOADS))
    ap.add_argument("--label", default="")
    ap.add_argument("--out", default="")
    a = ap.parse_args()

    common = ["--iters", str(a.iters), "--warmup", str(a.warmup)]
    if a.threads:
        common += ["--threads", str(a.threads)]
    rows = []
    for name in a.workloads.split(","):
        times = {"semisam": [], "pytorch": []}
        peak = {"semisam": 0.0, "pytorch": 0.0}
        threads = {}
        for r in range(a.rounds):
            # Alternate which side goes first, so neither always runs on a warmer machine.
            order = ["semisam", "pytorch"] if r % 2 == 0 else ["pytorch", "semisam"]
            for side in order:
                if side == "semisam":
                    cmd = [a.semisam, "--workload", name] + common
                else:
                    cmd = [a.python, os.path.join(HERE, "cpu_workloads_torch.py"), "--workload", name] + common
                res = run_side(cmd, a.pin)
                times[side] += res["times_ms"]
                peak[side] = max(peak[side], res["peak_rss_mib"])
                threads[side] = res["threads"]
                if "torch" in res:
                    threads["torch_version"] = res["torch"]
            print(f"  {name} round {r + 1}/{a.rounds}: semisam {statistics.median(times['semisam']):.1f} ms, "
                  f"pytorch {statistics.median(times['pytorch']):.1f} ms", file=sys.stderr, flush=True)
        med_s, med_p = statistics.median(times["semisam"]), statistics.median(times["pytorch"])
        rows.append({"workload": name, "title": TITLES[name], "semisam_ms": round(med_s, 2),
                     "pytorch_ms": round(med_p, 2), "ratio": round(med_s / med_p, 3),
                     "semisam_peak_rss_mib": peak["semisam"], "pytorch_peak_rss_mib": peak["pytorch"],
                     "samples": {k: [round(t, 2) for t in v] for k, v in times.items()},
                     "threads": threads})
    result = {"label": a.label, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "cpu": cpu_model(), "cores_visible": len(os.sched_getaffinity(0)), "pinned_cpu": a.pin,
              "threads_requested": a.threads or "default", "commit": git_commit(),
              "rounds": a.rounds, "iters_per_round": a.iters, "warmup": a.warmup, "rows": rows}
    print(f"\n{a.label or 'CPU comparison'}: {result['cpu']}, commit {result['commit']}, "
          f"threads {result['threads_requested']}, pinned {a.pin}")
    print("| workload | semisam ms | PyTorch ms | semisam / PyTorch | peak RSS MiB (semisam / PyTorch) |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print(f"| {row['title']} | {row['semisam_ms']:.1f} | {row['pytorch_ms']:.1f} | {row['ratio']:.2f} | "
              f"{row['semisam_peak_rss_mib']:.0f} / {row['pytorch_peak_rss_mib']:.0f} |")
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        tmp = a.out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(result, f, indent=2)
        os.replace(tmp, a.out)
        print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
