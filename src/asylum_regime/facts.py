"""One fact, one record: the facts that several coded inputs state must agree.

The legal and policy inputs repeat some facts: an event of the timeline
(``events.csv``) may be a stage of an instrument (its adoption, publication in
the Official Gazette or entry into force) whose row in ``tr_instruments.csv`` or
``eu_instruments.csv`` records that date; an alignment row's interval starts on
the entry into force of the Turkish provision it codes; the citations in the
rows' ``source`` and ``note`` repeat Gazette (RG) numbers and dates, entry-into-
force and adoption dates and Official Journal references; the second coding
(``second_coding.csv``) names the alignment intervals it scored and the score
they now carry. The instrument tables are the record of an instrument's dates,
Gazette number and Official Journal reference; every other file that states one
of them must state the same value with the same verification status.

Which facts are the same (the links are explicit columns, never guessed from
wording):

- ``events.instrument_id`` + ``events.instrument_date`` (``adopted``, ``rg_date``
  or ``in_force``): the event's ``date`` is that column of that instrument. Same
  value; same status (the status of a field: ``yes`` on a ``yes`` row; on a
  ``partial`` row ``yes`` only for the columns listed in ``verified_fields``,
  else ``partial``; ``no`` on a ``no`` row). A Gazette number in the event's
  description or source is that instrument's ``rg_number``, with the same status.
- ``alignment.tr_instrument_id``: the first interval a requirement takes from an
  instrument starts on its ``in_force`` date, or on its ``rg_date`` (the earliest
  possible date) where the entry into force was not verified; the row may claim no
  higher status than that date has, and none above ``partial`` when it rests on an
  unverified entry into force or on an amendment not in the table (a later
  interval of the same instrument). Consecutive intervals meet: the earlier one
  ends the day before the later one starts.
- Citations in text: ``RG <number>, <date>`` / ``RG <date> No. <number>`` pairs,
  ``; in force <date>`` after them, a bare ``RG <date>``, and in the alignment's
  ``source`` ``adopted <date>``, ``in force <date>`` and
  ``EUR-Lex <CELEX> (<OJ reference>)`` must match the records (a Gazette number no
  record knows is another publication, e.g. a court judgment, unless its date is an
  instrument's publication date).
- ``second_coding``: every unit names an applicable alignment interval
  (``requirement_id`` + ``valid_from``), every applicable interval has a unit, and
  ``reconciled_score`` is that interval's ``score``.

Each disagreement is a ``paperkit.validate.Violation`` naming file, row and
column, and the other place it disagrees with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from paperkit.validate import Violation

STATUS_ORDER = ("no", "partial", "yes")
INSTRUMENT_DATES = {
    "tr_instruments": ("adopted", "rg_date", "in_force"),
    "eu_instruments": ("adopted",),
}

_DAY = r"(\d{1,2})[./](\d{1,2})[./](\d{4})"
# "RG 28615, 11.04.2013; in force 11.04.2014" (the date and the entry into force optional)
RG_NUMBER_DATE = re.compile(rf"\bRG[ -](\d{{5}})(?:, {_DAY})?(?:; [^;)]*?\bin force {_DAY})?")
# "RG 15.01.2016 No. 29594", "RG 26/04/2016 No 29695", "RG-29/10/2021-31643",
# "RG 27.01.2006/26062", or a date alone ("RG 29.10.2016")
RG_DATE_NUMBER = re.compile(rf"\bRG[ -]{_DAY}(?:(?: No\.?|/|-) ?(\d{{5}}))?")
# a Gazette number without a date, in an event's own wording
GAZETTE_NUMBER = re.compile(
    r"Official Gazette No\.? ?(\d{4,6})|(\d{4,6}) sayılı Resm[îi] Gazete|\bRG No\.? ?(\d{4,6})"
)
IN_FORCE = re.compile(rf"\bin force {_DAY}")
ADOPTED = re.compile(rf"\badopted {_DAY}")
EUR_LEX = re.compile(r"EUR-Lex (3\d{4}[LR]\d{4}) \((OJ [^)]*)\)")
# a decision number in an event's own wording: "Decision No. 2014/6883", "2014/6883 sayılı"
DECISION_NUMBER = re.compile(r"(?<![\d/])((?:19|20)\d{2}/\d{3,5})(?![\d/])")
# Indicators of statement_implementation.csv that count up from the Statement: a later
# as-of date cannot carry a smaller figure unless one of the two rows says why.
CUMULATIVE_INDICATORS = (
    "returns_greece_to_turkey",
    "syrians_resettled_1to1",
    "frit_committed_eur",
    "frit_contracted_eur",
    "frit_disbursed_eur",
    "frit_envelope_eur",
)
SERIES_BREAK = "SERIES BREAK:"
# A citation that follows an event's date placeholder within a few words, with no
# punctuation between ("on {{event_x}} [@key]", "{{event_x}} tarihinde kararlaştırdı
# [@key]"), cites that event: the keys must be among the event's ``bib_keys``.
EVENT_CITATION = re.compile(
    r"\{\{event_([a-z0-9_]+?)(?:_year)?\}\}((?:[^\S\n]|\n)*(?:[^\s.,;:{}\[\]]+\s+){0,4}?)"
    r"\[(@[^\]]+)\]"
)
CITATION_KEY = re.compile(r"@([A-Za-z0-9_:-]+)")


def _day(groups: Iterable[str]) -> pd.Timestamp | None:
    day, month, year = groups
    try:
        return pd.Timestamp(int(year), int(month), int(day))
    except ValueError:
        return None


def _iso(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value) == ""


def _text(value) -> str:
    return "" if _blank(value) else str(value)


def _place(row: pd.Series, column: str) -> str:
    return f"{row['source_file']} row {int(row['source_row'])} column '{column}'"


def _violation(row: pd.Series, column: str, rule: str, value=None) -> Violation:
    return Violation(row["source_file"], int(row["source_row"]), column, rule, value)


def field_status(row: pd.Series, column: str) -> str:
    """The verification status of one field of a row: the row's status, except that on a
    ``partial`` row the columns named in ``verified_fields`` were read in a primary text."""
    status = row["verified"]
    if status != "partial":
        return status
    listed = _text(row.get("verified_fields", "")).split()
    return "yes" if column in listed else "partial"


# --------------------------------------------------------------------------- rows' own lists


def verified_fields_findings(table: pd.DataFrame, name: str) -> list[Violation]:
    """``verified_fields`` names non-empty columns of the table, on ``partial`` rows only."""
    if "verified_fields" not in table.columns:
        return []
    columns = set(table.columns) - {"source_file", "source_row", "verified", "verified_fields"}
    found = []
    for _, row in table.iterrows():
        listed = _text(row["verified_fields"]).split()
        if listed and row["verified"] != "partial":
            found.append(
                _violation(
                    row,
                    "verified_fields",
                    f"lists fields on a row whose status is '{row['verified']}' (only a partial "
                    "row names the fields read in a primary text)",
                    row["verified_fields"],
                )
            )
        for field in listed:
            if field not in columns:
                found.append(
                    _violation(row, "verified_fields", f"'{field}' is not a column of {name}")
                )
            elif _blank(row[field]):
                found.append(
                    _violation(
                        row,
                        "verified_fields",
                        f"'{field}' is empty in this row, so it cannot have been read",
                    )
                )
    return found


# --------------------------------------------------------------------------- events


def _records(tables: dict[str, pd.DataFrame]) -> dict[str, tuple[str, pd.Series]]:
    """Instrument id → (table name, row), for both instrument tables."""
    return {
        row["instrument_id"]: (name, row)
        for name in INSTRUMENT_DATES
        for _, row in tables[name].iterrows()
    }


def _status_finding(
    row: pd.Series, column: str, own: str, record: pd.Series, field: str, what: str
) -> Violation | None:
    theirs = field_status(record, field)
    if own == theirs:
        return None
    return _violation(
        row,
        column,
        f"{what}: status '{own}' here, '{theirs}' in {_place(record, field)} (the record of the "
        "instrument; the same fact carries one status: correct the row whose note does not "
        "match what was read, or list the field in verified_fields)",
        row["verified"],
    )


def event_findings(tables: dict[str, pd.DataFrame]) -> list[Violation]:
    """An event that is a stage of an instrument: same date, same Gazette number, same status."""
    records = _records(tables)
    found: list[Violation] = []
    for _, event in tables["events"].iterrows():
        ident, stage = _text(event["instrument_id"]), _text(event["instrument_date"])
        texts = {
            column: _text(event[column])
            for column in ("description_en", "description_tr", "source")
        }
        numbers = {
            column: {
                int(next(filter(None, match.groups()))) for match in GAZETTE_NUMBER.finditer(text)
            }
            for column, text in texts.items()
        }
        if not ident:
            if stage:
                found.append(
                    _violation(
                        event, "instrument_date", "is set, but instrument_id is empty", stage
                    )
                )
            for column, cited in numbers.items():
                if cited and column != "source":
                    found.append(
                        _violation(
                            event,
                            column,
                            f"states Gazette No. {', '.join(map(str, sorted(cited)))} but names no "
                            "instrument (instrument_id): the number cannot be checked against its "
                            "record",
                        )
                    )
            continue
        if ident not in records:
            found.append(
                _violation(
                    event,
                    "instrument_id",
                    "names no instrument of tr_instruments.csv or eu_instruments.csv",
                    ident,
                )
            )
            continue
        table, record = records[ident]
        if stage not in INSTRUMENT_DATES[table]:
            found.append(
                _violation(
                    event,
                    "instrument_date",
                    f"must name the date column of {table}.csv that the event is "
                    f"({', '.join(INSTRUMENT_DATES[table])})",
                    stage,
                )
            )
            continue
        recorded = record[stage]
        if _blank(recorded):
            found.append(
                _violation(
                    event,
                    "date",
                    f"dates the '{stage}' of {ident}, which {_place(record, stage)} leaves empty "
                    "(not verified there): give the record the value with its source and status, "
                    "or unlink the event",
                    _iso(event["date"]),
                )
            )
        elif pd.Timestamp(recorded) != pd.Timestamp(event["date"]):
            found.append(
                _violation(
                    event,
                    "date",
                    f"differs from {_place(record, stage)} ({_iso(recorded)}), the '{stage}' of "
                    f"{ident}",
                    _iso(event["date"]),
                )
            )
        else:
            problem = _status_finding(
                event,
                "verified",
                field_status(event, "date"),
                record,
                stage,
                f"the {stage} of {ident}",
            )
            found += [problem] if problem else []
        for column, cited in numbers.items():
            if not cited:
                continue
            own = record.get("rg_number")
            if table != "tr_instruments" or _blank(own):
                found.append(
                    _violation(
                        event,
                        column,
                        f"states Gazette No. {', '.join(map(str, sorted(cited)))}, but "
                        f"{record['source_file']} row {int(record['source_row'])} records no "
                        f"Gazette number for {ident}",
                    )
                )
                continue
            wrong = sorted(number for number in cited if number != int(own))
            if wrong:
                found.append(
                    _violation(
                        event,
                        column,
                        f"states Gazette No. {', '.join(map(str, wrong))}, but "
                        f"{_place(record, 'rg_number')} records No. {int(own)} for {ident}",
                    )
                )
            elif column != "source":
                problem = _status_finding(
                    event,
                    "verified",
                    field_status(event, column),
                    record,
                    "rg_number",
                    f"Gazette No. {int(own)} of {ident} (in {column})",
                )
                found += [problem] if problem else []
        if table == "tr_instruments":
            found += _decision_number_findings(event, texts, record, ident)
    return found


def _decision_number_findings(
    event: pd.Series, texts: dict[str, str], record: pd.Series, ident: str
) -> list[Violation]:
    """A decision number the event's description states is the instrument's ``number``, with
    the status the record gives that field."""
    found: list[Violation] = []
    for column in ("description_en", "description_tr"):
        cited = set(DECISION_NUMBER.findall(texts[column]))
        if not cited:
            continue
        own = _text(record.get("number", ""))
        wrong = sorted(number for number in cited if number != own)
        if wrong:
            found.append(
                _violation(
                    event,
                    column,
                    f"states decision No. {', '.join(wrong)}, but {_place(record, 'number')} "
                    f"records {own or 'none'} for {ident}",
                )
            )
            continue
        problem = _status_finding(
            event,
            "verified",
            field_status(event, column),
            record,
            "number",
            f"decision No. {own} of {ident} (in {column})",
        )
        found += [problem] if problem else []
    return found


# --------------------------------------------------------------------------- cumulative series


def cumulative_findings(statement: pd.DataFrame) -> list[Violation]:
    """A cumulative series does not fall: for each indicator in ``CUMULATIVE_INDICATORS``,
    ordered by as-of date, a figure below an earlier one is a finding. A row whose note
    says ``SERIES BREAK:`` and why (the source revised it, rounds it, or counts something
    else) is set aside: it is compared with nothing, and nothing with it."""
    found: list[Violation] = []
    for indicator in CUMULATIVE_INDICATORS:
        rows = statement[statement["indicator"] == indicator].copy()
        rows = rows[~rows["note"].map(_text).str.contains(SERIES_BREAK, regex=False)]
        rows["_day"] = pd.to_datetime(rows["as_of_date"])
        rows = rows.sort_values(["_day", "value"], kind="stable")
        highest = None
        for _, row in rows.iterrows():
            if highest is not None and float(row["value"]) < float(highest["value"]):
                found.append(
                    _violation(
                        row,
                        "value",
                        f"falls below {float(highest['value']):,.0f} as of "
                        f"{_iso(highest['as_of_date'])} ({_place(highest, 'value')}), but "
                        f"{indicator} is cumulative: correct the figure, or begin a sentence "
                        f"of the note of the row that does not fit the series with "
                        f"'{SERIES_BREAK}' and say why (a revision, rounding, another count)",
                        f"{float(row['value']):,.0f}",
                    )
                )
            else:
                highest = row
    return found


# --------------------------------------------------------------------------- citations of events


def event_citation_findings(events: pd.DataFrame, texts: dict[str, str]) -> list[str]:
    """A citation placed on an event's date (``EVENT_CITATION``) names one of the event's
    sources: every key must be listed in the event's ``bib_keys`` in events.csv."""
    keys_of = {
        row["event_id"]: set(_text(row.get("bib_keys", "")).split()) for _, row in events.iterrows()
    }
    found: list[str] = []
    for name, text in sorted(texts.items()):
        for match in EVENT_CITATION.finditer(text):
            event = match.group(1)
            if event not in keys_of:
                continue
            line = text.count("\n", 0, match.start()) + 1
            for key in CITATION_KEY.findall(match.group(3)):
                if key not in keys_of[event]:
                    listed = " ".join(sorted(keys_of[event])) or "none"
                    found.append(
                        f"{name}, line {line}: [@{key}] is placed on the date of event "
                        f"'{event}', but events.csv lists as its sources (bib_keys) {listed}: "
                        "cite the text the event was read in, or move the citation to the "
                        "clause it supports"
                    )
    return found


