"""What changed in the paper when its inputs changed: numbers and claims, in both languages.

A *snapshot* records every number the text can quote (value, and the value as
each language prints it) and the truth of every claim. Comparing the snapshots
of two builds gives the change report: every number whose printed value moved
(old → new in each language), numbers that appeared or disappeared, and every
claim whose truth changed, with a column for every language of the paper.
Standard library and Babel only.
"""

from __future__ import annotations

from paperkit.claims import ClaimError, evaluate, parse_claims
from paperkit.languages import Language
from paperkit.numbers import Number, numeric_values


def snapshot(
    numbers: dict[str, Number],
    claim_entries: dict,
    languages: dict[str, Language],
    tables: dict | None = None,
) -> dict:
    values = numeric_values(numbers)
    claims = {}
    for claim in parse_claims(claim_entries, list(languages)):
        try:
            holds: bool | str = bool(evaluate(claim.check, values, tables))
        except ClaimError as error:
            holds = f"cannot be evaluated: {error}"
        claims[claim.ident] = {**claim.texts, "check": claim.check, "holds": holds}
    return {
        "languages": list(languages),
        "numbers": {
            name: {
                "value": number.value,
                "formatted": {code: number.formatted(lang) for code, lang in languages.items()},
            }
            for name, number in sorted(numbers.items())
        },
        "claims": claims,
    }


def snapshot_languages(snapshot: dict) -> list[str]:
    """The languages of a snapshot (older snapshots name them only in their numbers)."""
    if "languages" in snapshot:
        return snapshot["languages"]
    return list(next(iter(snapshot["numbers"].values()))["formatted"])


def compare(old: dict, new: dict) -> dict:
    """The differences between two snapshots."""
    before, after = old["numbers"], new["numbers"]
    changed = {
        name: {"old": before[name]["formatted"], "new": after[name]["formatted"]}
        for name in sorted(before.keys() & after.keys())
        if before[name]["formatted"] != after[name]["formatted"]
    }
    claims = {
        ident: {"claim": new["claims"][ident], "was": old["claims"][ident]["holds"]}
        for ident in sorted(old["claims"].keys() & new["claims"].keys())
        if old["claims"][ident]["holds"] != new["claims"][ident]["holds"]
    }
    return {
        "numbers_changed": changed,
        "numbers_added": sorted(after.keys() - before.keys()),
        "numbers_removed": sorted(before.keys() - after.keys()),
        "claims_changed": claims,
        "numbers_compared": len(before.keys() & after.keys()),
        "claims_compared": len(old["claims"].keys() & new["claims"].keys()),
    }


def report_markdown(diff: dict, title: str, languages: list[str]) -> str:
    """The change report as Markdown (the CI job publishes it), one column per language."""
    lines = [f"# {title}", ""]
    lines.append(
        f"{len(diff['numbers_changed'])} of {diff['numbers_compared']} numbers changed; "
        f"{len(diff['claims_changed'])} of {diff['claims_compared']} claims changed truth."
    )
    if diff["claims_changed"]:
        lines += ["", "## Claims whose truth changed", ""]
        for ident, change in diff["claims_changed"].items():
            claim = change["claim"]
            texts = "".join(f"  {lang}: {claim[lang]}  \n" for lang in languages if lang in claim)
            lines.append(
                f"- **{ident}**: {_truth(change['was'])} → {_truth(claim['holds'])}  \n"
                f"{texts}  check: `{claim['check']}`"
            )
    if diff["numbers_changed"]:
        lines += ["", "## Numbers whose printed value changed", ""]
        header = "".join(f" {lang} (old → new) |" for lang in languages)
        lines += [f"| number |{header}", "| --- |" + " --- |" * len(languages)]
        for name, change in diff["numbers_changed"].items():
            cells = [f"{change['old'][lang]} → {change['new'][lang]}" for lang in languages]
            lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    for label, key in (("added", "numbers_added"), ("removed", "numbers_removed")):
        if diff[key]:
            lines += ["", f"Numbers {label}: " + ", ".join(f"`{n}`" for n in diff[key])]
    return "\n".join(lines) + "\n"


def _truth(value) -> str:
    return {True: "holds", False: "fails"}.get(value, str(value))
