"""Rebuild the paper from a clean clone in a scratch folder and compare every output's bytes.

    python reproducibility/verify.py            # compare with reproducibility/manifest.sha256
    python reproducibility/verify.py --write    # record the manifest from this clean build
    python reproducibility/verify.py --twice    # two differently configured clean builds

The clone is of the committed state (HEAD); the sources come from the configured
mirror ($PAPER_DATA_MIRROR, else `mirror_dir` in config/config.yaml) or, without
one, from their pinned URLs. `--twice` builds the second clone with another
floating-point kernel and thread count (OPENBLAS_CORETYPE, OPENBLAS_NUM_THREADS,
OMP_NUM_THREADS), another temporary folder and another path, as a build on
another machine would differ. Exits 1 and lists every differing file when the
bytes differ. `make verify` and `make manifest` run it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from paperkit.reproducibility import (
    clone_and_build,
    differences,
    format_manifest,
    output_hashes,
    parse_manifest,
)

ROOT = Path(__file__).resolve().parent.parent


MANIFEST = ROOT / "reproducibility" / "manifest.sha256"


# The second build of --twice: another BLAS kernel (SSE3 instead of the machine's
# best), more threads, another temporary folder.
OTHER_MACHINE = {
    "OPENBLAS_CORETYPE": "Prescott",
    "OPENBLAS_NUM_THREADS": "2",
    "OMP_NUM_THREADS": "2",
}


def clean_build(scratch: Path, cores: int, env: dict[str, str] | None = None) -> dict[str, str]:
    """Clone HEAD into ``scratch``, build it, return the checksums of its outputs."""
    started = time.perf_counter()
    try:
        clone = clone_and_build(ROOT, scratch, ["all"], cores=cores, env=env)
    except RuntimeError as error:
        sys.exit(str(error))
    print(f"clean build in {clone}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return output_hashes(clone)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="record the manifest")
    mode.add_argument("--twice", action="store_true", help="compare two clean builds")
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    if subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip():
        print("note: uncommitted changes are not part of the clean clone", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="paper-verify-") as first:
        actual = clean_build(Path(first), args.cores)
        if args.write:
            MANIFEST.write_text(format_manifest(actual), encoding="utf-8")
            print(f"wrote {len(actual)} checksums to {MANIFEST.relative_to(ROOT)}")
            return 0
        if args.twice:
            with tempfile.TemporaryDirectory(prefix="paper-verify-again-") as second:
                temporary = Path(second) / "tmp"
                temporary.mkdir()
                other = OTHER_MACHINE | {"TMPDIR": str(temporary)}
                expected = clean_build(Path(second) / "elsewhere", args.cores, env=other)
        else:
            expected = parse_manifest(MANIFEST.read_text(encoding="utf-8"))
    problems = differences(expected, actual)
    same = sum(expected.get(name) == digest for name, digest in actual.items())
    print(f"{len(expected)} files expected, {len(actual)} built, {same} identical")
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
