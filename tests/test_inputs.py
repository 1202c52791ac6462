"""Bad project-authored input gets a clear error: file, line, column or config key, the
value and the fix, in a line or two (issue 22).

Text fields hold no control or bidirectional formatting characters; a quote that opens
a CSV field and is never closed is named where it opened.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperkit.validate import ValidationError, load_schema, read_csv_validated
from tests.conftest import ROOT

# --------------------------------------------------------------------------- tables

RAW = ROOT / "data" / "raw"
SCHEMAS = ROOT / "workflow" / "schemas" / "tables"
# Every project-authored table: its file and its schema (the alignment files share one).
TABLES = sorted(RAW.rglob("*.csv"))
# Unicode's Bidi_Control characters and the line and paragraph separators, written out
# here rather than taken from the validator, so that the test does not share its list.
BIDI_AND_SEPARATORS = [
    "\u061c",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u2028",
    "\u2029",
]
# Every control character (Unicode category Cc: C0, DEL and C1), NUL among them.
CONTROLS = st.characters(categories=["Cc"])
FORBIDDEN = st.one_of(CONTROLS, st.sampled_from(BIDI_AND_SEPARATORS))


def schema_of(table: Path) -> Path:
    name = "alignment" if table.parent.name == "alignment" else table.stem
    return SCHEMAS / f"{name}.yaml"


def text_columns(table: Path) -> list[str]:
    columns = load_schema(schema_of(table))["columns"]
    return [name for name, rule in columns.items() if rule["type"] == "string"]


def rows_of(table: Path) -> list[list[str]]:
    with open(table, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def test_every_table_has_a_schema_and_text_columns():
    assert len(TABLES) >= 10
    for table in TABLES:
        assert text_columns(table), table


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), char=FORBIDDEN)
def test_a_control_character_in_any_text_field_is_named_by_file_line_and_column(
    tmp_path, data, char
):
    table = data.draw(st.sampled_from(TABLES), label="table")
    rows = rows_of(table)
    header = rows[0]
    column = data.draw(
        st.sampled_from([name for name in text_columns(table) if name in header]), label="column"
    )
    row = data.draw(st.integers(1, len(rows) - 1), label="data row")
    field = rows[row][header.index(column)]
    at = data.draw(st.integers(0, len(field)), label="position")
    rows[row][header.index(column)] = field[:at] + char + field[at:]
    path = tmp_path / table.relative_to(ROOT)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(csv_text(rows), encoding="utf-8")

    with pytest.raises(ValidationError) as raised:
        read_csv_validated(path, load_schema(schema_of(table)))
    # The record's line: the header is line 1 and no other record spans lines.
    where = f"{path}, row {row + 1}, column '{column}'"
    named = [str(found) for found in raised.value.violations if str(found).startswith(where)]
    assert named, f"{where} not in {raised.value}"
    if char not in "\n\r":  # a line break is reported as the quoted field it breaks
        assert any(f"U+{ord(char):04X}" in text for text in named), named
        assert any("delete it" in text for text in named), named


def test_a_nul_byte_names_file_line_column_character_and_fix(tmp_path):
    table = RAW / "policy" / "events.csv"
    rows = rows_of(table)
    rows[4][header_index(rows, "label_en")] = "Readmission\x00 agreement initialled"
    path = tmp_path / "events.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    with pytest.raises(ValidationError) as raised:
        read_csv_validated(path, load_schema(schema_of(table)))
    message = str(raised.value)
    assert (
        f"{path}, row 5, column 'label_en': character 12 is U+0000 (NUL), not allowed in text; "
        "delete it"
    ) in message
    assert len(message.splitlines()) == 2  # the count, and one line for the one problem


def test_a_right_to_left_override_is_named(tmp_path):
    table = RAW / "policy" / "events.csv"
    rows = rows_of(table)
    rows[2][header_index(rows, "note")] = "ok \u202etxt.exe"
    path = tmp_path / "events.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"row 3, column 'note': character 4 is U\+202E "):
        read_csv_validated(path, load_schema(schema_of(table)))


def header_index(rows: list[list[str]], column: str) -> int:
    return rows[0].index(column)


def test_the_committed_tables_hold_no_forbidden_character():
    for table in TABLES:
        read_csv_validated(table, load_schema(schema_of(table)))


# --------------------------------------------------------------------------- stray quotes


def events_with(tmp_path: Path, line: int, old: str, new: str) -> Path:
    """data/raw/policy/events.csv with ``old`` replaced by ``new`` in ``line``."""
    lines = (RAW / "policy" / "events.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path = tmp_path / "events.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def quote_message(path: Path) -> str:
    with pytest.raises(ValidationError) as raised:
        read_csv_validated(path, load_schema(SCHEMAS / "events.yaml"))
    return str(raised.value)


def field_start(line: str, number: int) -> int:
    """Where field ``number`` (from 0) of a CSV line begins."""
    starts, quoted = [0], False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(index + 1)
    return starts[number]


def test_a_stray_quote_names_the_line_and_column_where_it_opened(tmp_path):
    # Before: "Error tokenizing data. C error: Expected 14 fields in line 5, saw 20".
    lines = (RAW / "policy" / "events.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    start = field_start(lines[4], 11)  # the unquoted `verified` field of line 5
    lines[4] = lines[4][:start] + '"' + lines[4][start:]
    path = tmp_path / "events.csv"
    path.write_text("".join(lines), encoding="utf-8")
    message = quote_message(path)
    assert "Expected 14 fields" not in message
    assert f"{path}, row 5, column 'verified': the quote that opens this field on line 5" in message
    assert 'close it with a quote at the end of the field, or double it ("")' in message
    assert len(message.splitlines()) == 2


def test_a_quote_never_closed_names_its_line(tmp_path):
    path = events_with(tmp_path, 3, "helsinki_candidate,", "helsinki_candidate,")
    text = path.read_text(encoding="utf-8")
    path.write_text(text + 'late_event,"2020-01-01,day\n', encoding="utf-8")
    line = len(text.splitlines()) + 1
    message = quote_message(path)
    assert (
        f"row {line}, column 'date': the quote that opens this field on line {line} is never "
        "closed" in message
    )


def test_a_quoted_field_that_spans_lines_is_named(tmp_path):
    path = events_with(tmp_path, 3, "Helsinki: candidate status", '"Helsinki:\ncandidate status"')
    assert "row 3, column 'label_en': the quoted field runs from line 3 to line 4" in quote_message(
        path
    )


def test_a_doubled_quote_inside_a_field_is_no_stray_quote(tmp_path):
    path = events_with(
        tmp_path, 3, "Helsinki: candidate status", '"Helsinki: ""candidate"" status"'
    )
    frame = read_csv_validated(path, load_schema(SCHEMAS / "events.yaml"))
    assert frame.loc[1, "label_en"] == 'Helsinki: "candidate" status'


def test_character_names_are_readable():
    from paperkit.inputs import character_name

    assert character_name("\x00") == "U+0000 (NUL)"
    assert character_name("\u202e") == f"U+202E ({unicodedata.name(chr(0x202E))})"
    assert character_name("\x85") == "U+0085 (a control character)"


# --------------------------------------------------------------------------- inside the repository


def test_a_link_out_of_the_repository_is_refused_and_one_inside_is_not(tmp_path):
    from paperkit.inputs import InputError, outside_links, refuse_outside

    repo, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    (repo / "texts").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "secret.md").write_text("not the paper's", encoding="utf-8")
    (repo / "texts" / "10-own.md").write_text("the paper's", encoding="utf-8")
    (repo / "texts" / "20-linked.md").symlink_to(elsewhere / "secret.md")
    (repo / "texts" / "30-inside.md").symlink_to(repo / "texts" / "10-own.md")
    (repo / "folder").symlink_to(elsewhere, target_is_directory=True)
    (repo / "labels.yaml").symlink_to(elsewhere / "secret.md")

    paths = ["texts", "folder", "labels.yaml", "absent.yaml"]
    assert outside_links(repo, paths) == [
        ("texts/20-linked.md", (elsewhere / "secret.md").resolve()),
        ("folder", elsewhere.resolve()),
        ("labels.yaml", (elsewhere / "secret.md").resolve()),
    ]
    with pytest.raises(InputError) as raised:
        refuse_outside(repo, paths)
    lines = str(raised.value).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(
        f"texts/20-linked.md: a link to {(elsewhere / 'secret.md').resolve()}"
    )
    assert "outside the repository" in lines[0] and "replace the link by a copy" in lines[0]
    refuse_outside(repo, ["texts/10-own.md", "texts/30-inside.md"])  # no error
    # A file named outside in the first place (a --configfile overlay) is no link.
    refuse_outside(repo, [elsewhere / "secret.md"])


def parse_copy(tree: Path, *args: str, mirror: Path | None = None) -> tuple[int, str]:
    """Snakemake on a copy of the project (parsing the workflow is enough to fail): its
    exit code and its output (Snakemake prints some parse errors on stdout)."""
    from tests.conftest import snakemake

    run = snakemake(tree, *args, mirror=mirror, timeout=1800)
    return run.returncode, run.stdout + run.stderr


# Every kind of project-authored input the build reads: a section, the labels, the claims,
# the bibliography, coded data, a table schema and the config.
AUTHORED = [
    "manuscript/en/80-conclusion.md",
    "manuscript/labels.yaml",
    "manuscript/claims.yaml",
    "manuscript/references.bib",
    "data/raw/policy/events.csv",
    "data/raw/legal/alignment/return.csv",
    "workflow/schemas/tables/events.yaml",
    "config/config.yaml",
]


def test_the_build_refuses_every_authored_input_linked_from_outside(tmp_path):
    # Before: a section linked to a file outside was read; its text reached both HTML
    # files, the English DOCX and manuscript/last-good/, and the build exited 0.
    from tests.conftest import copy_project

    tree = copy_project(tmp_path / "paper")
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in AUTHORED:
        target = outside / name.replace("/", "_")
        (tree / name).replace(target)
        (tree / name).symlink_to(target)
    for attempt in (1, 2):  # fails the same way until the links are replaced
        code, output = parse_copy(tree)  # the refusal comes before any source is needed
        assert code != 0, output[-2000:]
        for name in AUTHORED:
            assert f"{name}: a link to {outside / name.replace('/', '_')}, outside the " in (
                output
            ), f"run {attempt}: {name} not named in\n{output[-3000:]}"
    assert not (tree / "manuscript" / "build").exists()
    assert not (tree / "results").exists()


# --------------------------------------------------------------------------- config


def test_an_unknown_config_key_is_one_line_with_the_closest_key(tmp_path):
    # Before: Snakemake's validate printed the whole schema (826 lines of output).
    from tests.conftest import copy_project

    tree = copy_project(tmp_path / "paper")
    config = tree / "config" / "config.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("\ndownload_timeout: 60", "\ndownload_timeut: 60"), "utf-8")
    line = text.splitlines().index("download_timeout: 60") + 1
    code, output = parse_copy(tree, "--dry-run")
    assert code != 0
    assert (
        f"config/config.yaml:{line}: download_timeut: unknown key; did you mean "
        "'download_timeout'? Rename it"
    ) in output
    assert "Failed validating" not in output and "required key" not in output
    assert len(output.splitlines()) < 10, output


def test_config_problems_name_file_line_key_value_and_fix():
    from paperkit.inputs import config_problems

    schema = yaml.safe_load(
        (ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text(encoding="utf-8")
    )
    text = (ROOT / "config" / "config.yaml").read_text(encoding="utf-8")
    broken = text.replace("    spline_df: 5\n", "    spline_df: five\n").replace(
        "  top_origins: 4\n", "  top_orgins: 4\n"
    )
    problems = config_problems(yaml.safe_load(broken), schema, {"config/config.yaml": broken})
    lines = broken.splitlines()
    spline = lines.index("    spline_df: five") + 1
    origins = lines.index("  top_orgins: 4") + 1
    assert problems == [
        f"config/config.yaml:{origins}: hosted.top_orgins: unknown key; did you mean "
        "'top_origins'? Rename it",
        f"config/config.yaml:{spline}: models.its.spline_df: 'five' is not of type 'integer'; "
        "correct the value",
    ]
    assert config_problems(yaml.safe_load(text), schema, {"config/config.yaml": text}) == []


# --------------------------------------------------------------------------- languages


def test_a_language_without_its_words_is_one_message_not_a_key_error(tmp_path):
    # Before: the workflow parsed, and the parity job failed with a bare "ERROR: 'de'".
    from tests.conftest import copy_project

    tree = copy_project(tmp_path / "paper")
    config = tree / "config" / "config.yaml"
    text = config.read_text(encoding="utf-8")
    line = "  tr: {locale: tr_TR, case_endings: turkish}\n"
    config.write_text(text.replace(line, line + "  de: {locale: de_DE}\n"), encoding="utf-8")
    (tree / "manuscript" / "de").mkdir()
    for section in (tree / "manuscript" / "en").glob("*.md"):
        (tree / "manuscript" / "de" / section.name).write_bytes(section.read_bytes())
    code, output = parse_copy(tree, "--dry-run")
    assert code != 0
    assert (
        "config languages.de: manuscript/labels.yaml has no words for 'de'; add a 'de:' "
        "mapping with the keys of 'en' (references, provenance, scope and "
    ) in output
    assert "KeyError" not in output and "ERROR: 'de'" not in output


# --------------------------------------------------------------------------- citations


def test_an_unknown_citation_key_names_file_line_key_and_fix():
    from paperkit.parity import citation_problems

    sources = {
        "manuscript/en/20-theory.md": "Regimes\nwarn [@strange1982cav], and\n",
        "manuscript/tr/20-theory.md": "Rejimler [@krasner1982structural; @strange1982cav].\n",
    }
    skeletons = {
        "en": {"citations": {"strange1982cav"}},
        "tr": {"citations": {"strange1982cav", "krasner1982structural"}},
    }
    bib = "@book{strange1982cave,\n}\n@article{krasner1982structural,\n}\n"
    problems = citation_problems(
        skeletons, bib, sources, ["manuscript/references.bib", "results/bibliography/datasets.bib"]
    )
    assert problems[0] == (
        "manuscript/en/20-theory.md:2, manuscript/tr/20-theory.md:1: citation key "
        "'strange1982cav' has no entry in manuscript/references.bib or "
        "results/bibliography/datasets.bib; correct the key (closest entry: strange1982cave) "
        "or add the entry"
    )


# --------------------------------------------------------------------------- claims


def test_a_failing_claim_names_its_line_the_values_and_the_specification_that_broke_it():
    from paperkit.claims import ClaimError, check_claims, claim_lines, parse_claims

    text = (
        "# claims\n"
        "declined:\n"
        "  en: It fell.\n  tr: Düştü.\n  scope: numbers\n"
        "  check: last < peak and peak_year < 2025\n"
        "cut:\n"
        "  en: Cut in every specification.\n  tr: Her tanımlamada.\n  scope: multiverse\n"
        "  check: all(its, ratio < 1) and share(its, high < 1) >= 0.5\n"
    )
    claims = parse_claims(
        yaml.safe_load(text), ["en", "tr"], claim_lines(text, "manuscript/claims.yaml")
    )
    values = {"last": 3_737_369, "peak": 2_347_756, "peak_year": 2021}
    tables = {
        "its": [
            {"specification": "its-a", "ratio": 0.4, "high": 0.9},
            {"specification": "its-b", "ratio": 1.3, "high": 2.0},
            {"specification": "its-c", "ratio": 1.1, "high": 1.5},
        ]
    }
    with pytest.raises(ClaimError) as raised:
        check_claims(claims, values, tables)
    message = str(raised.value)
    assert (
        "claim 'cut' fails (manuscript/claims.yaml:7: the results no longer support it: 2 of "
        "the 3 specifications of 'its' break it; the first, its-b: ratio = 1.3 < 1 is false)"
    ) in message
    assert (
        "claim 'declined' fails (manuscript/claims.yaml:2: the results no longer support it: "
        "last = 3737369 < peak = 2347756 is false)"
    ) in message


# --------------------------------------------------------------------------- ITS events


def test_an_its_event_after_the_data_names_the_key_the_value_and_the_last_month():
    # Before: "Singular matrix" from the fit, naming nothing.
    import numpy as np
    import pandas as pd

    from asylum_regime.its import fit_its
    from asylum_regime.multiverse import family_main

    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    spec = config["models"]["its"]
    spec["events"]["border_2020"] = {"start": "2025-08", "kind": "pulse"}
    months = pd.date_range("2009-01-01", "2025-02-01", freq="MS")
    rng = np.random.default_rng(1)
    monthly = pd.DataFrame({"month": months, "detections": rng.poisson(3000, len(months))})
    with pytest.raises(ValueError) as raised:  # paperkit.inputs.InputError
        fit_its(monthly, spec, family_main(config, "its"))
    assert str(raised.value) == (
        "config models.its.events.border_2020.start: '2025-08' is after the last month of the "
        "series (2009-01..2025-02; the data's last month is 2025-02, models.its.last_month "
        f"{spec['last_month']}); date it inside the series, or remove it"
    )


# --------------------------------------------------------------------------- authored texts


def authored_texts() -> list[str]:
    """The paper's authored Markdown, YAML and BibTeX files, relative to the root."""
    from paperkit.inputs import TEXT_SUFFIXES
    from paperkit.paper import Paper

    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    paper = Paper.load(
        config, ROOT, authored=["data/raw/legal", "data/raw/policy", "workflow/schemas"]
    )
    found = []
    for name in ["config/config.yaml", *paper.authored_inputs()]:
        path = ROOT / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        found += [str(f.relative_to(ROOT)) for f in files if f.suffix in TEXT_SUFFIXES]
    return found


