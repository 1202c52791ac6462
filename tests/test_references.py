"""The reference list as the build renders it: citeproc with the defaults files in
paperkit's pandoc/defaults and the filters they name (references.lua before citeproc,
citations.lua after it and in the Typst writer), on a small English and Turkish
document."""

from __future__ import annotations

import re
import subprocess

import pypandoc
import pytest
import typst

from paperkit.paper import PANDOC_DEFAULTS
from tests.conftest import ROOT

PANDOC = pypandoc.get_pandoc_path()
DEFAULTS = PANDOC_DEFAULTS

BIB = r"""
@incollection{kirisci2012turkeys,
  author    = {Kirişci, Kemal},
  title     = {{Turkey's} New Draft Law on Asylum: What to Make of It?},
  booktitle = {Turkey, Migration and the {EU}: Potentials, Challenges and Opportunities},
  editor    = {Paçacı Elitok, Seçil and Straubhaar, Thomas},
  publisher = {Hamburg University Press},
  year      = {2012},
  langid    = {english},
}
@article{lavenex2006shifting,
  author  = {Lavenex, Sandra},
  title   = {Shifting {Up} and Out: The Foreign Policy of {European} Immigration Control},
  journal = {West European Politics},
  year    = {2006},
  langid  = {english},
}
@techreport{kirisci2014syrian,
  author      = {Kirişci, Kemal},
  title       = {{Syrian} Refugees and {Turkey's} Challenges: Going {beyond} Hospitality},
  institution = {{Centre on Migration, Policy and Society (COMPAS), University of Oxford}},
  year        = {2014},
  langid      = {english},
}
@misc{apr2024,
  author       = {{European Parliament and Council of the European Union}},
  title        = {Regulation ({EU}) 2024/1348 of the {European Parliament} and of the {Council}},
  howpublished = {Official Journal of the European Union},
  year         = {2024},
  langid       = {english},
}
@misc{tpr2014,
  key          = {Gecici Koruma Yonetmeligi},
  title        = {Geçici Koruma Yönetmeliği [Temporary Protection Regulation]},
  howpublished = {Resmî Gazete [Official Gazette], No. 29153},
  year         = {2014},
  langid       = {turkish},
}
"""

TEXT = """---
lang: {lang}
nocite: "@*"
---

Text [@kirisci2012turkeys; @tpr2014].

::: {{#refs}}
:::
"""


def run_pandoc(*args: str) -> None:
    # From the repository root, as the build runs Pandoc (the defaults name paths from it).
    subprocess.run([PANDOC, *args], cwd=ROOT, check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict[str, str]]:
    """Per language: the HTML and the Typst source of the small document."""
    folder = tmp_path_factory.mktemp("references")
    bib = folder / "references.bib"
    bib.write_text(BIB, encoding="utf-8")
    out = {}
    for code, lang in (("en", "en-GB"), ("tr", "tr-TR")):
        source = folder / f"{code}.md"
        source.write_text(TEXT.format(lang=lang), encoding="utf-8")
        run_pandoc(str(source), "--to=json", f"--output={folder / f'{code}.source.json'}")
        run_pandoc(
            str(folder / f"{code}.source.json"),
            f"--defaults={DEFAULTS / 'citeproc.yaml'}",
            f"--bibliography={bib}",
            f"--output={folder / f'{code}.json'}",
        )
        documents = {}
        for kind, ext in (("html", "html"), ("typst", "typ")):
            target = folder / f"{code}.{ext}"
            run_pandoc(
                str(folder / f"{code}.json"),
                f"--defaults={DEFAULTS / 'common.yaml'}",
                f"--defaults={DEFAULTS / f'{kind}.yaml'}",
                f"--output={target}",
            )
            documents[kind] = target.read_text(encoding="utf-8")
        out[code] = documents
    return out


def words(html: str) -> str:
    """The text of an HTML document, one space between words."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" ,", ",").replace(" .", ".")


def flat(text: str) -> str:
    """One space between words, and citeproc's case protection (nocase spans) left out."""
    return re.sub(r'<span class="nocase">([^<]*)</span>', r"\1", " ".join(text.split()))


def test_turkish_terms_get_a_dotted_capital(rendered):
    for kind in ("html", "typst"):
        assert "İçinde" in rendered["tr"][kind]
        assert "Içinde" not in rendered["tr"][kind]
    assert " In " in words(rendered["en"]["html"])


def test_titles_carry_their_language(rendered):
    # English titles in the Turkish document: lang="en" in HTML, #text(lang: "en") in Typst.
    html, typ = flat(rendered["tr"]["html"]), flat(rendered["tr"]["typst"])
    assert '<span lang="en">Turkey’s New Draft Law on Asylum' in html
    assert '#text(lang: "en")[Turkey’s New Draft Law on Asylum' in typ
    assert '#text(lang: "en")[Shifting Up and Out' in typ
    # A Turkish title in the English document, and its English gloss in both.
    en = flat(rendered["en"]["html"])
    assert '<span lang="tr">Geçici Koruma Yönetmeliği [<span lang="en">Temporary' in en
    assert 'Geçici Koruma Yönetmeliği [<span lang="en">Temporary' in html
    assert '#text(lang: "tr")[Geçici Koruma' in flat(rendered["en"]["typst"])
    # Citeproc's own words stay in the document's language.
    assert '<span lang="en">İçinde' not in html


def test_corporate_names_with_and_stay_whole(rendered):
    for code in ("en", "tr"):
        text = words(rendered[code]["html"])
        assert "European Parliament and Council of the European Union. 2024." in text
        assert "Centre on Migration, Policy and Society (COMPAS), University of Oxford" in text
        assert "Policy; Society" not in text


def test_english_titles_keep_their_case(rendered):
    for code in ("en", "tr"):
        text = words(rendered[code]["html"])
        assert "Shifting Up and Out: The Foreign Policy of European Immigration Control" in text
        assert "Going beyond Hospitality" in text


def test_a_closing_quote_after_a_question_mark_stays_closing(rendered):
    # Typst would guess an opening quote for a straight ' after "?" (‘… It?‘).
    typ = rendered["en"]["typst"]
    assert "It?’" in typ and "It?'" not in typ
    # and the #text(lang: …)[…] the filter wrote is valid Typst
    pdf = typst.compile(typ.encode("utf-8"), root=str(ROOT), ignore_system_fonts=True)
    assert pdf.startswith(b"%PDF")


def test_every_reference_has_a_language():
    bib = (ROOT / "manuscript" / "references.bib").read_text(encoding="utf-8")
    entries = re.findall(r"(?ms)^@\w+\{([^,\s]+),(.*?)^\}", bib)
    assert entries
    missing = [key for key, body in entries if not re.search(r"(?m)^\s*langid\s*=\s*\{\w+\}", body)]
    assert not missing, f"entries without langid = {{english}} / {{turkish}} / ...: {missing}"
