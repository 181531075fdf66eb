#!/usr/bin/env python3
"""Before/after table of two StaticCnn builds from table-mode JSON files of interleaved runs.

    python3 benchmarks/before_after.py --before b1.json b2.json --after a1.json a2.json [--markdown out.md]

Each file is the output of `StaticCnn.Benchmarks table --json` (the builds run alternately: before, after, before,
after, ...). Per workload and thread count it takes the median over the runs of each side's median, and prints both
times, the after/before speed ratio and each side's 2-thread speed-up (time at 1 thread / time at the most threads).
"""
import argparse
import json
import statistics


def load(paths):
    rows = {}
    for p in paths:
        with open(p) as f:
            doc = json.load(f)
        for r in doc["results"]:
            rows.setdefault((r["name"], r["variant"], r["threads"]), []).append(r["median_s"])
    return {k: statistics.median(v) for k, v in rows.items()}, doc["machine"]


def fmt(s):
    return f"{s * 1e6:.0f} µs" if s < 1e-3 else f"{s * 1e3:.2f} ms"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", nargs="+", required=True)
    ap.add_argument("--after", nargs="+", required=True)
    ap.add_argument("--markdown")
    a = ap.parse_args()
    before, _ = load(a.before)
    after, machine = load(a.after)
    threads = sorted({k[2] for k in after})
    lo, hi = threads[0], threads[-1]
    lines = [f"| workload | before {lo} / {hi} threads | after {lo} / {hi} threads | after ÷ before speed, {lo} / {hi} | "
             f"{hi}-thread speed-up before → after |", "|---|---|---|---|---|"]
    for (name, variant) in dict.fromkeys((k[0], k[1]) for k in after):
        b = [before.get((name, variant, t)) for t in (lo, hi)]
        n = [after.get((name, variant, t)) for t in (lo, hi)]
        if None in b or None in n:
            continue
        lines.append(f"| {name} {variant} | {fmt(b[0])} / {fmt(b[1])} | {fmt(n[0])} / {fmt(n[1])} | "
                     f"{b[0] / n[0]:.2f}× / {b[1] / n[1]:.2f}× | {b[0] / b[1]:.2f}× → {n[0] / n[1]:.2f}× |")
    text = "\n".join(lines) + "\n"
    print(f"{machine['cpu']}, {machine['cpu_count']} CPUs, {machine['isa']}, runs: {len(a.before)} + {len(a.after)}")
    print(text)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
