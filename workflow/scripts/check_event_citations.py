"""A citation placed on an event's date cites one of the event's sources
(asylum_regime.facts.event_citation_findings); write the report, or fail naming the
file, line, key and event of every citation that does not."""

from pathlib import Path

from asylum_regime.coding import read_table
from asylum_regime.facts import event_citation_findings
from paperkit.atomic import write_json
from paperkit.jobs import run_job
from paperkit.validate import effective_as_of

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


class EventCitationError(ValueError):
    """The manuscript cites, on an event's date, a text that is not the event's source."""


def main() -> None:
    events = read_table(
        snakemake.input.events, snakemake.input.schema, effective_as_of(snakemake.params.as_of)
    )
    texts = {str(path): Path(path).read_text(encoding="utf-8") for path in snakemake.input.texts}
    found = event_citation_findings(events, texts)
    if found:
        raise EventCitationError(
            f"{len(found)} citation(s) on an event's date that are not its source "
            "(data/raw/policy/README.md, events.csv 'bib_keys'):\n  " + "\n  ".join(found)
        )
    write_json({"texts": sorted(texts), "citations_on_events": "checked"}, snakemake.output.report)


run_job(snakemake, main)
