"""Report what changed in the paper between two states of its inputs.

    # a data update: an earlier release (config overlay, committed or not) → the current pins
    python reproducibility/report_changes.py --base-configfile config/releases/unhcr-2024.12.0.yaml
    # the current pins → a candidate release not yet committed
    python reproducibility/report_changes.py --new-configfile my-new-release.yaml
    # any two commits (CI: the previous commit against this one)
    python reproducibility/report_changes.py --base HEAD~1
    # two snapshots already built (results/snapshot.json of each)
    python reproducibility/report_changes.py --old OLD.json --new NEW.json

Each state is built in a clean clone (only up to results/snapshot.json: every
number as each language prints it, and every claim's truth). The report lists
every number whose printed value changed (old → new, in English and Turkish)
and every claim whose truth changed, as Markdown (stdout, or --output).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from paperkit.changes import compare, report_markdown, snapshot_languages
from paperkit.reproducibility import clone_and_build

ROOT = Path(__file__).resolve().parent.parent


SNAPSHOT = "results/snapshot.json"


def built_snapshot(ref: str | None, configfile: Path | None) -> dict:
    """Build ``ref`` (HEAD if None) in a clean clone, with the overlay ``configfile``
    (an absolute path: it need not be committed), up to the snapshot; return it."""
    with tempfile.TemporaryDirectory(prefix="paper-changes-") as scratch:
        extra = ["--configfile", str(configfile)] if configfile else []
        clone = clone_and_build(ROOT, Path(scratch), [SNAPSHOT], ref=ref, snakemake_args=extra)
        return json.loads((clone / SNAPSHOT).read_text(encoding="utf-8"))


def state(ref: str | None, overlay: Path | None) -> str:
    """How the report names one side: the commit, and the overlay if any."""
    name = ref or "HEAD"
    if overlay is None:
        return name
    shown = overlay.relative_to(ROOT) if overlay.is_relative_to(ROOT) else overlay
    return f"{name} with {shown}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="git ref of the old state (default: HEAD)")
    parser.add_argument("--base-configfile", type=Path, help="config overlay of the old state")
    parser.add_argument("--new-configfile", type=Path, help="config overlay of the new state")
    parser.add_argument("--old", type=Path, help="snapshot of the old state")
    parser.add_argument("--new", type=Path, help="snapshot of the new state")
    parser.add_argument("--output", type=Path, help="write the report here")
    parser.add_argument("--json", type=Path, help="also write the differences as JSON")
    args = parser.parse_args()
    if args.old and args.new:
        old = json.loads(args.old.read_text(encoding="utf-8"))
        new = json.loads(args.new.read_text(encoding="utf-8"))
        title = f"Changes from {args.old} to {args.new}"
    else:
        overlays = [
            path.resolve() if path else None for path in (args.base_configfile, args.new_configfile)
        ]
        for path in filter(None, overlays):
            if not path.is_file():
                sys.exit(f"no config overlay at {path}")
        try:
            old = built_snapshot(args.base, overlays[0])
            new = built_snapshot(None, overlays[1])
        except RuntimeError as error:
            sys.exit(str(error))
        before, after = state(args.base, overlays[0]), state(None, overlays[1])
        title = f"What changed in the paper: {before} → {after}"
    diff = compare(old, new)
    report = report_markdown(diff, title, snapshot_languages(new))
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)
    if args.json:
        args.json.write_text(json.dumps(diff, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
