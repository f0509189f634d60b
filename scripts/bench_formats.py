"""Benchmark (not a test): one `privpath check` over a config with many snapshot targets
(every fixture, cycled), rendered in each format, and in all five at once. Shows what
reporting costs next to loading and evaluating, as targets grow. See docs/performance.md.

    python3 scripts/bench_formats.py [--bin target/release/privpath] [--targets 70,280] [--runs 15]
"""

import argparse
import pathlib
import statistics
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
FORMATS = ["table", "json", "junit", "sarif", "markdown"]


def config(n, out):
    files = sorted((ROOT / "fixtures").glob("*/*.json"))
    files = [f for f in files if f.name != "expected.json"]
    lines = []
    for i in range(n):
        lines += [f"[targets.t{i:04}]", f'snapshot = "{files[i % len(files)]}"']
    out.write_text("\n".join(lines) + "\n")


def timed(cmd, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default=str(ROOT / "target/release/privpath"))
    p.add_argument("--targets", default="70,280")
    p.add_argument("--runs", type=int, default=15)
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        for n in map(int, a.targets.split(",")):
            cfg = tmp / f"bench-{n}.toml"
            config(n, cfg)
            base = [a.bin, "check", "--config", str(cfg), "-q"]
            row = {f: timed(base + ["--format", f], a.runs) for f in FORMATS}
            everything = base[:]
            for f in FORMATS:
                everything += ["--format", f, "--output", str(tmp / f"out.{f}")]
            row["all five"] = timed(everything, a.runs)
            cells = ", ".join(f"{k} {v:.1f} ms" for k, v in row.items())
            print(f"{n} targets ({n * 19} findings), median of {a.runs}: {cells}")


if __name__ == "__main__":
    main()
