#!/usr/bin/env python3
"""Summary of a tools/gpu-check.sh run, from the logs it leaves in its log folder.

Usage: gpu_check_summary.py LOG_DIR REFERENCE_JSON

Reads, where present (any may be missing: a phase that never ran leaves nothing):
  phases.tsv        name, exit status, seconds, limit, CPU seconds of every phase (gpu-check.sh)
  ctest.log         ctest's output; tests.json: `ctest --show-only=json-v1` (test -> executable)
  sanitizer-*.log   compute-sanitizer runs
  *.json            benchmark results (bench/*.cpp write them), compared with PyTorch's H100
                    figures in REFERENCE_JSON (shared/reference/pytorch-h100-baseline.json)
Prints the phase table, passed/failed/skipped per test executable, the sanitizer verdicts, the
benchmark table and the rows to paste into docs/performance.md. Standard library only: the GPU
machine has no registry.
"""
import glob
import json
import os
import re
import sys

# A ctest result line, e.g. "  7/213 Test  #12: Suite.Name ....***Skipped   0.01 sec". Names of
# parameterised GoogleTest cases carry spaces: "Dtypes/CudaVsCpu.EveryOpMatches/float32  #
# GetParam() = 1-byte object <00>" (gtest_discover_tests keeps the parameter's print-out).
RESULT = re.compile(r"^\s*\d+/\d+\s+Test\s+#\d+:\s+(.+?)\s+\.*\s*(\*\*\*)?"
                    r"(Passed|Failed|Skipped|Timeout|Not Run|Exception)\b")
GETPARAM = re.compile(r"\s+#\s+GetParam\(\).*$")


def short_name(name):
    """The test's name without gtest's parameter print-out (as --gtest_filter takes it)."""
    return GETPARAM.sub("", name).strip()

# Which PyTorch figure each benchmark row is compared with (pytorch-h100-baseline.json, measured
# on an H100 80GB). PyTorch's default allows TF32 in cuDNN, so its fp32 weights run ("seed") is
# the tf32 row's peer and "amp" (bf16 autocast) the bf16 row's; no strict-fp32 figure exists.
REFERENCE_KEYS = {
    ("mt_step", "tf32"): "mt/seed",
    ("mt_step", "bf16"): "mt/amp",
    ("sam_encoder", "tf32"): "sam_fwd/seed",
    ("sam_encoder", "bf16"): "sam_fwd/amp",
}


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def load_json(path):
    text = read(path)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def ctest_results(log_text):
    """Test name -> status word as ctest printed it (the last line wins: reruns repeat names)."""
    results = {}
    for line in (log_text or "").splitlines():
        m = RESULT.match(line)
        if m:
            results[short_name(m.group(1))] = m.group(3)
    return results


def test_executables(tests_json):
    """Test name -> the executable (or script) that runs it, from ctest --show-only=json-v1."""
    owners = {}
    for t in (tests_json or {}).get("tests", []):
        cmd = t.get("command") or []
        exe = os.path.basename(cmd[0]) if cmd else "?"
        # Shell-script tests (cli.semisam, cli_flags): name the script, not the shell.
        if exe in ("bash", "sh") and len(cmd) > 1:
            exe = os.path.basename(cmd[1])
        owners[short_name(t.get("name", "?"))] = exe
    return owners


def suite_table(results, owners):
    """Rows (suite, passed, failed, skipped, not run): not run = listed but no result line, as
    when the suite's time limit stopped ctest."""
    suites = {}
    def row(suite):
        return suites.setdefault(suite, {"passed": 0, "failed": 0, "skipped": 0, "not run": 0})
    for name, status in results.items():
        r = row(owners.get(name, "?"))
        if status == "Passed":
            r["passed"] += 1
        elif status == "Skipped":
            r["skipped"] += 1
        elif status == "Not Run":
            r["not run"] += 1
        else:
            r["failed"] += 1
    for name, suite in owners.items():
        if name not in results:
            row(suite)["not run"] += 1
    return [(s, v["passed"], v["failed"], v["skipped"], v["not run"]) for s, v in sorted(suites.items())]


# The same four figures, for a machine where the reference file did not travel (../shared stays
# behind): copied from pytorch-h100-baseline.json, "results_ms_and_peak_GiB".
BUILTIN_REFERENCE = {"results_ms_and_peak_GiB": {
    "mt/seed": {"ms": 118.39}, "mt/amp": {"ms": 110.94},
    "sam_fwd/seed": {"ms": 31.49}, "sam_fwd/amp": {"ms": 24.92}}}


def reference_ms(reference, bench, precision):
    key = REFERENCE_KEYS.get((bench, precision))
    if not key or not reference:
        return None, None
    entry = reference.get("results_ms_and_peak_GiB", {}).get(key)
    return (entry["ms"], key) if entry else (None, None)