# --------------------------------------------------------------------------- alignment intervals


def _rank(status: str) -> int:
    return STATUS_ORDER.index(status)


def interval_findings(tables: dict[str, pd.DataFrame]) -> list[Violation]:
    """Alignment intervals against the dates of the Turkish instruments they code."""
    records = {row["instrument_id"]: row for _, row in tables["tr_instruments"].iterrows()}
    coding = tables["alignment"]
    applicable = coding[coding["applicable"].astype(bool) & coding["valid_from"].notna()]
    found: list[Violation] = []
    for _, rows in applicable.groupby("requirement_id", sort=True):
        ordered = rows.sort_values("valid_from")
        previous = None
        for _, row in ordered.iterrows():
            if previous is not None and pd.notna(previous["valid_to"]):
                expected = row["valid_from"] - pd.Timedelta(days=1)
                if previous["valid_to"] != expected:
                    found.append(
                        _violation(
                            previous,
                            "valid_to",
                            f"must be the day before the next interval starts ({_iso(expected)}, "
                            f"{_place(row, 'valid_from')}): intervals of a requirement meet",
                            _iso(previous["valid_to"]),
                        )
                    )
            ident = _text(row["tr_instrument_id"])
            same = previous is not None and _text(previous["tr_instrument_id"]) == ident
            previous = row
            if not ident or ident not in records:
                continue  # no Turkish provision, or an unknown id (coding.py reports it)
            record = records[ident]
            if not _blank(record["repealed"]) and (
                pd.isna(row["valid_to"]) or row["valid_to"] >= record["repealed"]
            ):
                found.append(
                    _violation(
                        row,
                        "valid_to",
                        f"must end before {ident} was repealed ({_iso(record['repealed'])}, "
                        f"{_place(record, 'repealed')})",
                        _iso(row["valid_to"]),
                    )
                )
            if same:
                # A later interval of the same instrument: an amendment the instrument table
                # does not hold, so its date cannot be checked and cannot be 'yes'.
                if row["verified"] == "yes":
                    found.append(
                        _violation(
                            row,
                            "verified",
                            f"the interval starts with an amendment of {ident} that "
                            "tr_instruments.csv does not record, so its date is not verified: "
                            "at most 'partial'",
                            row["verified"],
                        )
                    )
                continue
            basis = "in_force" if not _blank(record["in_force"]) else "rg_date"
            start = record[basis]
            if _blank(start):
                found.append(
                    _violation(
                        row,
                        "valid_from",
                        f"{ident} has neither an entry into force nor a Gazette date in "
                        f"{record['source_file']} row {int(record['source_row'])}, so no interval "
                        "can start from it",
                        _iso(row["valid_from"]),
                    )
                )
                continue
            if pd.Timestamp(start) != row["valid_from"]:
                what = (
                    "entry into force"
                    if basis == "in_force"
                    else "publication (its entry into force is not verified)"
                )
                found.append(
                    _violation(
                        row,
                        "valid_from",
                        f"must be the {what} of {ident}, {_iso(start)} ({_place(record, basis)})",
                        _iso(row["valid_from"]),
                    )
                )
            ceiling = field_status(record, basis) if basis == "in_force" else "partial"
            if _rank(row["verified"]) > _rank(ceiling):
                reason = (
                    f"the entry into force of {ident} is not verified "
                    f"({_place(record, 'in_force')} is empty)"
                    if basis == "rg_date"
                    else f"the entry into force of {ident} has status '{ceiling}' in "
                    f"{_place(record, 'in_force')}"
                )
                found.append(
                    _violation(
                        row,
                        "verified",
                        f"the interval's start rests on it, and {reason}: at most '{ceiling}'",
                        row["verified"],
                    )
                )
    return found


