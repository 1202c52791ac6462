"""The Turkish text and the presentation as the December 2026 referee read them (issue 24,
referee points 13-16):

- one term per concept for asylum ("sığınma", never "iltica" but in the historical name
  of the İltica ve Göç Bürosu) and no calque of "the interval excludes no change" or
  "the evidence is silent": the glossary forbids them, and its ``allow`` keeps a name;
- the Turkish citations name an agency as the Turkish text does (BMMYK, not UNHCR) and
  give a work cited by its title a Turkish short title;
- the specification curves' tick labels, the rows beneath included, are legible in print;
- the indices are tabulated once (the appendix's annual table), and the legal codebook is
  cited as the paper's supplementary material, not as a repository path.
"""

from __future__ import annotations

import re

import pytest
import yaml

from asylum_regime import figures
from paperkit.bibliography import localise_bibtex
from paperkit.citations import datasets_bibtex
from paperkit.glossary import glossary_problems, validate_glossary
from tests.conftest import ROOT, languages
from tests.test_figures import LABELS, _curve, _texts

# --------------------------------------------------------------------------- glossary


@pytest.fixture(scope="module")
def glossary() -> dict:
    entries = yaml.safe_load((ROOT / "manuscript" / "glossary.yaml").read_text("utf-8"))
    validate_glossary(entries)
    return entries


@pytest.mark.parametrize(
    "sentence",
    [
        "AB Göç ve İltica Paktı 2024'te kabul edildi.",
        "yeniden düzenlenmiş Nitelendirme, İltica Usulleri ve Kabul Koşulları Direktifleri",
        "Türkiye'nin iltica hukuku yeniden yazıldı.",
        "ayrı tahminlerin yarısında nominal aralık değişmezliği dışarıda bırakmaktadır",
        "sağlam güven aralığına değişmezliği sokmaktadır",
        "ikinci kısmı hakkında ise kanıt sessizdir.",
    ],
)
def test_the_glossary_forbids_the_referees_turkish(glossary, sentence):
    assert glossary_problems({"tr/x.md": sentence}, glossary["tr"], "tr")


def test_the_glossary_keeps_the_offices_historical_name(glossary):
    text = (
        "İçişleri Bakanlığı bünyesindeki İltica ve Göç Bürosu bir kanun tasarısı hazırladı; "
        "Göç ve Sığınma Paktı, Sığınma Usulleri Direktifi; aralık 1'i içermemektedir."
    )
    assert glossary_problems({"tr/x.md": text}, glossary["tr"], "tr") == []


def test_an_allowed_name_excuses_only_itself():
    entries = [{"use": "sığınma", "avoid": ["iltica"], "allow": ["İltica ve Göç Bürosu"]}]
    text = "İltica ve Göç Bürosu kuruldu. İltica başvuruları arttı."
    [problem] = glossary_problems({"tr/x.md": text}, entries, "tr")
    assert "İltica başvuruları" in problem


def test_the_turkish_text_uses_sigınma_for_asylum():
    words = "\n".join(
        path.read_text("utf-8") for path in sorted((ROOT / "manuscript" / "tr").glob("*.md"))
    ).replace("İltica ve Göç\nBürosu", "")
    assert not re.search(r"(?i)iltica", words.replace("İ", "i"))
    assert "Göç ve Sığınma" in words


# --------------------------------------------------------------------------- citations

# The agencies the Turkish text names in Turkish: a Turkish citation must name them so.
TURKISH_AGENCY_NAMES = {"UNHCR": "BMMYK", "European Commission": "Avrupa Komisyonu"}


def _bibliography() -> str:
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text("utf-8"))
    return (
        (ROOT / "manuscript" / "references.bib").read_text("utf-8")
        + "\n"
        + datasets_bibtex(config["datasets"], config["sources"])
    )


def _entries(bibtex: str) -> dict[str, str]:
    return {match[1]: match[2] for match in re.finditer(r"(?ms)^@\w+\{([^,\s]+),(.*?)^\}", bibtex)}


def _field(entry: str, name: str) -> str | None:
    match = re.search(rf"(?m)^\s*{name}\s*=\s*\{{(.*)\}},?\s*$", entry)
    return match[1].strip("{}") if match else None


