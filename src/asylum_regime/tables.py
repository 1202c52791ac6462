"""Publication tables of the model results, as Pandoc pipe tables in each language.

Standard library and Babel only (no pandas): the tables are rebuilt whenever a
label changes, and should cost no more than the Python start.
"""

from __future__ import annotations

from paperkit.languages import Language


def pipe_table(header: list[str], rows: list[list[str]], align: list[str]) -> str:
    """A Pandoc pipe table; ``align`` is ``l`` or ``r`` per column.

    Each column's rule is as long as the column's longest word (or part of a word
    between soft hyphens, where it may break), plus two for the cell's padding: Pandoc
    gives a table too wide for one line of source relative widths in that proportion,
    so that every column holds its longest word (equal widths would print a long
    header word over its neighbour's in the PDF and break it mid-word in the DOCX).
    """
    longest = [
        2
        + max(
            [1]
            + [
                len(part)
                for cells in (header, *rows)
                for word in cells[column].split()
                for part in word.split("\u00ad")
            ]
        )
        for column in range(len(header))
    ]
    rule = [
        ":" + "-" * (n - 1) if side == "l" else "-" * (n - 1) + ":"
        for side, n in zip(align, longest, strict=True)
    ]
    lines = [header, rule, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines) + "\n"


def ratio_cells(row: dict, lang: Language, digits: int = 3) -> tuple[str, str]:
    """``0.024`` and, for the row beneath, ``[0.016; 0.036]``: ratio and 95% interval. No
    significance stars: placebo breaks show that nominal p-values overstate the evidence
    in these series, and the text reports permutation and bootstrap p-values instead."""
    ratio = lang.format(row["ratio"], "decimal", digits)
    low = lang.format(row["ratio_low"], "decimal", digits)
    high = lang.format(row["ratio_high"], "decimal", digits)
    return ratio, f"[{low}; {high}]"


def coefficient_rows(label: str, rows: list[dict], lang: Language) -> list[list[str]]:
    """Two table rows for one term: the ratios, then their intervals beneath (journal layout)."""
    cells = [ratio_cells(row, lang) for row in rows]
    return [[label, *[ratio for ratio, _ in cells]], ["", *[interval for _, interval in cells]]]


def its_table(its: dict, labels: dict, lang: Language) -> str:
    """Incidence-rate ratios of every ITS term under each estimator, and the sample size.

    Rows and columns follow the order of the labels (the results files are sorted
    alphabetically); AIC is left out because it is not comparable across a count
    model and OLS on logs.
    """
    names = labels["estimators"]
    estimators = [name for name in names if name in its["estimators"]]
    by_term = {
        name: {row["term"]: row for row in its["estimators"][name]["estimates"]}
        for name in estimators
    }
    terms = [term for term in labels["terms"] if term in by_term["negative_binomial"]]
    rows = [
        line
        for term in terms
        for line in coefficient_rows(
            labels["terms"][term], [by_term[name][term] for name in estimators], lang
        )
    ]
    fits = {name: its["estimators"][name]["fit"] for name in estimators}
    rows.append([labels["months"], *[lang.format(fits[n]["n"], "count") for n in estimators]])
    return pipe_table(
        [labels["term"], *[names[name] for name in estimators]],
        rows,
        ["l", *["r"] * len(estimators)],
    )


def did_table(did: dict, labels: dict, lang: Language) -> str:
    """The DiD ratio under each specification, with sample and pre-trend test."""
    specifications = [key.removeprefix("spec_") for key in labels if key.startswith("spec_")]
    sample, test = did["sample"], did["pretrend_test"]

    def same(value: str) -> list[str]:
        return [value] * len(specifications)

    rows = [
        *coefficient_rows(
            labels["treated_post"], [did["estimates"][name][0] for name in specifications], lang
        ),
        [labels["observations"], *same(lang.format(sample["observations"], "count"))],
        [labels["treated_n"], *same(lang.format(len(sample["treated"]), "count"))],
        [labels["controls_n"], *same(lang.format(len(sample["controls"]), "count"))],
        [labels["effects"], *[labels["effects_" + name] for name in specifications]],
    ]
    statistic = lang.format(test["statistic"], "decimal", 1)
    p_value = lang.format(test["p_value"], "p_value", 3)
    years = [int(term.removeprefix("treated_")) for term in test["terms"]]
    pretrend = labels["pretrend"].format(first=min(years), last=max(years))
    rows.append([pretrend, f"χ²({test['df']}) = {statistic}; p {p_value}", ""])
    return pipe_table(
        [labels["term"], *[labels["spec_" + name] for name in specifications]],
        rows,
        ["l", *["r"] * len(specifications)],
    )


INDICES = ("legislative", "policy", "practice")
COMPONENTS = ("returns", "resettlement", "funding", "readmission", "visa")


def _index_cell(value, lang: Language) -> str:
    """An index value on 0–1, or a dash where the index is undefined that year."""
    missing = value is None or value != value  # NaN
    return "—" if missing else lang.format(value, "decimal", 2)


def indices_annual_table(rows: list[dict], labels: dict, lang: Language) -> str:
    """Every year's three indices and practice components (the appendix series), from
    the first year any index changes: the components the rows carry (those of the
    specification; one it leaves out has no column). Each head is one short word
    (``tables.annual_columns``), spelt out in the note beneath."""
    components = [name for name in COMPONENTS if rows and name in rows[0]]
    body = [
        [
            str(row["year"]),
            *[_index_cell(row[name], lang) for name in (*INDICES, *components)],
        ]
        for row in rows
    ]
    heads = labels["tables"]["annual_columns"]
    return (
        pipe_table(
            [labels["year"], *[heads[name] for name in (*INDICES, *components)]],
            body,
            ["l", *["r"] * (len(INDICES) + len(components))],
        )
        + "\n"
        + labels["tables"]["note_annual"]
        + "\n"
    )


# --------------------------------------------------------------------------- registered tables
# Each takes the data of its drawing job (asylum_regime.drawing), the words of one
# language (manuscript/labels.yaml) and the language, and returns the table as Markdown.


def indices_annual_table_text(data: dict, labels: dict, lang: Language) -> str:
    rows = data["annual"].to_dict(orient="records")
    # the years before the legislative index first moves repeat one value: show it once
    start = next(
        (
            i - 1
            for i, row in enumerate(rows[1:], 1)
            if row["legislative"] != rows[0]["legislative"]
        ),
        0,
    )
    return indices_annual_table(rows[max(start, 0) :], labels, lang)


def its_table_text(data: dict, labels: dict, lang: Language) -> str:
    words = labels["tables"]
    return its_table(data["its"], words, lang) + "\n" + words["note_its"] + "\n"


def did_table_text(data: dict, labels: dict, lang: Language) -> str:
    words = labels["tables"]
    return did_table(data["did"], words, lang) + "\n" + words["note_did"] + "\n"
