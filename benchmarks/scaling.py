"""How the render path scales with the length of the text.

Every section file but the front matter and the reference list is repeated k times
(k = 1, 2, 4, 8); the copies' figure, table and section ids get a suffix (``-2``,
``-3``, …) so that every id stays unique and every cross-reference resolves. Each
stage of the render path is then timed on its own, as the build runs it:

- ``read``: Pandoc's Markdown reader on the section files (``paperkit.manuscript.read_sources``,
  the check_parity job);
- ``resolve``: placeholders, cross-references, figures, tables (``paperkit.manuscript.resolve``);
- ``citeproc``: the first Pandoc pass (references.lua, citeproc, citations.lua), JSON → JSON;
- ``typst_writer``, ``html``, ``docx``: the three writers with their Lua filters;
- ``typst_compile``: Typst's PDF.

Run on a tree whose results are built (``python benchmarks/scaling.py [ROOT]``); the
benchmark (``benchmark.py``) runs it on its copy. Pandoc stages are timed in CPU
seconds of the child process (less noisy than wall time on a shared machine), the
in-process stages in CPU seconds of this process; each figure is the median of
``repeats`` runs, the copies interleaved.
"""

from __future__ import annotations

import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = ("read", "resolve", "citeproc", "typst_writer", "typst_compile", "html", "docx")
ID = re.compile(r"(?<![\w])([#@])(fig|tbl|sec):([A-Za-z0-9_]+(?:[-.][A-Za-z0-9_]+)*)")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _self_cpu() -> float:
    return time.process_time()


def repeated_sources(files: list[tuple[str, str]], copies: int) -> list[tuple[str, str]]:
    """The section files with every body section (all but the first and the last file)
    repeated ``copies`` times, ids of the copies suffixed."""
    head, body, tail = files[:1], files[1:-1], files[-1:]
    out = list(head)
    for copy in range(1, copies + 1):
        for path, text in body:
            if copy > 1:
                text = ID.sub(lambda m, c=copy: f"{m.group(1)}{m.group(2)}:{m.group(3)}-{c}", text)
                path = f"{path}#{copy}"
            out.append((path, text))
    return [*out, *tail]


def _pandoc(pandoc: str, source: Path, defaults: list[str], target: Path, extra=()) -> float:
    before = _children_cpu()
    subprocess.run(
        [pandoc, str(source), *(f"--defaults={d}" for d in defaults), *extra, f"--output={target}"],
        check=True,
        capture_output=True,
    )
    return _children_cpu() - before