def test_the_turkish_citations_name_no_agency_in_english():
    bibtex = _bibliography()
    # every English corporate author that an entry gives a Turkish form
    turkish = dict(TURKISH_AGENCY_NAMES)
    for entry in _entries(bibtex).values():
        english, local = _field(entry, "author"), _field(entry, "author-tr")
        if english and local:
            turkish[english] = local
    found = {
        key: _field(entry, "author")
        for key, entry in _entries(localise_bibtex(bibtex, "tr")).items()
        if _field(entry, "author") in turkish
    }
    assert found == {}, f"English agency names in Turkish citations: {found}"
    tr = _entries(localise_bibtex(bibtex, "tr"))
    assert _field(tr["unhcr_refugees"], "author") == "BMMYK"


def test_a_work_cited_by_its_english_title_has_a_turkish_short_title():
    # Chicago author-date cites a work without an author by its (short) title: the
    # Turkish text must not quote an English title in running text, so such a work
    # gives a Turkish short title, and the Turkish reference list cites it by that.
    bibtex = _bibliography()
    local = _entries(localise_bibtex(bibtex, "tr"))
    untitled = {
        key: _field(entry, "title")
        for key, entry in _entries(bibtex).items()
        if _field(entry, "author") is None
        and _field(entry, "editor") is None
        and _field(entry, "langid") == "english"
        and (
            _field(entry, "shorttitle-tr") is None
            or _field(local[key], "shorttitle") != _field(entry, "shorttitle-tr")
        )
    }
    assert untitled == {}
    assert _field(local["readmission2014"], "shorttitle") == "Geri Kabul Anlaşması"


def test_the_english_short_title_stays_in_english():
    en = _entries(localise_bibtex(_bibliography(), "en"))
    assert _field(en["readmission2014"], "shorttitle") == "Readmission Agreement"


# --------------------------------------------------------------------------- figures


@pytest.mark.parametrize("code", ["en", "tr"])
def test_the_specification_curves_tick_labels_are_legible_in_print(code):
    fig = _curve(code, LABELS[code], languages()[code])
    fig.canvas.draw()
    try:
        ticks = [
            text
            for ax in fig.axes
            for text in ax.get_xticklabels() + ax.get_yticklabels()
            if text in _texts(fig)
        ]
        assert ticks
        small = {text.get_text(): text.get_fontsize() for text in ticks if text.get_fontsize() < 9}
        assert small == {}
    finally:
        figures._pyplot().close(fig)


# --------------------------------------------------------------------------- presentation


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_the_indices_are_tabulated_once(lang):
    text = "\n".join(
        path.read_text("utf-8") for path in sorted((ROOT / "manuscript" / lang).glob("*.md"))
    )
    assert "{#tbl:indices}" not in text and "@tbl:indices " not in text
    harmonisation = (ROOT / "manuscript" / lang / "50-harmonisation.md").read_text("utf-8")
    assert "@tbl:indices_annual" in harmonisation  # the section points to the annual table
    registry = yaml.safe_load((ROOT / "workflow" / "registry.yaml").read_text("utf-8"))
    assert set(registry["tables"]) == {"indices_annual", "its", "did"}


@pytest.mark.parametrize(
    ("lang", "name"), [("en", "Supplementary Material S1"), ("tr", "Ek Materyal S1")]
)
def test_the_codebook_is_cited_as_supplementary_material(lang, name):
    folder = ROOT / "manuscript" / lang
    body = "\n".join(
        path.read_text("utf-8")
        for path in sorted(folder.glob("*.md"))
        if not path.name.startswith("95")
    )
    assert "data/raw/legal/README.md" not in body
    assert name in body
    # the appendix says where the supplement is
    appendix = (folder / "95-appendix.md").read_text("utf-8")
    assert name in appendix and "data/raw/legal/README.md" in appendix