# --------------------------------------------------------------------------- citations in text


def _citation_lookups(tr: pd.DataFrame, eu: pd.DataFrame) -> dict:
    """The records a citation is checked against, by Gazette number and date and by CELEX
    (made once for every text checked: iterating the tables per text was most of the
    facts check's time)."""
    by_number = {int(r["rg_number"]): r for _, r in tr.iterrows() if not _blank(r["rg_number"])}
    by_date: dict[pd.Timestamp, list[pd.Series]] = {}
    for _, record in tr.iterrows():
        if not _blank(record["rg_date"]):
            by_date.setdefault(pd.Timestamp(record["rg_date"]), []).append(record)
    return {
        "by_number": by_number,
        "by_date": by_date,
        "references": dict(zip(eu["celex"], eu["oj_reference"], strict=True)),
        "rows_of": dict(zip(eu["celex"], [r for _, r in eu.iterrows()], strict=True)),
    }


def _citation_findings(
    row: pd.Series,
    column: str,
    tr: pd.DataFrame,
    eu: pd.DataFrame,
    alignment_source: bool,
    lookups: dict | None = None,
) -> list[Violation]:
    text = _text(row[column])
    if not text:
        return []
    lookups = lookups or _citation_lookups(tr, eu)
    by_number, by_date = lookups["by_number"], lookups["by_date"]
    found: list[Violation] = []

    def pair(number: int, day: pd.Timestamp | None, in_force: pd.Timestamp | None, quoted: str):
        record = by_number.get(number)
        if record is None:
            holders = by_date.get(day, []) if day is not None else []
            if holders:
                names = ", ".join(
                    f"{h['instrument_id']} ({_place(h, 'rg_number')}: "
                    + (
                        "empty, not verified"
                        if _blank(h["rg_number"])
                        else str(int(h["rg_number"]))
                    )
                    + ")"
                    for h in holders
                )
                found.append(
                    _violation(
                        row,
                        column,
                        f'cites "{quoted}", but the Gazette of {_iso(day)} is recorded for '
                        f"{names} with another number",
                    )
                )
            return  # another publication (a court judgment, an act not in the table)
        if day is not None and pd.Timestamp(record["rg_date"]) != day:
            found.append(
                _violation(
                    row,
                    column,
                    f'cites "{quoted}", but {_place(record, "rg_date")} dates Gazette No. '
                    f"{number} ({record['instrument_id']}) {_iso(record['rg_date'])}",
                )
            )
        if in_force is not None:
            if _blank(record["in_force"]):
                found.append(
                    _violation(
                        row,
                        column,
                        f'cites "{quoted}": an entry into force of {record["instrument_id"]} that '
                        f"{_place(record, 'in_force')} leaves empty (not verified)",
                    )
                )
            elif pd.Timestamp(record["in_force"]) != in_force:
                found.append(
                    _violation(
                        row,
                        column,
                        f'cites "{quoted}", but {_place(record, "in_force")} records '
                        f"{_iso(record['in_force'])}",
                    )
                )

    covered: list[tuple[int, int]] = []
    for match in RG_NUMBER_DATE.finditer(text):
        groups = match.groups()
        day = _day(groups[1:4]) if groups[1] else None
        in_force = _day(groups[4:7]) if groups[4] else None
        pair(int(groups[0]), day, in_force, match.group(0))
        covered.append(match.span())
    for match in RG_DATE_NUMBER.finditer(text):
        groups = match.groups()
        day = _day(groups[0:3])
        if groups[3]:
            pair(int(groups[3]), day, None, match.group(0))
        elif day not in by_date:
            found.append(
                _violation(
                    row,
                    column,
                    f'cites "{match.group(0)}", a Gazette date that no instrument of '
                    "tr_instruments.csv was published on",
                )
            )
        covered.append(match.span())
    if alignment_source:
        inside = lambda span: any(start <= span[0] < end for start, end in covered)  # noqa: E731
        recorded_in_force = {pd.Timestamp(d) for d in tr["in_force"].dropna()}
        for match in IN_FORCE.finditer(text):
            if inside(match.span()):
                continue
            if _day(match.groups()) not in recorded_in_force:
                found.append(
                    _violation(
                        row,
                        column,
                        f'cites "{match.group(0)}", an entry into force that no instrument of '
                        "tr_instruments.csv records (in_force empty where it was not verified)",
                    )
                )
        recorded_adopted = {pd.Timestamp(d) for d in tr["adopted"].dropna()}
        for match in ADOPTED.finditer(text):
            if _day(match.groups()) not in recorded_adopted:
                found.append(
                    _violation(
                        row,
                        column,
                        f'cites "{match.group(0)}", an adoption date that no instrument of '
                        "tr_instruments.csv records",
                    )
                )
        references, rows_of = lookups["references"], lookups["rows_of"]
        for match in EUR_LEX.finditer(text):
            celex, cited = match.groups()
            if celex not in references:
                found.append(
                    _violation(
                        row, column, f"cites CELEX {celex}, which is not in eu_instruments.csv"
                    )
                )
            elif cited != references[celex]:
                found.append(
                    _violation(
                        row,
                        column,
                        f'cites "{cited}" for CELEX {celex}, but '
                        f'{_place(rows_of[celex], "oj_reference")} records "{references[celex]}"',
                    )
                )
    return found


