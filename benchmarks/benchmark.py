"""Benchmark the paper build: ratios measured in one run, each the median of alternating runs.

Run with `make bench` (or `.venv/bin/python benchmarks/benchmark.py --baseline HEAD~1`).
It copies the repository into a temporary folder and builds it there with the
sources taken from the mirror ($PAPER_DATA_MIRROR, else ../shared/data). Machines
are shared and noisy, so every figure is a ratio of two things timed in turn
(A B A B ...), the median of ``--runs`` runs (of the pairs' ratios):

- against ``--baseline REF`` (``make bench``: the previous commit), built from
  ``git archive`` the same way: the cold build, the text-only edit (both languages,
  until the six documents are written) and peak memory; REF gets its own environment
  (its ``make env``) when its lock differs from this tree's;
- the no-change run against ``snakemake --version`` (Snakemake's own start-up);
- our PDF route (citeproc pass, Typst writer, Typst) against pandoc + XeLaTeX on the
  same resolved text, both languages, if ``xelatex`` is installed (else: absent);
- how the render path scales with the length of the text: every section repeated
  1, 4 and 8 times, each stage timed (``benchmarks/scaling.py``).

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
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from paperkit.runner import snakemake_command, start_snakemake

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))  # scaling.py beside this file


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


def timed_build(
    workdir: Path, env: dict, cores: int, python: str = sys.executable
) -> tuple[float, float, int]:
    """Run snakemake once; return (seconds, CPU seconds of the process tree, peak RSS of
    the process tree in bytes). CPU seconds (user and system, of Snakemake and every job
    it waited for) move far less than wall time when other work shares the machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = start_snakemake(
        workdir,
        mirror=env["PAPER_DATA_MIRROR"],
        epoch=env["SOURCE_DATE_EPOCH"],
        cores=cores,
        python=python,
        popen=psutil.Popen,
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
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"build failed in {workdir}:\n{stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, peak


def copy_commit(ref: str, target: Path) -> None:
    """The tracked files of commit ``ref``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)


def edit_text(workdir: Path, count: int = 1) -> None:
    """A text-only edit in both languages (the ``count``-th: each edit differs)."""
    for lang in ("en", "tr"):
        source = workdir / "manuscript" / lang / "10-introduction.md"
        source.write_text(
            source.read_text(encoding="utf-8") + f"\nBenchmark edit {count}.\n", encoding="utf-8"
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


def median(values: list[float]) -> float:
    return statistics.median(values)


def paired_ratio(a: list[float], b: list[float]) -> float:
    """The median of the ratios of runs taken in turn (a[i] / b[i])."""
    return round(median([x / y for x, y in zip(a, b, strict=True)]), 3)


def timed_command(command: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


class Tree:
    """One tree to build (this one, or the baseline's), with the Python that builds it."""

    def __init__(self, name: str, make_copy, python: str, folder: Path):
        self.name, self.make_copy, self.python, self.folder = name, make_copy, python, folder
        self.count = 0
        self.current: Path | None = None

    def fresh(self) -> Path:
        self.count += 1
        target = self.folder / f"{self.name.replace('/', '_')}-{self.count}"
        target.mkdir(parents=True)
        self.make_copy(target)
        self.current = target
        return target


def baseline_python(ref: str, folder: Path, env: dict) -> str:
    """The Python that builds ``ref``: this one when ``ref`` locks the same environment,
    else that of a venv made by ``ref``'s own ``make env``."""
    same = True
    for lock in ("requirements/runtime.txt", "requirements/lock.txt"):
        theirs = subprocess.run(
            ["git", "show", f"{ref}:{lock}"], cwd=ROOT, capture_output=True, check=False
        )
        ours = (ROOT / lock).read_bytes() if (ROOT / lock).is_file() else None
        if (theirs.stdout if theirs.returncode == 0 else None) != ours:
            same = False
    if same:
        return sys.executable
    print(f"{ref} locks another environment: making it (its make env)", file=sys.stderr)
    folder.mkdir(parents=True)
    copy_commit(ref, folder)
    subprocess.run(["make", "env"], cwd=folder, env=env, check=True, capture_output=True)
    return str(folder / ".venv" / "bin" / "python")


def compare_builds(
    trees: list[Tree], env: dict, cores: int, runs: int, cold_only: bool = False
) -> dict:
    """Cold build (wall and CPU seconds), no-change run and text edit of each tree, the
    trees in turn, ``runs`` times; the no-change runs alternate with ``snakemake
    --version`` too. ``cold_only``: the cold builds alone."""
    keys = ("cold_build_s", "cold_build_cpu_s", "no_change_s", "text_edit_s", "version_s")
    times: dict[str, dict[str, list[float]]] = {t.name: {key: [] for key in keys} for t in trees}
    peaks: dict[str, list[int]] = {t.name: [] for t in trees}
    for _ in range(runs):
        for tree in trees:
            seconds, cpu, peak = timed_build(tree.fresh(), env, cores, tree.python)
            times[tree.name]["cold_build_s"].append(seconds)
            times[tree.name]["cold_build_cpu_s"].append(cpu)
            peaks[tree.name].append(peak)
    for index in range(0 if cold_only else runs):
        for tree in trees:
            seconds, _, _ = timed_build(tree.current, env, cores, tree.python)
            times[tree.name]["no_change_s"].append(seconds)
            version = snakemake_command("--version", cores=None, python=tree.python)
            times[tree.name]["version_s"].append(timed_command(version, tree.current, env))
        for tree in trees:
            edit_text(tree.current, index + 1)
            seconds, _, peak = timed_build(tree.current, env, cores, tree.python)
            times[tree.name]["text_edit_s"].append(seconds)
            peaks[tree.name].append(peak)
    out = {}
    for tree in trees:
        entry = {
            key: round(median(values), 2) for key, values in times[tree.name].items() if values
        }
        entry["peak_memory_mib"] = round(max(peaks[tree.name]) / 2**20)
        if not cold_only:
            entry["no_change_over_version"] = paired_ratio(
                times[tree.name]["no_change_s"], times[tree.name]["version_s"]
            )
        out[tree.name] = entry
    for base in trees[1:]:
        mine, theirs = times[trees[0].name], times[base.name]
        ratios = {
            key: paired_ratio(mine[key], theirs[key])
            for key in ("cold_build_s", "cold_build_cpu_s", "no_change_s", "text_edit_s")
            if mine[key]
        }
        ratios["peak_memory_mib"] = round(
            out[trees[0].name]["peak_memory_mib"] / out[base.name]["peak_memory_mib"], 2
        )
        out.setdefault("ratio_to", {})[base.name] = ratios
    return out


def pdf_routes(workdir: Path, runs: int) -> dict:
    """Both PDFs from the resolved texts (``paper.json``): our route (citeproc pass, Typst
    writer, Typst) against pandoc + XeLaTeX on the same citeproc output, in turn."""
    xelatex = shutil.which("xelatex")
    if xelatex is None:
        return {"xelatex": "absent (Debian's texlive-xetex is not installed)"}
    import pypandoc
    import typst
    import yaml

    from paperkit.paper import Paper
    from paperkit.render import APOSTROPHE_AFTER_DIGIT

    pandoc = pypandoc.get_pandoc_path()
    config = yaml.safe_load((workdir / "config" / "config.yaml").read_text(encoding="utf-8"))
    manuscript = config["manuscript"]
    defaults = Path(Paper.load(config, workdir).defaults_folder)
    bibliography = [f"--bibliography={path}" for path in manuscript["bibliography"]]
    languages = list(config["languages"])
    png_filter = defaults.parent / "filters" / "png-images.lua"

    def cite(lang: str, scratch: Path) -> Path:
        cited = scratch / f"{lang}.json"
        subprocess.run(
            [
                pandoc,
                f"{manuscript['folder']}/build/{lang}/paper.json",
                f"--defaults={defaults / 'citeproc.yaml'}",
                *bibliography,
                f"--output={cited}",
            ],
            cwd=workdir,
            check=True,
            capture_output=True,
        )
        return cited

    def ours(scratch: Path) -> None:
        for lang in languages:
            typ = scratch / f"{lang}.typ"
            subprocess.run(
                [
                    pandoc,
                    str(cite(lang, scratch)),
                    f"--defaults={defaults / 'common.yaml'}",
                    f"--defaults={defaults / 'typst.yaml'}",
                    f"--output={typ}",
                ],
                cwd=workdir,
                check=True,
                capture_output=True,
            )
            text = APOSTROPHE_AFTER_DIGIT.sub("’", typ.read_text(encoding="utf-8"))
            here = Path.cwd()
            os.chdir(workdir)
            try:
                typst.compile(
                    text.encode("utf-8"), root=".", timestamp=1700000000, ignore_system_fonts=True
                )
            finally:
                os.chdir(here)

    def peer(scratch: Path) -> None:
        for lang in languages:
            subprocess.run(
                [
                    pandoc,
                    str(cite(lang, scratch)),
                    "--from=json",
                    "--number-sections",
                    # the figures as PNG, as for the DOCX (LaTeX reads no SVG)
                    f"--lua-filter={png_filter}",
                    "--pdf-engine=xelatex",
                    f"--output={scratch / lang}.pdf",
                ],
                cwd=workdir,
                check=True,
                capture_output=True,
            )

    seconds: dict[str, list[float]] = {"typst": [], "xelatex": []}
    with tempfile.TemporaryDirectory(prefix="pdf-routes-") as temp:
        for run in range(runs + 1):  # the first pair warms the caches and is not counted
            for name, route in (("typst", ours), ("xelatex", peer)):
                start = time.perf_counter()
                route(Path(temp))
                if run:
                    seconds[name].append(time.perf_counter() - start)
    return {
        "typst_s": round(median(seconds["typst"]), 2),
        "xelatex_s": round(median(seconds["xelatex"]), 2),
        "typst_over_xelatex": paired_ratio(seconds["typst"], seconds["xelatex"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3, help="alternating runs per figure")
    parser.add_argument(
        "--baseline",
        action="append",
        default=[],
        metavar="REF[=PYTHON]",
        help="a commit to compare with in the same run (repeatable); =PYTHON: the Python "
        "that builds it (default: this one if REF locks the same environment, else made)",
    )
    parser.add_argument(
        "--this",
        metavar="REF",
        help="build this commit instead of the working tree (to measure a past change "
        "against its parent: --this REF --baseline REF~1)",
    )
    parser.add_argument(
        "--cold-only",
        action="store_true",
        help="cold builds only (no text edit, no-change run, PDF routes or scaling)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    from scaling import render_scaling

    mirror = os.environ.get("PAPER_DATA_MIRROR") or str(ROOT.parent / "shared" / "data")
    env = {**os.environ, "PAPER_DATA_MIRROR": mirror, "SOURCE_DATE_EPOCH": "1700000000"}
    figures: dict = {"cores": args.cores, "runs": args.runs, "this": args.this or "this"}
    with tempfile.TemporaryDirectory(prefix="paper-bench-") as temp:
        folder = Path(temp)
        if args.this:
            this = Tree(
                args.this,
                lambda t: copy_commit(args.this, t),
                baseline_python(args.this, folder / "env-this", env),
                folder,
            )
        else:
            # This tree as it is now, copied once: edits made while the benchmark runs
            # stay out.
            snapshot = folder / "snapshot"
            snapshot.mkdir()
            copy_project(snapshot)
            this = Tree(
                "this",
                lambda t: shutil.copytree(snapshot, t, dirs_exist_ok=True),
                sys.executable,
                folder,
            )
        trees = [this]
        for index, given in enumerate(args.baseline):
            ref, _, python = given.partition("=")
            # absolute, not resolved: the builds run in other folders, and a venv's python
            # is a symlink to the base interpreter
            python = (
                os.path.abspath(python)
                if python
                else baseline_python(ref, folder / f"env-{index}", env)
            )
            trees.append(Tree(ref, lambda t, ref=ref: copy_commit(ref, t), python, folder))
        figures["builds"] = compare_builds(trees, env, args.cores, args.runs, args.cold_only)
        workdir = trees[0].current
        if not args.cold_only:
            figures["pdf_routes"] = pdf_routes(workdir, args.runs)
            figures["render_scaling"] = render_scaling(workdir, "en", (1, 4, 8), args.runs)
            figures["multiverse"] = multiverse_figures(workdir)
            figures["did_scaling"] = did_scaling(workdir)
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def report(figures: dict) -> None:
    from scaling import print_scaling

    builds = figures["builds"]
    this_name = figures.get("this", "this")
    this = builds[this_name]
    print(f"Medians of {figures['runs']} alternating runs on {figures['cores']} cores.")
    print(f"{'':<46}{this_name:>10}{'other':>10}{'ratio':>9}  target")
    rows = []
    for ref, ratio in builds.get("ratio_to", {}).items():
        base = builds[ref]
        rows += [
            (f"cold build (s) vs {ref}", this["cold_build_s"], base["cold_build_s"],
             ratio["cold_build_s"], 0.6),
            (f"cold build (CPU s) vs {ref}", this["cold_build_cpu_s"],
             base["cold_build_cpu_s"], ratio["cold_build_cpu_s"], None),
            (f"peak memory (MiB) vs {ref}", this["peak_memory_mib"],
             base["peak_memory_mib"], ratio["peak_memory_mib"], None),
        ]  # fmt: skip
        if "text_edit_s" not in ratio:  # --cold-only
            continue
        rows += [
            (f"text edit → documents (s) vs {ref}", this["text_edit_s"],
             base["text_edit_s"], ratio["text_edit_s"], 0.6),
            (f"no-change run (s) vs {ref}", this["no_change_s"], base["no_change_s"],
             ratio["no_change_s"], None),
        ]  # fmt: skip
    if "pdf_routes" not in figures:  # --cold-only
        print_rows(rows)
        return
    rows.append(
        ("no-change run vs snakemake --version", this["no_change_s"], this["version_s"],
         this["no_change_over_version"], 1.2)
    )  # fmt: skip
    routes = figures["pdf_routes"]
    if "typst_s" in routes:
        rows.append(
            ("PDFs: Typst route vs pandoc+XeLaTeX", routes["typst_s"], routes["xelatex_s"],
             routes["typst_over_xelatex"], None)
        )  # fmt: skip
    scaling = figures["render_scaling"]
    for k, limit in ((4, 4.4), (8, 9.0)):
        if k in scaling["ratio_to_1x"]:
            rows.append(
                (f"render {k}× text vs 1× (CPU s)", scaling["cpu_s"][k]["total"],
                 scaling["cpu_s"][1]["total"], scaling["ratio_to_1x"][k]["total"], limit)
            )  # fmt: skip
    print_rows(rows)
    if "typst_s" not in routes:
        print(f"PDFs vs pandoc+XeLaTeX: {routes['xelatex']}")
    print_scaling(scaling)
    for family, entry in figures["multiverse"].items():
        print(f"multiverse {family:>8}: " + ", ".join(f"{k} {v}" for k, v in entry.items()))
    for row in figures["did_scaling"]:
        print(
            f"DiD k={row['k']:>2}: {row['observations']:>6} observations, "
            f"{row['clusters']:>4} clusters, {row['seconds']} s"
        )


def print_rows(rows: list[tuple]) -> None:
    for label, mine, other, ratio, limit in rows:
        verdict = "" if limit is None else (f"≤ {limit} ok" if ratio <= limit else f"> {limit}")
        print(f"{label:<46}{mine:>10}{other:>10}{ratio:>9}  {verdict}")


if __name__ == "__main__":
    main()