def test_the_events_turkish_words_follow_the_glossary(glossary):
    # the events' labels are the words of the indices figure's key; the parity check
    # reads the text and labels.yaml, so the glossary is held to the data's words here
    import csv

    with (ROOT / "data" / "raw" / "policy" / "events.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    texts = {
        f"events.csv {row['event_id']} {column}": row[column]
        for row in rows
        for column in ("label_tr", "description_tr")
    }
    assert glossary_problems(texts, glossary["tr"], "tr") == []


# Place and body names a Turkish reference list writes in Turkish (titles keep their words).
ENGLISH_PLACES = re.compile(
    r"European Commission|European Council|Council of the European Union|\bBrussels\b|"
    r"\bThe President\b|\bproject\b"
)


def test_the_turkish_reference_list_names_bodies_and_places_in_turkish():
    found = {
        (key, name): value
        for key, entry in _entries(localise_bibtex(_bibliography(), "tr")).items()
        for name in ("howpublished", "note", "type", "institution", "publisher", "address")
        if (value := _field(entry, name)) and ENGLISH_PLACES.search(value)
    }
    assert found == {}


def test_a_term_broken_across_source_lines_is_still_found_and_still_allowed():
    entries = [{"use": "sığınma", "avoid": ["Göç ve İltica Paktı"], "allow": []}]
    assert glossary_problems({"tr/x.md": "AB Göç ve İltica\nPaktı kabul edildi."}, entries, "tr")
    entries = [{"use": "sığınma", "avoid": ["iltica"], "allow": ["İltica ve Göç Bürosu"]}]
    text = "bünyesindeki İltica ve Göç\nBürosu, BMMYK"
    assert glossary_problems({"tr/x.md": text}, entries, "tr") == []


# --------------------------------------------------------------------------- second reading
# The fresh referee reading of 8 December 2026 (notes referee2-tr): meaning drift, the
# reference list's words, one term per concept, calques.


@pytest.mark.parametrize(
    "sentence",
    [
        "2010'ların başında Türk ve AB politikalarının ayrıştığını gözlemler",  # divergence
        "iki bağımsız kodlaması 3 birimde ayrışmıştır.",
        "Poisson yarı olabilirlik modelinde düzey ve eğilimdeki en büyük değişim",
        "Poisson yarı-olabilirlik modeli Poisson ortalamasını korur",
        "başta AIDA ülke raporu ve göç idaresinin sayfaları",
        "Sınır kapılarının açılması (Pazarkule)",
        "Birlik bu krize Türkiye üzerinden yönetişimle yanıt vermiştir.",
        "geri göndermeyi dışsallaştırmak ve gayriresmîleştirmek için",
        "kopyalar ve yansı siteler ikincil sayılır",
        '"mülteci rantiyeci devletler" olarak adlandırır',
        "Kanun 6458 sayılı Kanunu yeniden değiştirdi ve Kanunun 89(3). maddesinin",
        # specification is spesifikasyon, identification tanımlama (not özdeşleme)
        "Ana tanımlamada düzey düştü.",
        "Kesintili zaman serisinin tanımlama eğrisi",
        "Bütün tanımlamalarda geçişler azaldı.",
        "hiçbir tanımlamada saptanabilir bir düşüş görülmedi",
        "Üçüncüsü nedensel özdeşlemedir.",
    ],
)
def test_the_glossary_forbids_the_second_referees_turkish(glossary, sentence):
    assert glossary_problems({"tr/x.md": sentence}, glossary["tr"], "tr")


def test_the_glossary_keeps_the_chosen_terms(glossary):
    text = (
        "Ayrışma hipotezi sınamayı geçmektedir; Tolay politikaların birbirinden "
        "uzaklaştığını gözlemler. Poisson yarı en çok olabilirlik tahmincisiyle (YÇOT) "
        "ve Poisson sözde en çok olabilirlik (PPML) yöntemiyle; Sığınma Bilgi "
        "Veritabanı'nın (AIDA) ülke raporu; 2020 sınır krizi; mülteci rantiye devletler; "
        "Kanunun 89 uncu maddesinin üçüncü fıkrasının; ayna siteler. Ana "
        "spesifikasyonda, bütün spesifikasyonlarda ve spesifikasyon eğrisinde; "
        "üçüncüsü nedensel tanımlamadır."
    )
    assert glossary_problems({"tr/x.md": text}, glossary["tr"], "tr") == []


