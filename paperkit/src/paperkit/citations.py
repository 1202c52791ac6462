"""Citations of the data sources, made from their pins.

The manuscript cites each dataset by a stable key (``[@unhcr_refugees]``); its
entry is written at build time from ``config['datasets']`` and the pins of the
sources it comprises, so that the release and year in the reference list are
those of the files the numbers were computed from, and moving a pin changes the
citation with the numbers. Standard library only.
"""

from __future__ import annotations


class CitationError(ValueError):
    """The pins of one dataset disagree, or a dataset names an unknown source."""


def _braced(text: str) -> str:
    """A BibTeX field value: the text in braces, with braces kept from the config."""
    return "{" + text + "}"


def dataset_entry(key: str, dataset: dict, sources: dict[str, dict]) -> str:
    """The BibTeX entry of one dataset; every source it names must share release and year."""
    unknown = [name for name in dataset["sources"] if name not in sources]
    if unknown:
        raise CitationError(f"config datasets.{key}: unknown source(s) {', '.join(unknown)}")
    pins = {(sources[name]["release"], sources[name]["year"]) for name in dataset["sources"]}
    if len(pins) != 1:
        raise CitationError(
            f"config datasets.{key}: its sources are pinned to different releases "
            f"{sorted(pins)}; pin them together"
        )
    release, year = pins.pop()
    def author(name: str) -> str:
        return "{" + name + "}" if dataset.get("corporate") else name

    fields = {
        "author": author(dataset["author"]),
        # the author in another language: an agency's own name there (UNHCR is BMMYK in
        # Turkish), so that a citation and the text name it alike
        **{
            f"author-{lang}": author(name)
            for lang, name in sorted(dataset.get("author_in", {}).items())
        },
        "title": dataset["title"],
        "howpublished": f"{dataset['published']}, release {release}",
        # the note in another language (paperkit.bibliography reads <field>-<lang>)
        **{
            f"howpublished-{lang}": words.replace("{release}", str(release))
            for lang, words in sorted(dataset.get("published_in", {}).items())
        },
        "year": str(year),
        "url": dataset["url"],
        "verification": dataset["verification"],
    }
    lines = [f"@misc{{{key},"]
    lines += [f"  {name} = {_braced(value)}," for name, value in fields.items()]
    return "\n".join(lines) + "\n}\n"


def datasets_bibtex(datasets: dict[str, dict], sources: dict[str, dict]) -> str:
    """Every dataset's entry, sorted by key, as one BibTeX file."""
    header = "% Written by the build from config/config.yaml (datasets and source pins).\n\n"
    return header + "\n".join(
        dataset_entry(key, datasets[key], sources) for key in sorted(datasets)
    )