def citation_findings(tables: dict[str, pd.DataFrame]) -> list[Violation]:
    """Gazette, entry-into-force, adoption and Official Journal citations in the texts."""
    tr, eu = tables["tr_instruments"], tables["eu_instruments"]
    found: list[Violation] = []
    places = [
        ("events", ("description_en", "description_tr", "source", "note"), False),
        ("tr_instruments", ("note",), False),
        ("alignment", ("source",), True),
        ("alignment", ("note",), False),
    ]
    lookups = _citation_lookups(tr, eu)
    for name, columns, strict in places:
        for _, row in tables[name].iterrows():
            for column in columns:
                found += _citation_findings(row, column, tr, eu, strict, lookups)
    return found


# --------------------------------------------------------------------------- second coding


def second_coding_findings(tables: dict[str, pd.DataFrame]) -> list[Violation]:
    """The second coding's units are the applicable alignment intervals, with their scores."""
    if "second_coding" not in tables:
        return []
    coding = tables["alignment"]
    applicable = coding[coding["applicable"].astype(bool)]
    intervals = {
        (row["requirement_id"], pd.Timestamp(row["valid_from"])): row
        for _, row in applicable.iterrows()
    }
    found: list[Violation] = []
    seen = set()
    for _, unit in tables["second_coding"].iterrows():
        key = (unit["requirement_id"], pd.Timestamp(unit["valid_from"]))
        seen.add(key)
        interval = intervals.get(key)
        if interval is None:
            found.append(
                _violation(
                    unit,
                    "valid_from",
                    f"names no applicable interval of {unit['requirement_id']} in the alignment "
                    "coding",
                    _iso(unit["valid_from"]),
                )
            )
        elif float(unit["reconciled_score"]) != float(interval["score"]):
            found.append(
                _violation(
                    unit,
                    "reconciled_score",
                    f"differs from {_place(interval, 'score')} ({interval['score']:g}), the "
                    "reconciled score the index uses",
                    unit["reconciled_score"],
                )
            )
    for key, interval in sorted(intervals.items()):
        if key not in seen:
            found.append(
                _violation(
                    interval,
                    "valid_from",
                    "this applicable interval has no unit in second_coding.csv",
                    _iso(key[1]),
                )
            )
    return found


