"""Benchmark the paper build: cold build, no-change rebuild, text-only edit, peak memory,
the specification multiverse, and how the difference-in-differences scales.

Run with `make bench` (or `.venv/bin/python benchmarks/benchmark.py`). It copies
the repository into a temporary folder, builds it there with the sources taken
from the mirror ($PAPER_DATA_MIRROR, else ../shared/data) and prints the wall
times and the peak resident memory of the whole process tree (sampled every
20 ms). Machines are shared and noisy, so speed is best read as a ratio measured
in one run: ``--baseline REF`` builds that commit (``git archive``) the same way,
interleaved with this tree, and prints this tree's time over the baseline's.

Also reported: per multiverse family, its specifications, the wall and CPU
seconds and peak memory of its batch jobs (Snakemake's ``benchmark:`` records)
and the fits per second per core; and the DiD main fit on the real panel
replicated k = 1, 2, 4, 8, 16 times (each copy of a control citizenship is a new
citizenship with Poisson-resampled applicants), to show that its cost grows
about linearly with the panel (fixed effects absorbed, ``asylum_regime.ppml``).
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
    # The copy builds with its own code, not with the tree the packages were installed
    # from (editable installs).
    own_code = os.pathsep.join([str(workdir / "paperkit" / "src"), str(workdir / "src")])
    start = time.perf_counter()
    process = psutil.Popen(
        [sys.executable, "-m", "snakemake", "--cores", str(cores)],
        cwd=workdir,
        env={**env, "PYTHONPATH": own_code},
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


def copy_commit(ref: str, target: Path) -> None:
    """The tracked files of commit ``ref``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)


def edit_text(workdir: Path) -> None:
    """A text-only edit in both languages."""
    for lang in ("en", "tr"):
        source = workdir / "manuscript" / lang / "10-introduction.md"
        source.write_text(
            source.read_text(encoding="utf-8") + "\nBenchmark edit.\n", encoding="utf-8"
        )


def multiverse_figures(workdir: Path) -> dict:
    """Per family: specifications, batch jobs, their wall and CPU seconds, peak memory of
    one batch, and fits per second per core (specifications over CPU seconds)."""
    import csv

    figures = {}
    for table in sorted((workdir / "results" / "multiverse").glob("*.csv")):
        family = table.stem
        with table.open(encoding="utf-8") as handle:
            specifications = sum(1 for _ in handle) - 1
        records = []
        for record in sorted((workdir / "benchmarks" / "out").glob(f"multiverse_{family}_*.tsv")):
            with record.open(encoding="utf-8") as handle:
                records.append(next(csv.DictReader(handle, delimiter="\t")))
        cpu = sum(float(r["cpu_time"]) for r in records)
        figures[family] = {
            "specifications": specifications,
            "batch_jobs": len(records),
            "wall_s_sum": round(sum(float(r["s"]) for r in records), 2),
            "cpu_s_sum": round(cpu, 2),
            "peak_batch_memory_mib": round(max(float(r["max_rss"]) for r in records)),
            "fits_per_s_per_core": round(specifications / cpu, 1) if cpu else None,
        }
    return figures


def did_scaling(workdir: Path, copies=(1, 2, 4, 8, 16)) -> list[dict]:
    """Seconds of the main DiD fit (two-way, with a group trend, event study and honest
    bounds) on the real panel with its citizenships replicated k times (the copies
    are new citizenships off the route: controls). The code is this environment's
    (an editable install of this tree); the data are those ``workdir`` built."""
    import numpy as np
    import pandas as pd
    import yaml

    from asylum_regime.did import DidData, fit_did
    from asylum_regime.io import read_processed
    from asylum_regime.multiverse import family_main

    config = yaml.safe_load((workdir / "config" / "config.yaml").read_text(encoding="utf-8"))
    processed = workdir / "data" / "processed"
    data = DidData.load(
        read_processed(processed / "frontex.csv", "frontex"),
        read_processed(processed / "eu_asyapp.csv", "eu_asyapp"),
        read_processed(processed / "countrynames.csv", "countrynames"),
    )
    main = family_main(config, "did")
    rng = np.random.default_rng(1)
    rows = []
    for k in copies:
        panels, countries = {}, set(data.countries)
        for outcome, panel in data.panels.items():
            copies_of = [panel]
            for copy in range(1, k):
                twin = panel.assign(
                    nat=panel["nat"] + f"_{copy}",
                    applicants=rng.poisson(panel["applicants"].to_numpy(dtype=float)),
                )
                copies_of.append(twin)
                countries |= set(twin["nat"])
            panels[outcome] = pd.concat(copies_of, ignore_index=True)
        replicated = DidData(data.frontex, panels, countries)
        start = time.perf_counter()
        did = fit_did(replicated, config["models"]["did"], main)
        rows.append(
            {
                "k": k,
                "observations": did["sample"]["observations"],
                "clusters": did["sample"]["clusters"],
                "seconds": round(time.perf_counter() - start, 3),
            }
        )
    return rows


def build_figures(workdir: Path, env: dict, cores: int) -> dict:
    cold, cold_peak = timed_build(workdir, env, cores)
    unchanged, _ = timed_build(workdir, env, cores)
    edit_text(workdir)
    edit, edit_peak = timed_build(workdir, env, cores)
    return {
        "cold_build_s": round(cold, 2),
        "no_change_s": round(unchanged, 2),
        "text_edit_s": round(edit, 2),
        "peak_memory_mib": round(max(cold_peak, edit_peak) / 2**20),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--baseline", help="a commit to compare with in the same run")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    mirror = os.environ.get("PAPER_DATA_MIRROR") or str(ROOT.parent / "shared" / "data")
    env = {**os.environ, "PAPER_DATA_MIRROR": mirror, "SOURCE_DATE_EPOCH": "1700000000"}
    figures: dict = {"cores": args.cores}
    with tempfile.TemporaryDirectory(prefix="paper-bench-") as temp:
        workdir = Path(temp) / "this"
        workdir.mkdir()
        copy_project(workdir)
        figures["this"] = build_figures(workdir, env, args.cores)
        figures["multiverse"] = multiverse_figures(workdir)
        figures["did_scaling"] = did_scaling(workdir)
        if args.baseline:
            baseline = Path(temp) / "baseline"
            baseline.mkdir()
            copy_commit(args.baseline, baseline)
            figures["baseline"] = {"ref": args.baseline, **build_figures(baseline, env, args.cores)}
            figures["ratio_to_baseline"] = {
                key: round(figures["this"][key] / figures["baseline"][key], 2)
                for key in ("cold_build_s", "no_change_s", "text_edit_s", "peak_memory_mib")
            }
    targets = {"cold_build_s": 20, "no_change_s": 1.5, "text_edit_s": 3, "peak_memory_mib": 1024}
    for key, value in figures["this"].items():
        limit = targets.get(key)
        verdict = "" if limit is None else ("  ok" if value <= limit else f"  OVER target {limit}")
        print(f"{key:>16}: {value}{verdict}")
    for family, entry in figures["multiverse"].items():
        print(f"multiverse {family:>8}: " + ", ".join(f"{k} {v}" for k, v in entry.items()))
    for row in figures["did_scaling"]:
        print(
            f"DiD k={row['k']:>2}: {row['observations']:>6} observations, "
            f"{row['clusters']:>4} clusters, {row['seconds']} s"
        )
    if args.baseline:
        print(f"baseline {args.baseline}: {figures['baseline']}")
        print(f"ratio this/baseline: {figures['ratio_to_baseline']}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