# Control characters a text file may hold: tab and the line ends.
TEXT_CONTROLS = st.characters(categories=["Cc"]).filter(lambda char: char not in "\t\n\r")


@settings(max_examples=60, deadline=None)
@given(data=st.data(), char=st.one_of(TEXT_CONTROLS, st.sampled_from(BIDI_AND_SEPARATORS)))
def test_a_control_character_in_any_authored_text_is_named_at_its_line_and_column(data, char):
    import tempfile

    from paperkit.inputs import character_problems

    name = data.draw(st.sampled_from(authored_texts()), label="file")
    text = (ROOT / name).read_text(encoding="utf-8")
    at = data.draw(st.integers(0, len(text)), label="position")
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.parent.mkdir(parents=True)
        path.write_text(text[:at] + char + text[at:], encoding="utf-8")
        problems = character_problems(folder, [name])
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{name}:{line}:{column}: U+{ord(char):04X} "), problems
    assert "is not allowed in the text; delete it" in problems[0]


def test_the_committed_authored_texts_are_clean():
    from paperkit.inputs import character_problems

    assert len(authored_texts()) > 20
    assert character_problems(ROOT, authored_texts()) == []


def test_a_carriage_return_alone_is_named_and_crlf_line_ends_are_not(tmp_path):
    # Before: a bare CR ended the record for pandas, and the table read as if it were not there.
    table = RAW / "legal" / "alignment" / "dublin_eurodac.csv"
    text = table.read_text(encoding="utf-8")
    first = text.index("\n") + 1
    path = tmp_path / "dublin_eurodac.csv"
    path.write_bytes((text[:first] + "\r" + text[first:]).encode("utf-8"))
    with pytest.raises(
        ValidationError, match=r"row 2, column 'requirement_id': character 1 is U\+000D"
    ):
        read_csv_validated(path, load_schema(schema_of(table)))
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert len(read_csv_validated(path, load_schema(schema_of(table)))) == text.count("\n") - 1
