"""An earlier revision of the paper, built the way that revision itself says, and what
a diff reads of it: each language's resolved text, the Pandoc defaults that resolve its
citations, and the snapshot of its numbers and claims.

A revision is built in a clean clone (``paperkit.reproducibility.clone_and_build``).
When its lock (``environment.lock`` in its configuration) is byte-identical to this
checkout's, it builds with this environment, only the files the diff reads. Otherwise
(another lock, or a revision from before the configuration named one) it builds as its
own README says, with its own Makefile: ``make`` in the clone (its pinned environment,
then its paper), with none of this run's make or Python variables.

Its resolved text is found by its configuration (``manuscript.folder``: the
``<folder>/build/<lang>/paper.json`` that paperkit writes) or, for a revision from
before that key, by the convention its builds followed: ``manuscript/build/<lang>/``
holds ``paper.json`` or the resolved Markdown ``paper.md``. Either is read by the
revision's own citeproc defaults (``<defaults>/citeproc.yaml``, whose ``from:`` says
which). A revision that lacks any of these is named with what it lacks
(``RevisionError``).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from paperkit.reproducibility import clone_and_build, configured_mirror

CONFIG = "config/config.yaml"
SNAPSHOT = "results/snapshot.json"
# Before config named it (manuscript.folder), the manuscript's folder was this one.
CONVENTIONAL_FOLDER = "manuscript"
# paperkit's own citeproc defaults, where a revision that ships them as package data has them
PACKAGED_CITEPROC = "paperkit/src/paperkit/pandoc/defaults/citeproc.yaml"
# The resolved text of one language, in the order looked for: paperkit's AST, then the
# resolved Markdown that builds before paperkit wrote (e.g. 5c1dae4).
RESOLVED_TEXTS = ("paper.json", "paper.md")
# Variables of this run that must not reach the revision's own make: make passes
# command-line variables (BASE=..., CORES=...) to sub-makes through MAKEFLAGS, and
# this environment's Python paths would shadow the revision's own packages.
NOT_INHERITED = (
    "MAKEFLAGS",
    "MFLAGS",
    "MAKEOVERRIDES",
    "MAKELEVEL",
    "PYTHONPATH",
    "PYTHONHOME",
    "VIRTUAL_ENV",
    "SOURCE_DATE_EPOCH",
)


class RevisionError(RuntimeError):
    """A revision that cannot be built or diffed; the message names it and what it lacks."""


@dataclass(frozen=True)
class Layout:
    """Where a revision keeps what a diff reads, from its configuration or by convention."""

    folder: str  # the manuscript's folder
    bibliography: tuple[str, ...]  # given to citeproc (empty: its defaults name them)
    lock: str | None  # the locked packages its environment is installed from
    configured: bool  # named by its configuration (else: by convention)
    defaults: str | None = None  # its own Pandoc defaults folder, when its config names one

    def texts(self, lang: str) -> list[str]:
        return [f"{self.folder}/build/{lang}/{name}" for name in RESOLVED_TEXTS]

    @property
    def citeproc_candidates(self) -> list[str]:
        """Where the revision's citeproc defaults may be: the folder its configuration
        names, else its manuscript's (before paperkit shipped them), else paperkit's
        packaged ones in that revision."""
        if self.defaults:
            return [f"{self.defaults}/citeproc.yaml"]
        return [f"{self.folder}/defaults/citeproc.yaml", PACKAGED_CITEPROC]


def layout_of(config: dict) -> Layout:
    """The layout a revision's configuration (its config/config.yaml, parsed) gives."""
    manuscript = config.get("manuscript")
    lock = (config.get("environment") or {}).get("lock")
    if isinstance(manuscript, dict) and manuscript.get("folder"):
        return Layout(
            folder=manuscript["folder"],
            bibliography=tuple(manuscript.get("bibliography") or ()),
            lock=lock,
            configured=True,
            defaults=manuscript.get("defaults"),
        )
    return Layout(folder=CONVENTIONAL_FOLDER, bibliography=(), lock=lock, configured=False)


def git(root: Path, *args: str) -> str:
    run = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if run.returncode:
        raise RevisionError(f"git {' '.join(args)} failed in {root}: {run.stderr.strip()}")
    return run.stdout


def read_layout(root: Path, ref: str) -> Layout:
    """The layout of revision ``ref`` of the repository at ``root``."""
    shown = subprocess.run(
        ["git", "show", f"{ref}:{CONFIG}"], cwd=root, capture_output=True, text=True, check=False
    )
    if shown.returncode:
        raise RevisionError(
            f"revision {ref} has no {CONFIG} ({shown.stderr.strip()}): it is not a revision of "
            f"this paper that can be built; give BASE=<a commit of the paper>"
        )
    config = yaml.safe_load(shown.stdout) or {}
    if not isinstance(config, dict):
        raise RevisionError(f"revision {ref}: {CONFIG} is not a mapping of settings")
    return layout_of(config)