def profile_once(root: Path, lang: str, copies: int, scratch: Path) -> dict[str, float]:
    """CPU seconds of each render stage for the text repeated ``copies`` times."""
    import pypandoc
    import yaml

    from paperkit.languages import Language
    from paperkit.manuscript import Context, read_sources, read_tables, resolve
    from paperkit.numbers import merge_numbers
    from paperkit.paper import Paper
    from paperkit.registry import Registry

    config = yaml.safe_load((root / "config" / "config.yaml").read_text(encoding="utf-8"))
    manuscript = config["manuscript"]
    pandoc = pypandoc.get_pandoc_path()
    registry = Registry.load(root / manuscript["registry"])
    folder = root / manuscript["folder"]
    files = [
        (str(p.relative_to(root)), p.read_text(encoding="utf-8"))
        for p in sorted((folder / lang).glob("*.md"))
    ]
    files = repeated_sources(files, copies)
    times: dict[str, float] = {}

    start = _children_cpu()
    ast = read_sources(pandoc, files)
    times["read"] = _children_cpu() - start

    numbers = merge_numbers(
        {p: json.loads((root / p).read_text("utf-8")) for p in registry.numbers}
    )
    labels = yaml.safe_load((root / manuscript["labels"]).read_text(encoding="utf-8"))[lang]
    tables = read_tables(
        pandoc,
        {
            name: (root / f"results/tables/{lang}/{name}.md").read_text(encoding="utf-8")
            for name in registry.tables
        },
    )
    tables |= {f"{name}-{c}": blocks for name, blocks in tables.items() for c in range(2, 65)}
    checked = json.loads((root / "results/checks/claims.json").read_text("utf-8"))
    context = Context(
        numbers=numbers,
        language=Language.from_config(lang, config["languages"][lang]),
        labels=labels,
        figure_prefix=f"results/figures/{lang}",
        tables=tables,
        claims=set(yaml.safe_load((root / manuscript["claims"]).read_text("utf-8"))),
        claim_phrases={
            outcome["claim"]: [(r["phrase"], r["why"]) for r in outcome["phrases"][lang]]
            for outcome in checked["claims"]
            if outcome.get("phrases", {}).get(lang)
        },
    )
    start = _self_cpu()
    resolved = resolve(ast, context, dict(files))
    times["resolve"] = _self_cpu() - start

    source = scratch / "resolved.json"
    source.write_text(json.dumps(resolved, ensure_ascii=False), encoding="utf-8")
    defaults = root / Paper.load(config, root).defaults_folder
    common = str(defaults / "common.yaml")
    bibliography = [f"--bibliography={root / p}" for p in manuscript["bibliography"]]
    cited = scratch / "cited.json"
    times["citeproc"] = _pandoc(
        pandoc, source, [str(defaults / "citeproc.yaml")], cited, bibliography
    )
    typ = scratch / "paper.typ"
    times["typst_writer"] = _pandoc(pandoc, cited, [common, str(defaults / "typst.yaml")], typ)
    html_words = [f"--metadata=provenance-{k}={v}" for k, v in labels["provenance"].items()]
    times["html"] = _pandoc(
        pandoc, cited, [common, str(defaults / "html.yaml")], scratch / "p.html", html_words
    )
    times["docx"] = _pandoc(
        pandoc, cited, [common, str(defaults / "docx.yaml")], scratch / "p.docx"
    )

    import typst

    from paperkit.render import APOSTROPHE_AFTER_DIGIT

    text = APOSTROPHE_AFTER_DIGIT.sub("’", typ.read_text(encoding="utf-8"))
    start = _self_cpu()
    typst.compile(text.encode("utf-8"), root=".", timestamp=1700000000, ignore_system_fonts=True)
    times["typst_compile"] = _self_cpu() - start
    return times


def render_scaling(root: Path, lang: str = "en", copies=(1, 2, 4, 8), repeats: int = 3) -> dict:
    """Median CPU seconds per stage and copies, and each stage's ratio to one copy."""
    samples: dict[int, list[dict]] = {k: [] for k in copies}
    here = Path.cwd()
    os.chdir(root)  # Pandoc and Typst read the figures relative to the root, as in the build
    try:
        with tempfile.TemporaryDirectory(prefix="render-scaling-") as temp:
            for _ in range(repeats):
                for k in copies:  # interleaved, so that load on the machine hits every k
                    samples[k].append(profile_once(root, lang, k, Path(temp)))
    finally:
        os.chdir(here)
    medians = {
        k: {stage: statistics.median(s[stage] for s in runs) for stage in STAGES}
        for k, runs in samples.items()
    }
    for k in medians:
        medians[k]["total"] = sum(medians[k][stage] for stage in STAGES)
    base = medians[copies[0]]
    return {
        "lang": lang,
        "repeats": repeats,
        "cpu_s": {k: {s: round(v, 3) for s, v in m.items()} for k, m in medians.items()},
        "ratio_to_1x": {
            k: {s: round(v / base[s], 2) if base[s] else None for s, v in m.items()}
            for k, m in medians.items()
        },
    }


def print_scaling(result: dict) -> None:
    stages = [*STAGES, "total"]
    print(f"render scaling ({result['lang']}, CPU s, median of {result['repeats']}):")
    print(f"{'copies':>8} " + " ".join(f"{s:>13}" for s in stages))
    for k, row in result["cpu_s"].items():
        ratio = result["ratio_to_1x"][k]
        cells = [f"{row[s]:6.2f} ({ratio[s]:4.2f}×)" for s in stages]
        print(f"{k:>7}× " + " ".join(f"{c:>13}" for c in cells))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--lang", default="en")
    parser.add_argument("--copies", default="1,2,4,8")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = render_scaling(
        args.root.resolve(), args.lang, tuple(int(c) for c in args.copies.split(",")), args.repeats
    )
    print_scaling(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    sys.exit(0)