# --------------------------------------------------------------------------- all


def fact_findings(tables: dict[str, pd.DataFrame]) -> list[Violation]:
    """Every disagreement between the coded inputs, in a stable order."""
    found = [
        *verified_fields_findings(tables["events"], "events.csv"),
        *verified_fields_findings(tables["tr_instruments"], "tr_instruments.csv"),
        *event_findings(tables),
        *interval_findings(tables),
        *citation_findings(tables),
        *second_coding_findings(tables),
        *cumulative_findings(tables["statement_implementation"]),
    ]
    return sorted(found, key=lambda v: (v.file, v.row or 0, v.column or "", v.rule))


class FactsError(ValueError):
    """The coded inputs disagree about a fact; lists every disagreement."""

    def __init__(self, findings: list[str]):
        self.findings = findings
        super().__init__(
            f"{len(findings)} disagreement(s) between the coded inputs (one fact, one record; "
            "data/raw/legal/README.md, 'One fact, one record'):\n  " + "\n  ".join(findings)
        )


def facts_report(tables: dict[str, pd.DataFrame]) -> dict:
    """What the check compared and every disagreement it found (as sentences)."""
    return {
        "compared": fact_links(tables),
        "disagreements": [str(finding) for finding in fact_findings(tables)],
    }


def fact_links(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """How many shared facts the check compared (for its report)."""
    events = tables["events"]
    coding = tables["alignment"]
    return {
        "events_linked_to_instruments": int(events["instrument_id"].notna().sum()),
        "alignment_intervals_with_instrument": int(
            (coding["applicable"].astype(bool) & coding["tr_instrument_id"].notna()).sum()
        ),
        "second_coding_units": len(tables.get("second_coding", [])),
    }