def own_environment(root: Path) -> dict[str, str]:
    """The environment of a revision's own make: this one without the variables that would
    leak this run into it, with the mirror of ``root`` (as clone_and_build uses)."""
    environment = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    environment.pop("PAPER_DATA_MIRROR", None)
    if mirror := configured_mirror(root):
        environment["PAPER_DATA_MIRROR"] = str(mirror)
    return environment


def make_in_clone(root: Path, scratch: Path, ref: str, cores: int) -> Path:
    """Clone ``ref`` into ``scratch``/paper and run its own ``make`` there (its README's
    first command: its pinned environment, then its paper)."""
    clone = scratch / "paper"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(root), str(clone)], check=True)
    subprocess.run(["git", "checkout", "--quiet", ref], cwd=clone, check=True)
    if not (clone / "Makefile").is_file():
        raise RevisionError(
            f"revision {ref} has another lock than this checkout and no Makefile that says "
            f"how to install its environment: build it by hand, or diff against a later one"
        )
    run = subprocess.run(
        ["make", f"CORES={cores}"],
        cwd=clone,
        env=own_environment(root),
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode:
        raise RevisionError(
            f"revision {ref}: its own `make` (environment and paper) failed in its clean "
            f"clone:\n{(run.stdout + run.stderr)[-4000:]}"
        )
    return clone


def shares_lock(root: Path, ref: str, layout: Layout) -> bool:
    """Whether revision ``ref`` locks the same packages as the checkout at ``root``."""
    if not layout.lock or not (root / layout.lock).is_file():
        return False
    shown = subprocess.run(
        ["git", "show", f"{ref}:{layout.lock}"], cwd=root, capture_output=True, check=False
    )
    return shown.returncode == 0 and shown.stdout == (root / layout.lock).read_bytes()


@dataclass(frozen=True)
class BuiltRevision:
    """A revision built in ``clone``: per language the resolved text (a path inside the
    clone), the citeproc defaults and bibliography that resolve its citations (paths
    relative to the clone), its snapshot, and how it was built."""

    clone: Path
    commit: str
    texts: dict[str, Path]
    citeproc: str
    bibliography: tuple[str, ...]
    snapshot: Path
    how: str


def find_texts(clone: Path, ref: str, layout: Layout, languages: list[str]) -> dict[str, Path]:
    """Each language's resolved text in a built clone, by configuration or convention."""
    texts = {}
    for lang in languages:
        found = [clone / path for path in layout.texts(lang) if (clone / path).is_file()]
        if not found:
            source = f"its {CONFIG}" if layout.configured else "convention"
            raise RevisionError(
                f"revision {ref} has no resolved text in '{lang}': none of "
                f"{', '.join(layout.texts(lang))} (by {source}) exists after its build; "
                f"diff against a revision that has the language '{lang}'"
            )
        texts[lang] = found[0]
    return texts


def build_revision(
    root: Path, scratch: Path, ref: str, languages: list[str], cores: int
) -> BuiltRevision:
    """Build revision ``ref`` of the repository at ``root`` in ``scratch`` (see the module's
    docstring) and find what a diff reads of it."""
    layout = read_layout(root, ref)
    if layout.configured and shares_lock(root, ref, layout):
        targets = [f"{layout.folder}/build/{lang}/paper.json" for lang in languages]
        try:
            clone = clone_and_build(root, scratch, [*targets, SNAPSHOT], ref=ref, cores=cores)
        except RuntimeError as error:
            raise RevisionError(f"revision {ref}: {error}") from None
        how = "in a clean clone with this environment (the same lock)"
    else:
        clone = make_in_clone(root, scratch, ref, cores)
        how = "in a clean clone by its own `make` (its own environment)"
    texts = find_texts(clone, ref, layout, languages)
    citeprocs = [path for path in layout.citeproc_candidates if (clone / path).is_file()]
    if not citeprocs:
        raise RevisionError(
            f"revision {ref} has none of {', '.join(layout.citeproc_candidates)}: a diff "
            f"needs its citeproc defaults"
        )
    if not (clone / SNAPSHOT).is_file():
        raise RevisionError(
            f"revision {ref} has no {SNAPSHOT} after its build: a diff needs the snapshot "
            f"of its numbers and claims"
        )
    commit = git(clone, "rev-parse", "HEAD").strip()
    return BuiltRevision(
        clone=clone,
        commit=commit,
        texts=texts,
        citeproc=citeprocs[0],
        bibliography=layout.bibliography,
        snapshot=clone / SNAPSHOT,
        how=how,
    )
