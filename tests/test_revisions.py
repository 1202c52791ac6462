"""Named revisions and the diff against any earlier revision (`make revision`,
`make diff`; paperkit.revisions, paperkit.revision_build), and what a failed deliverable
leaves behind (the onerror hook of paperkit's manuscript rules).

- ``make revision`` tags the version sent as ``revision-N``; the diff and the bundle
  compare with the last revision before HEAD.
- A revision from before the configuration named its manuscript is built with its own
  Makefile and read by convention; one that lacks what a diff reads is named with what
  it lacks.
- A failed diff, journal or bundle leaves the paper's documents in place, also when the
  run stopped before a due render job started.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from paperkit.bundle.__main__ import diff_base
from paperkit.revision_build import (
    RevisionError,
    find_texts,
    layout_of,
    own_environment,
    read_layout,
)
from paperkit.revisions import (
    RevisionTagError,
    last_revision_tag,
    next_revision_tag,
    tag_revision,
)
from paperkit.snakefile import lost_to_failure
from tests.conftest import DOCUMENTS, EPOCH, snakemake

# --------------------------------------------------------------------------- revision tags


def git(repo: Path, *args: str) -> str:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.org",
    }
    run = subprocess.run(
        ["git", *args], cwd=repo, env=environment, capture_output=True, text=True, check=True
    )
    return run.stdout.strip()


def history(repo: Path, commits: int) -> list[str]:
    """A repository with ``commits`` commits of one file; their ids, oldest first."""
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "config", "user.name", "A")
    git(repo, "config", "user.email", "a@example.org")
    ids = []
    for n in range(commits):
        (repo / "text.md").write_text(f"version {n}\n", encoding="utf-8")
        git(repo, "add", "text.md")
        git(repo, "commit", "--quiet", "--message", f"version {n}")
        ids.append(git(repo, "rev-parse", "HEAD"))
    return ids


def test_the_last_revision_is_the_last_tag_before_head(tmp_path):
    repo = tmp_path / "paper"
    first, second, third = history(repo, 3)
    assert last_revision_tag(repo) is None
    assert next_revision_tag(repo) == "revision-1"
    assert tag_revision(repo, first) == "revision-1"
    assert last_revision_tag(repo) == "revision-1"
    # the version just sent is compared with the one before it, not with itself
    assert tag_revision(repo, third) == "revision-2"
    assert git(repo, "rev-parse", "revision-2^{commit}") == third
    assert last_revision_tag(repo) == "revision-1"
    # ten sorts after nine: tags are ordered by their number, not by their name
    for n in range(3, 11):
        git(repo, "tag", f"revision-{n}", first)
    assert next_revision_tag(repo) == "revision-11"
    assert last_revision_tag(repo, second) == "revision-10"


def test_a_revision_is_tagged_only_once_in_order_and_committed(tmp_path):
    repo = tmp_path / "paper"
    first, second, _ = history(repo, 3)
    tag_revision(repo, second)
    with pytest.raises(RevisionTagError, match="already revision-1"):
        tag_revision(repo, second)
    with pytest.raises(RevisionTagError, match="does not come after revision-1"):
        tag_revision(repo, first)
    (repo / "text.md").write_text("not committed\n", encoding="utf-8")
    with pytest.raises(RevisionTagError, match="uncommitted changes"):
        tag_revision(repo)
    with pytest.raises(RevisionTagError, match="'nonesuch' is not a commit"):
        tag_revision(repo, "nonesuch")


def test_make_diff_defaults_to_the_last_revision(tmp_path):
    """The Makefile's BASE is the last revision when none is given; without a revision
    tag, make diff stops with one line saying how to name one."""
    root = Path(__file__).resolve().parent.parent
    repo = tmp_path / "paper"
    first, _ = history(repo, 2)
    (repo / "Makefile").write_text((root / "Makefile").read_text(encoding="utf-8"))
    (repo / ".venv").symlink_to(Path(sys.executable).parent.parent)
    # the value of BASE the diff and bundle recipes read
    shown = ["make", "-s", "--eval", "base: ; @echo 'BASE=$(BASE)'", "base"]
    run = subprocess.run(shown, cwd=repo, capture_output=True, text=True, check=True)
    assert "no revision-N tag before HEAD" in run.stderr
    assert run.stdout == "BASE=\n"
    git(repo, "tag", "revision-1", first)
    run = subprocess.run(shown, cwd=repo, capture_output=True, text=True, check=True)
    assert run.stdout == "BASE=revision-1\n"
    run = subprocess.run([*shown, "BASE=abc"], cwd=repo, capture_output=True, text=True)
    assert run.stdout == "BASE=abc\n"


# --------------------------------------------------------------------------- earlier layouts


def test_a_revision_before_the_manuscript_key_is_read_by_convention(tmp_path):
    """5c1dae4's config has no `manuscript:` key: its resolved Markdown is found where
    its builds wrote it; a language it lacks is named with the revision."""
    layout = layout_of({"mirror_dir": "", "sources": {}})
    assert not layout.configured
    assert layout.citeproc_candidates == [
        "manuscript/defaults/citeproc.yaml",
        "paperkit/src/paperkit/pandoc/defaults/citeproc.yaml",
    ]
    clone = tmp_path / "clone"
    (clone / "manuscript" / "build" / "en").mkdir(parents=True)
    (clone / "manuscript" / "build" / "en" / "paper.md").write_text("Text.\n")
    found = find_texts(clone, "5c1dae4", layout, ["en"])
    assert found == {"en": clone / "manuscript/build/en/paper.md"}
    with pytest.raises(RevisionError) as error:
        find_texts(clone, "5c1dae4", layout, ["en", "tr"])
    assert "revision 5c1dae4 has no resolved text in 'tr'" in str(error.value)
    assert "manuscript/build/tr/paper.md (by convention)" in str(error.value)


def test_a_configured_revision_is_read_by_its_configuration():
    layout = layout_of(
        {
            "manuscript": {"folder": "text", "bibliography": ["refs.bib"]},
            "environment": {"lock": "requirements/runtime.txt"},
        }
    )
    assert layout.configured
    assert layout.texts("tr") == ["text/build/tr/paper.json", "text/build/tr/paper.md"]
    # no defaults folder of its own: its manuscript's (older revisions) or paperkit's
    assert layout.citeproc_candidates == [
        "text/defaults/citeproc.yaml",
        "paperkit/src/paperkit/pandoc/defaults/citeproc.yaml",
    ]
    assert layout.bibliography == ("refs.bib",)
    assert layout.lock == "requirements/runtime.txt"
    named = layout_of({"manuscript": {"folder": "text", "defaults": "text/pandoc"}})
    assert named.citeproc_candidates == ["text/pandoc/citeproc.yaml"]


def test_a_revision_without_a_config_is_named(tmp_path):
    repo = tmp_path / "paper"
    first, _ = history(repo, 2)
    with pytest.raises(RevisionError, match=f"revision {first[:7]} has no config/config.yaml"):
        read_layout(repo, first[:7])


def test_the_revisions_own_make_gets_none_of_this_runs_variables(monkeypatch):
    """make passes BASE=... to sub-makes through MAKEFLAGS, and this environment's
    PYTHONPATH would shadow the revision's own packages."""
    monkeypatch.setenv("MAKEFLAGS", " -- BASE=5c1dae4")
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    environment = own_environment(Path(__file__).resolve().parent.parent)
    assert not {"MAKEFLAGS", "PYTHONPATH", "SOURCE_DATE_EPOCH"} & environment.keys()


