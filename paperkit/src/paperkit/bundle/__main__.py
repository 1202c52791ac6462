"""The command line of the reviewer bundle (``python -m paperkit.bundle``, ``make
bundle``): clone HEAD, build it there with the diff against the base, pack it."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from paperkit.bundle import __doc__ as BUNDLE_DOC
from paperkit.bundle.git import git
from paperkit.bundle.licences import LicenceError
from paperkit.bundle.pack import DIFF_FOLDER, write_bundle
from paperkit.bundle.wheels import wheelhouse
from paperkit.reproducibility import clone_and_build, configured_mirror
from paperkit.revisions import last_revision_tag


def diff_base(root: Path, given: str = "") -> str | None:
    """The commit (12 digits) the bundle's diff compares with: ``given`` (a git ref), else
    the last revision tagged by `make revision` before HEAD (the version the referees
    read); none, with a note, when nothing is tagged yet."""
    ref = given or last_revision_tag(root)
    if not ref:
        print(
            "note: no revision is tagged yet (`make revision`) and no --base given: "
            "the bundle holds no diff",
            file=sys.stderr,
        )
        return None
    return git(root, "rev-parse", "--short=12", f"{ref}^{{commit}}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=BUNDLE_DOC.split("\n\n")[0])
    parser.add_argument(
        "--base",
        default="",
        help="revision the diff compares with (default: the last revision tagged by "
        "`make revision`, the version the referees read)",
    )
    parser.add_argument("--no-diff", action="store_true", help="leave the diff out")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--output", type=Path, default=Path("manuscript/build"))
    parser.add_argument("--wheels", action="store_true", help="include the locked wheels")
    args = parser.parse_args(argv)
    root = Path.cwd()
    if not (root / "Snakefile").is_file():
        sys.exit("run from the repository root")
    if git(root, "status", "--porcelain", "--untracked-files=no"):
        print(
            "note: uncommitted changes are not part of the bundle (it is of HEAD)", file=sys.stderr
        )
    base = None if args.no_diff else diff_base(root, args.base)
    targets = ["all", "journal"] + ([f"{DIFF_FOLDER}/{base}/summary.md"] if base else [])
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="paper-bundle-") as scratch:
        clock = time.perf_counter()
        try:
            clone = clone_and_build(root, Path(scratch), targets, cores=args.cores)
        except RuntimeError as error:
            sys.exit(str(error))
        timings = {"build": time.perf_counter() - clock}
        print(f"clean build in {clone}: {timings['build']:.1f} s", file=sys.stderr)
        wheels = None
        if args.wheels:
            wheels = Path(scratch) / "wheels"
            wheelhouse(clone, wheels)
        try:
            archive = write_bundle(
                clone,
                (root / args.output).resolve(),
                base=base,
                timings=timings,
                started=started,
                wheels=wheels,
                mirror=configured_mirror(root),
            )
        except LicenceError as error:
            sys.exit(f"error: {error}")
    size = archive.stat().st_size
    print(
        f"wrote {archive.relative_to(root) if archive.is_relative_to(root) else archive} "
        f"({size / 2**20:.1f} MiB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