def bench_rows(log_dir, reference):
    """Rows (benchmark, case, median ms, PyTorch ms, PyTorch/ours, note) from the JSON files."""
    rows = []
    for path in sorted(glob.glob(os.path.join(log_dir, "*.json"))):
        name = os.path.basename(path)
        data = load_json(path)
        if name == "tests.json" or not isinstance(data, dict):
            continue
        env = data.get("environment", {})
        device = env.get("device", data.get("device", "?"))
        if name.startswith(("mt_step", "sam_encoder")):
            bench = "mt_step" if name.startswith("mt_step") else "sam_encoder"
            for r in data.get("results", []):
                precision = r.get("precision", "?")
                if "error" in r:
                    rows.append((bench, precision, None, None, None, "failed: " + r["error"][:60]))
                    continue
                ms = float(r.get("median_ms", "nan"))
                ref, key = reference_ms(reference, bench, precision)
                peak = r.get("peak_gib")
                note = "peak %.2f GiB" % float(peak) if peak else ""
                if not str(device).startswith("cuda"):
                    ref, note = None, (note + "; " if note else "") + "CPU run, not comparable"
                elif key is None:
                    note = (note + "; " if note else "") + "no PyTorch figure for this precision"
                rows.append((bench, precision, ms, ref, (ref / ms) if ref and ms > 0 else None, note))
        elif name.startswith("conv_layouts"):
            # The U-Net sum per layout and precision: each layer's passes times its uses.
            sums = {}
            for r in data.get("results", []):
                key = (r.get("layout", "?"), r.get("precision", "?"))
                total = sums.setdefault(key, 0.0)
                for p in ("forward", "data_grad", "weight_grad"):
                    v = r.get(p)
                    if isinstance(v, dict) and "ms" in v:
                        total += float(v["ms"]) * int(r.get("uses", 1))
                sums[key] = total
            for (layout, precision), total in sorted(sums.items()):
                rows.append(("conv_layouts", "%s %s U-Net sum" % (layout, precision), total, None,
                             None, "no PyTorch figure (compare layouts with each other)"))
        elif name.startswith("metrics"):
            for case, ms in sorted((data.get("median_ms") or {}).items()):
                rows.append(("metrics_bench", case, float(ms), None, None, data.get("device", "")))
    return rows


def fmt(v, spec="%.2f"):
    return "—" if v is None else spec % v


def table(header, rows):
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    log_dir, reference_path = argv[1], argv[2]
    reference = load_json(reference_path)
    if reference is None:
        reference, reference_path = BUILTIN_REFERENCE, "figures built into gpu_check_summary.py"
    out = []

    phases = [line.split("\t") for line in (read(os.path.join(log_dir, "phases.tsv")) or "").splitlines() if line]
    if phases:
        out.append("Phases (exit status 124 = stopped at its time limit):")
        phases = [(p + ["", "", "", "", ""])[:5] for p in phases]
        out.append(table(["phase", "exit", "seconds", "limit s", "CPU s"], phases))

    results = ctest_results(read(os.path.join(log_dir, "ctest.log")))
    owners = test_executables(load_json(os.path.join(log_dir, "tests.json")))
    suites = suite_table(results, owners)
    out.append("")
    if suites:
        total = [sum(r[i] for r in suites) for i in range(1, 5)]
        out.append("Tests per executable:")
        out.append(table(["suite", "passed", "failed", "skipped", "not run"],
                         suites + [("all", *total)]))
        failed = sorted(n for n, s in results.items() if s not in ("Passed", "Skipped"))
        if failed:
            out.append("Failed: " + ", ".join(failed[:30]) + (" …" if len(failed) > 30 else ""))
    else:
        out.append("Tests: no ctest results (the test phase did not run or printed nothing)")

    sanitizer = []
    for path in sorted(glob.glob(os.path.join(log_dir, "sanitizer-*.log"))):
        text = read(path) or ""
        m = re.search(r"ERROR SUMMARY: (\d+) error", text)
        verdict = ("%s errors" % m.group(1)) if m else "no ERROR SUMMARY line"
        skip = re.search(r"^gpu-check: (skipped: .*)$", text, re.M)
        if skip:
            verdict = skip.group(1)
        sanitizer.append((os.path.basename(path)[len("sanitizer-"):-len(".log")], verdict))
    if sanitizer:
        out.append("")
        out.append("compute-sanitizer memcheck:")
        out.append(table(["run", "verdict"], sanitizer))

    rows = bench_rows(log_dir, reference)
    out.append("")
    if rows:
        out.append("Benchmarks (median ms; PyTorch: H100 80GB, %s):" % os.path.basename(reference_path))
        out.append(table(["benchmark", "case", "ms", "PyTorch ms", "PyTorch/ours", "note"],
                         [(b, c, fmt(ms), fmt(ref), fmt(x, "%.2fx"), n) for b, c, ms, ref, x, n in rows]))
        paste = [r for r in rows if r[0] == "mt_step"]
        env = {}
        for path in glob.glob(os.path.join(log_dir, "mt_step_*.json")):
            env = (load_json(path) or {}).get("environment", {})
        if paste and str(env.get("device", "")).startswith("cuda"):
            out.append("")
            out.append("Paste into docs/performance.md, section 2 (One Mean-Teacher iteration):")
            where = "%s · cuDNN %s · %s" % (env.get("gpu", "?"), env.get("cudnn", "?"), env.get("commit", "?"))
            for b, c, ms, ref, x, note in paste:
                if ms is None:
                    out.append("| %s | %s | — | — | %s |" % (c, note, where))
                    continue
                peak = re.search(r"peak ([0-9.]+)", note)
                out.append("| %s | %.2f | %s | %s | %s |" % (c, ms, peak.group(1) if peak else "—",
                                                           fmt(118.39 / ms, "%.2f"), where))
    else:
        out.append("Benchmarks: no results (the bench phase did not run or wrote nothing)")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