# --------------------------------------------------------------------------- failures


def test_only_what_depended_on_a_failure_is_lost():
    """render(en) reads parity, which failed; render(tr) reads only what succeeded; the
    diff failed beside them."""
    dependencies = {
        "render_en": {"parity": None, "figures": None},
        "render_tr": {"figures": None},
        "parity": {"tidy": None},
        "diff_base": {},
    }
    assert lost_to_failure(["render_en", "render_tr"], {"diff_base"}, dependencies) == []
    assert lost_to_failure(["render_en", "render_tr"], {"tidy"}, dependencies) == ["render_en"]
    assert lost_to_failure(["render_tr"], {"render_tr"}, dependencies) == ["render_tr"]


def documents(tree: Path) -> dict[str, bytes]:
    return {name: (tree / name).read_bytes() for name in DOCUMENTS if (tree / name).is_file()}


def render_due(tree: Path) -> None:
    """Every language's render job due (a text file changed: Snakemake reruns on a
    changed content, not on a date alone; a blank line leaves the text as it was), so
    that a run that stops early stops before it."""
    for lang in ("en", "tr"):
        text = sorted((tree / "manuscript" / lang).glob("*.md"))[-1]
        text.write_text(text.read_text(encoding="utf-8") + "\n", encoding="utf-8")


@pytest.mark.e2e
def test_a_failed_diff_leaves_the_documents_while_their_render_is_due(scratch, mirror):
    """The case of issue 25: the documents were due (a new commit) and the base could
    not be built; the run stopped before rendering them, and took them away."""
    before = documents(scratch)
    assert len(before) == len(DOCUMENTS)
    render_due(scratch)
    # the diff's base first, as when its build fails while the documents wait for theirs
    target = "manuscript/build/diff/0000000/summary.md"
    first = ["--prioritize", "manuscript/build/diff/0000000/base/build.json"]
    run = snakemake(scratch, target, *first, mirror=mirror)
    assert run.returncode != 0
    assert "revision 0000000 has no config/config.yaml" in run.stderr
    assert documents(scratch) == before
    # and the next run renders them (they were out of date, not current)
    dry = snakemake(scratch, "-n", mirror=mirror)
    assert "render_paper" in dry.stdout


@pytest.mark.e2e
def test_a_failed_journal_leaves_the_documents(scratch, mirror):
    before = documents(scratch)
    render_due(scratch)
    defaults = scratch / "paperkit/src/paperkit/pandoc/defaults/journal-docx.yaml"
    defaults.write_text("reference-doc: nonesuch.docx\n", encoding="utf-8")
    run = snakemake(scratch, "journal", mirror=mirror)
    assert run.returncode != 0
    assert documents(scratch).keys() == before.keys()


