"""Named revisions: each version of the paper sent to the journal is an annotated git tag
``revision-N`` (``revision-1`` the first submission), made by ``make revision``
(``python -m paperkit.revisions tag [REF]``). The diff and the reviewer bundle compare
against the last of them (``last_revision_tag``): the version the referees read.

    python -m paperkit.revisions tag [REF]   # tag REF (default HEAD) as the next revision
    python -m paperkit.revisions last        # print the last revision before HEAD
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

PREFIX = "revision-"
TAG = re.compile(rf"^{PREFIX}([1-9][0-9]*)$")


class RevisionTagError(RuntimeError):
    """A revision that cannot be named; the message says why and what to do."""


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    run = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if check and run.returncode:
        raise RevisionTagError(f"git {' '.join(args)} failed: {run.stderr.strip()}")
    return run


def revision_number(tag: str) -> int | None:
    """N of a tag named ``revision-N``; None for any other name."""
    match = TAG.match(tag)
    return int(match.group(1)) if match else None


def revision_tags(root: Path | str = ".", merged_into: str | None = None) -> list[str]:
    """The ``revision-N`` tags of the repository at ``root``, by N (only those in the
    history of ``merged_into`` when given)."""
    args = ["tag", "--list", f"{PREFIX}*"]
    if merged_into:
        args += ["--merged", merged_into, "--no-contains", merged_into]
    names = _git(Path(root), *args).stdout.split()
    return sorted((n for n in names if revision_number(n)), key=revision_number)


def last_revision_tag(root: Path | str = ".", ref: str = "HEAD") -> str | None:
    """The last revision sent before ``ref``: the highest-numbered ``revision-N`` tag on
    a commit in ``ref``'s history other than ``ref`` itself (a state just tagged is
    compared with the revision before it). None when there is none."""
    tags = revision_tags(root, merged_into=ref)
    return tags[-1] if tags else None


def next_revision_tag(root: Path | str = ".") -> str:
    """The name the next revision takes: one more than the highest N so far."""
    numbers = [revision_number(tag) or 0 for tag in revision_tags(root)]
    return f"{PREFIX}{max(numbers, default=0) + 1}"


def tag_revision(root: Path | str = ".", ref: str = "HEAD") -> str:
    """Tag commit ``ref`` as the next revision (annotated, with its commit's date in the
    message); return the tag. Refused for a working tree with uncommitted changes when
    ``ref`` is HEAD (what was sent must be a commit), for a commit already tagged as a
    revision, and for one that does not come after the last revision."""
    root = Path(root)
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    if commit.returncode:
        raise RevisionTagError(f"'{ref}' is not a commit of this repository: give REF=<commit>")
    commit_id = commit.stdout.strip()
    if ref == "HEAD" and _git(root, "status", "--porcelain", "--untracked-files=no").stdout:
        raise RevisionTagError(
            "the working tree has uncommitted changes: commit what was sent, then run "
            "`make revision` (or name the sent commit with REF=<commit>)"
        )
    on_it = [t for t in _git(root, "tag", "--points-at", commit_id).stdout.split()]
    if named := [t for t in on_it if revision_number(t)]:
        raise RevisionTagError(f"{ref} is already {', '.join(named)}")
    tags = revision_tags(root)
    if tags:
        later = _git(root, "merge-base", "--is-ancestor", tags[-1], commit_id, check=False)
        if later.returncode:
            raise RevisionTagError(
                f"{ref} does not come after {tags[-1]}: revisions are numbered in the order "
                f"of the history; give REF=<a later commit>"
            )
    name = next_revision_tag(root)
    date = _git(root, "show", "-s", "--format=%cs", commit_id).stdout.strip()
    message = f"Revision {revision_number(name)}: the paper as sent ({date})"
    _git(root, "tag", "--annotate", "--message", message, name, commit_id)
    return name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    tag = sub.add_parser("tag", help="tag REF (default HEAD) as the next revision")
    tag.add_argument("ref", nargs="?", default="HEAD")
    sub.add_parser("last", help="print the last revision before HEAD")
    args = parser.parse_args(argv)
    try:
        if args.command == "tag":
            name = tag_revision(".", args.ref)
            commit = _git(Path("."), "rev-parse", "--short=12", f"{name}^{{commit}}").stdout
            print(f"{name} → {commit.strip()}")
            return 0
        last = last_revision_tag(".")
    except RevisionTagError as error:
        print(error, file=sys.stderr)
        return 1
    if last is None:
        print(
            "no revision-N tag before HEAD: tag the version the referees read with "
            "`make revision REF=<commit>`, or give BASE=<commit>",
            file=sys.stderr,
        )
        return 1
    print(last)
    return 0


if __name__ == "__main__":
    sys.exit(main())
