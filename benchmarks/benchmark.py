"""Benchmark the paper build: cold build, no-change rebuild, text-only edit, peak memory.

Run with `make bench` (or `.venv/bin/python benchmarks/benchmark.py`). It copies
the repository into a temporary folder, builds it there with the sources taken
from the mirror ($PAPER_DATA_MIRROR, else ../shared/data) and prints the wall
times and the peak resident memory of the whole process tree (sampled every
20 ms). Targets on a 2-core machine: cold ≤ 20 s, no change ≤ 1.5 s, text
edit → all six documents ≤ 3 s, peak memory ≤ 1 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


def copy_project(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in listed.splitlines():
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)


def timed_build(workdir: Path, env: dict, cores: int) -> tuple[float, int]:
    """Run snakemake once; return (seconds, peak RSS of the process tree in bytes)."""
    start = time.perf_counter()
    process = psutil.Popen(
        [sys.executable, "-m", "snakemake", "--cores", str(cores)],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"build failed in {workdir}:\n{stderr[-3000:]}")
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    mirror = os.environ.get("PAPER_DATA_MIRROR") or str(ROOT.parent / "shared" / "data")
    env = {**os.environ, "PAPER_DATA_MIRROR": mirror, "SOURCE_DATE_EPOCH": "1700000000"}
    with tempfile.TemporaryDirectory(prefix="paper-bench-") as temp:
        workdir = Path(temp)
        copy_project(workdir)
        cold, cold_peak = timed_build(workdir, env, args.cores)
        unchanged, _ = timed_build(workdir, env, args.cores)
        for lang in ("en", "tr"):  # a text-only edit in both languages
            source = workdir / "manuscript" / lang / "10-introduction.md"
            source.write_text(
                source.read_text(encoding="utf-8") + "\nBenchmark edit.\n", encoding="utf-8"
            )
        edit, edit_peak = timed_build(workdir, env, args.cores)
    figures = {
        "cores": args.cores,
        "cold_build_s": round(cold, 2),
        "no_change_s": round(unchanged, 2),
        "text_edit_s": round(edit, 2),
        "peak_memory_mib": round(max(cold_peak, edit_peak) / 2**20),
    }
    targets = {"cold_build_s": 20, "no_change_s": 1.5, "text_edit_s": 3, "peak_memory_mib": 1024}
    for key, value in figures.items():
        limit = targets.get(key)
        verdict = "" if limit is None else ("  ok" if value <= limit else f"  OVER target {limit}")
        print(f"{key:>16}: {value}{verdict}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