@pytest.mark.e2e
def test_a_failed_bundle_leaves_the_documents(scratch, mirror):
    before = documents(scratch)
    git(scratch, "init", "--quiet", "--initial-branch=main")
    git(scratch, "add", "--all")
    git(scratch, "commit", "--quiet", "--message", "the paper")
    run = subprocess.run(
        [sys.executable, "-m", "paperkit.bundle", "--base", "0000000"],
        cwd=scratch,
        env={**os.environ, "PAPER_DATA_MIRROR": str(mirror)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert documents(scratch) == before


# --------------------------------------------------------------------------- the summary


def test_changed_numbers_are_named_and_the_same_in_every_language():
    """The case of issue 25: the Turkish text replaced a range (0,37–1,11) by another
    quantity's range (0,500–1,694) with the same words around it; by position those read
    as two changed numbers. Only did_event_post_min changed (0.37 → 0.21), which the
    English text shows; both languages list it, and only it."""
    from paperkit.trackdiff.summary import named_numbers, summary_markdown

    changes = {
        "numbers_changed": {
            "did_event_post_min": {
                "old": {"en": "0.37", "tr": "0,37"},
                "new": {"en": "0.21", "tr": "0,21"},
            },
            "multiverse_max": {"old": {"en": "1.60", "tr": "1,60"}, "new": {"en": "1.69"}},
            # a value printed with words: the number inside it is what the text shows
            "release": {
                "old": {"en": "refugees 2025.12.1", "tr": "refugees 2025.12.1"},
                "new": {"en": "refugees 2024.12.0", "tr": "refugees 2024.12.0"},
            },
        },
        "numbers_compared": 40,
        "claims_changed": {},
    }
    candidates = {
        "en": [
            {"section": "s", "old": "0.37", "new": "0.21"},
            {"section": "s", "old": "2025.12.1", "new": "2024.12.0"},
        ],
        "tr": [
            {"section": "s", "old": "0,37", "new": "0,500"},
            {"section": "s", "old": "1,11", "new": "1,694"},
        ],
    }
    names = named_numbers(candidates, changes)
    assert names == ["did_event_post_min", "release"]
    summary = {"added": 1, "removed": 1, "sections": [], "numbers": [], "flagged": []}
    from paperkit.trackdiff import LABELS

    listed = {
        lang: summary_markdown(summary, LABELS[lang], changes, lang, names).split("\n")
        for lang in ("en", "tr")
    }
    assert "**Numbers changed in the text:** 0.37 → 0.21; 2025.12.1 → 2024.12.0" in listed["en"]
    assert "**Metinde değişen sayılar:** 0,37 → 0,21; 2025.12.1 → 2024.12.0" in listed["tr"]


def test_the_summary_is_the_first_page_of_the_pdf_alone(tmp_path, monkeypatch):
    """The summary is page 1, whole, and the paper (title first) starts on page 2, with
    no blank page between them, however long the paper's front matter is."""
    import shutil

    import pypandoc

    from paperkit.pandoc_ast import read_markdown
    from paperkit.trackdiff import LABELS, diff_ast, render_diff, summary_blocks

    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    root = Path(__file__).resolve().parent.parent
    monkeypatch.chdir(root)
    pandoc = pypandoc.get_pandoc_path()
    abstract = " ".join(["A long abstract that fills the first page."] * 60)
    front = f"---\ntitle: The Paper Title\nlang: en-GB\nabstract: {abstract}\n---\n\n"
    old = read_markdown(pandoc, front + "# One\n\nOld text.\n\n# Two\n\nKept.\n", "old")
    new = read_markdown(pandoc, front + "# One\n\nNew text.\n\n# Two\n\nKept.\n", "new")
    marked, summary = diff_ast(old, new, "A", "2026-01-01T00:00:00Z")
    defaults = root / "paperkit/src/paperkit/pandoc/defaults"
    typst = [str(defaults / name) for name in ("common.yaml", "typst.yaml", "diff.yaml")]
    pdf = tmp_path / "diff.pdf"
    blocks = summary_blocks(summary, LABELS["en"])
    render_diff(marked, blocks, {"pdf": str(pdf)}, pandoc, {"typst": typst}, 0)

    def page(number: int) -> str:
        run = subprocess.run(
            [pdftotext, "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        )
        return run.stdout

    first, second = page(1), page(2)
    assert "Changes since the previous version" in first and "words added" in first
    assert "The Paper Title" not in first
    assert second.strip().startswith("The Paper Title")
    assert "Changes since the previous version" not in second


def test_the_bundle_compares_with_the_last_revision_unless_told(tmp_path, capsys):
    repo = tmp_path / "paper"
    first, second, _ = history(repo, 3)
    assert diff_base(repo) is None
    assert "no revision is tagged yet" in capsys.readouterr().err
    tag_revision(repo, first)
    assert diff_base(repo) == first[:12]
    assert diff_base(repo, second) == second[:12]