def _turkish_text() -> str:
    return " ".join(
        "\n".join(
            path.read_text("utf-8") for path in sorted((ROOT / "manuscript" / "tr").glob("*.md"))
        ).split()
    )


@pytest.mark.parametrize(
    ("drift", "english"),
    [
        # "the Statement's month comes next": second largest, not later in time
        ("Mutabakat ayı onu izlemektedir", "Mutabakat ayı ikinci sırada gelmektedir"),
        # "replaced the acquis as the reference"
        ("müktesebatın yerini almıştır", "müktesebatın yerine referans noktası hâline gelmiştir"),
        ("p-değeri kırılmasız üretilmiş", "kırılma içermeyecek biçimde benzetilmiş"),
    ],
)
def test_the_turkish_says_what_the_english_says(drift, english):
    text = _turkish_text()
    assert drift not in text
    assert english in text


def test_a_work_cited_by_its_turkish_short_title_is_filed_under_it():
    # A reader finds a work cited without an author under the words the citation
    # shows: the Turkish reference list sorts and prints it by its title, so that title
    # begins with the Turkish short title.
    local = _entries(localise_bibtex(_bibliography(), "tr"))
    misfiled = {
        key: (_field(entry, "shorttitle"), _field(entry, "title"))
        for key, entry in local.items()
        if _field(entry, "author") is None
        and (short := _field(entry, "shorttitle"))
        and not (_field(entry, "title") or "").replace("{", "").startswith(short)
    }
    assert misfiled == {}
    assert _field(local["jap2015"], "title").startswith("Ortak Eylem Planı")


def test_the_turkish_reference_list_has_no_english_citeproc_term(tmp_path):
    # tr-TR has no "advance-online-publication" term; citeproc falls back to en-US
    import subprocess

    import pypandoc

    from paperkit.paper import PANDOC_DEFAULTS

    bib = tmp_path / "references.bib"
    bib.write_text(
        "@article{ustubici2019impact,\n  author = {Üstübici, Ayşen},\n"
        "  title = {The Impact of Externalized Migration Governance on {Turkey}},\n"
        "  journal = {Comparative Migration Studies},\n  year = {2019},\n"
        "  doi = {10.1186/s40878-019-0159-x},\n  langid = {english},\n}\n",
        encoding="utf-8",
    )
    texts = {}
    for code, lang in (("en", "en-GB"), ("tr", "tr-TR")):
        source = tmp_path / f"{code}.md"
        source.write_text(f"---\nlang: {lang}\n---\n\nMetin [@ustubici2019impact].\n")
        steps = [
            [str(source), "--to=json", f"--output={tmp_path / f'{code}.source.json'}"],
            [
                str(tmp_path / f"{code}.source.json"),
                f"--defaults={PANDOC_DEFAULTS / 'citeproc.yaml'}",
                f"--bibliography={bib}",
                "--to=plain",
                f"--output={tmp_path / f'{code}.txt'}",
            ],
        ]
        for args in steps:
            subprocess.run([pypandoc.get_pandoc_path(), *args], cwd=ROOT, check=True)
        texts[code] = " ".join((tmp_path / f"{code}.txt").read_text("utf-8").split())
    assert "Comparative Migration Studies, çevrimiçi erken yayın." in texts["tr"]
    assert "advance online" not in texts["tr"]
    assert "Comparative Migration Studies, ahead of print." in texts["en"]


def test_the_turkish_scope_phrase_of_the_main_specification_is_spesifikasyon():
    # the phrase a claim about the main specification must carry (labels.yaml scope)
    labels = yaml.safe_load((ROOT / "manuscript" / "labels.yaml").read_text("utf-8"))
    assert labels["tr"]["scope"]["main"] == "ana spesifikasyon"
    claims = yaml.safe_load((ROOT / "manuscript" / "claims.yaml").read_text("utf-8"))
    turkish = " ".join(claim["tr"] for claim in claims.values() if isinstance(claim, dict))
    assert "tanımlama" not in turkish and "özdeşleme" not in turkish
