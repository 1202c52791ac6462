"""A paper as its workflow sees it: config, languages, registry, and where its files are.

The paper's Snakefile makes one ``Paper`` and hands it to the machinery's rule
files (``paperkit/workflow/*.smk``), which take every paper-specific name from it::

    PAPER = Paper.load(config, workflow.basedir)
    include: PAPER.rules("manuscript.smk")

Config keys read here (validated by the paper's config schema): ``languages``
(code → locale and case endings) and ``manuscript`` (the folder of the texts,
the labels, claims, bibliography files and the registry; optionally a folder of
Pandoc defaults of the paper's own, which replaces paperkit's).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from importlib.resources import files
from pathlib import Path

import yaml

from paperkit.languages import Language, languages_from_config
from paperkit.registry import Registry

DOCUMENT_FORMATS = ("pdf", "html", "docx")
# paperkit's rule files, and the Pandoc defaults with the filters and templates they name,
# ship inside the package. Snakemake and Pandoc read them as files: paperkit is installed
# as a folder (pip and uv install it so), not run from a zip.
PACKAGE = Path(str(files("paperkit"))).resolve()
RULES = PACKAGE / "workflow"
PANDOC_DEFAULTS = PACKAGE / "pandoc" / "defaults"


@dataclass(frozen=True)
class Paper:
    root: Path
    config: dict
    # The paper's own authored inputs beyond the manuscript's (its coded data, its table
    # schemas), relative to root; folders stand for everything under them.
    authored: tuple[str, ...] = ()

    @classmethod
    def load(cls, config: dict, root: str | Path, authored: Iterable[str] = ()) -> Paper:
        return cls(Path(root), config, tuple(authored))

    def authored_inputs(self) -> list[str]:
        """Every input the paper's authors write, relative to root, for
        ``paperkit.inputs.refuse_outside``: each language's texts, the labels, claims,
        glossary and registry, the Pandoc defaults and templates, the bibliography files
        the build does not write itself (those under results/ it does), and ``authored``."""
        manuscript = self.manuscript
        return [
            *(f"{manuscript['folder']}/{lang}" for lang in self.codes),
            *(manuscript[key] for key in ("labels", "claims", "glossary") if key in manuscript),
            manuscript["registry"],
            *([manuscript["defaults"]] if "defaults" in manuscript else []),
            *manuscript.get("templates", []),
            *(path for path in manuscript["bibliography"] if not path.startswith("results/")),
            *self.authored,
        ]

    # ---- languages and texts

    @cached_property
    def languages(self) -> dict[str, Language]:
        return languages_from_config(self.config["languages"])

    @property
    def codes(self) -> list[str]:
        return list(self.languages)

    @property
    def manuscript(self) -> dict:
        return self.config["manuscript"]

    def sources(self, lang: str) -> list[str]:
        """A language's section files, in reading order (name order)."""
        folder = self.root / self.manuscript["folder"] / lang
        return [str(path.relative_to(self.root)) for path in sorted(folder.glob("*.md"))]

    @cached_property
    def labels(self) -> dict:
        path = self.root / self.manuscript["labels"]
        return yaml.safe_load(path.read_text(encoding="utf-8"))

    def language_problems(self) -> list[str]:
        """What a configured language lacks: its texts (``<folder>/<code>/*.md``) or its
        words in the labels file, each in a line with the fix. Checked when the workflow
        starts, so that a language added to the config alone stops the build with this,
        not with a KeyError of the language's code in every job that reads its words."""
        folder, path = self.manuscript["folder"], self.manuscript["labels"]
        labels = (self.labels or {}) if (self.root / path).is_file() else {}
        model = next(iter(labels), None)
        problems = []
        for code in self.codes:
            if not self.sources(code):
                problems.append(
                    f"config languages.{code}: no texts in {folder}/{code}/ (its section "
                    f"files, *.md); write them, or remove the language from the config"
                )
            if code not in labels:
                names = list(labels[model]) if model else []
                more = f" and {len(names) - 3} more" if len(names) > 3 else ""
                keys = (
                    f" with the keys of '{model}' ({', '.join(names[:3])}{more})" if model else ""
                )
                problems.append(
                    f"config languages.{code}: {path} has no words for '{code}'; add a "
                    f"'{code}:' mapping{keys}"
                )
        return problems

    # ---- registry

    @cached_property
    def registry(self) -> Registry:
        return Registry.load(
            self.root / self.manuscript["registry"], name=self.manuscript["registry"]
        )

    @property
    def numbers(self) -> list[str]:
        return self.registry.numbers

    @property
    def specification_tables(self) -> dict[str, str]:
        return self.registry.specifications

    def figure_files(self, lang: str, extension: str) -> list[str]:
        return [f"results/figures/{lang}/{name}.{extension}" for name in self.registry.figures]

    def table_files(self, lang: str) -> list[str]:
        return [f"results/tables/{lang}/{name}.md" for name in self.registry.tables]

    def documents(self) -> list[str]:
        return [
            f"{self.build}/{lang}/paper.{ext}" for lang in self.codes for ext in DOCUMENT_FORMATS
        ]

    @property
    def defaults_folder(self) -> str:
        """The folder of the Pandoc defaults files (citeproc.yaml, common.yaml, and one per
        writer): the paper's own when the config names one (``manuscript.defaults``), else
        paperkit's, whose files name paperkit's filters and templates. Relative to the
        paper's root when it lies inside it, as paperkit does in a project that carries its
        own copy (so that a moved project reruns nothing), else absolute."""
        if "defaults" in self.manuscript:
            return self.manuscript["defaults"]
        root = self.root.resolve()
        folder = PANDOC_DEFAULTS
        return str(folder.relative_to(root)) if folder.is_relative_to(root) else str(folder)

    @property
    def build(self) -> str:
        return f"{self.manuscript['folder']}/build"

    def caption_file(self, kind: str, name: str) -> str:
        """The report caption of a registered figure or table: the .rst file Snakemake's
        report reads, under .snakemake/ (the text is the registry's). Only named here:
        parsing the workflow writes nothing; ``write_captions`` writes them when a run
        builds (``onstart``)."""
        return str(self.root / ".snakemake" / "paperkit" / "captions" / f"{kind}-{name}.rst")

    def write_captions(self) -> None:
        """Write the report caption of every registered figure and table whose file is
        missing or differs (from ``onstart``: a run that builds; the report reads them)."""
        for kind, entries in (("figure", self.registry.figures), ("table", self.registry.tables)):
            for name, entry in entries.items():
                path = Path(self.caption_file(kind, name))
                text = entry["caption"] + "\n"
                if not path.is_file() or path.read_text(encoding="utf-8") != text:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(text, encoding="utf-8")

    # ---- machinery rule files

    @staticmethod
    def rules(name: str) -> str:
        """The path of one of the machinery's rule files, for ``include:``."""
        return str(RULES / name)
