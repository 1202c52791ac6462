"""The specification multiverse: every defensible combination of analytic choices.

A model family (``its``, ``did``, ``indices``) declares its choice dimensions in
the config (``multiverse.<family>.dimensions``: name → list of options) and its
main specification (one option per dimension). Every combination is one
``Specification`` with a stable id (a hash of its choices, so that adding an
option to one dimension does not rename the others' specifications). The DAG
fits the specifications in batches (``batches``), each batch in one process, so
that the import cost of a process is paid a few times, not hundreds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from itertools import product


@dataclass(frozen=True, order=True)
class Specification:
    family: str
    ident: str
    choices: dict = field(compare=False, hash=False)

    @classmethod
    def of(cls, family: str, choices: dict) -> Specification:
        return cls(family, specification_id(family, choices), dict(choices))

    def __getitem__(self, dimension: str):
        return self.choices[dimension]

    def key(self, *excluded: str) -> tuple:
        """The choices other than ``excluded``, as a key (specifications that share it share
        a fit, e.g. those that differ only in the lag of their HAC errors)."""
        return tuple(
            (name, self.choices[name]) for name in sorted(self.choices) if name not in excluded
        )


def specification_id(family: str, choices: dict) -> str:
    """``<family>-<10 hex digits>``: a hash of the choices, stable across runs and machines."""
    canonical = json.dumps(choices, sort_keys=True, separators=(",", ":"), default=str)
    return f"{family}-{hashlib.sha256(canonical.encode()).hexdigest()[:10]}"


class SpecificationError(ValueError):
    """The main specification is not a combination of the declared options."""


def expand(family: str, dimensions: dict[str, list]) -> list[Specification]:
    """Every combination of the dimensions' options, sorted by id."""
    names = list(dimensions)
    return sorted(
        Specification.of(family, dict(zip(names, values, strict=True)))
        for values in product(*(dimensions[name] for name in names))
    )


def main_specification(family: str, dimensions: dict[str, list], main: dict) -> Specification:
    """The paper's main specification, which must be one of the multiverse's."""
    problems = [
        f"{name}: {main.get(name)!r} is not one of {options}"
        for name, options in dimensions.items()
        if main.get(name) not in options
    ]
    problems += [f"{name}: not a dimension" for name in main if name not in dimensions]
    if problems:
        raise SpecificationError(
            f"config multiverse.{family}.main is not a specification of the multiverse:\n  "
            + "\n  ".join(problems)
        )
    return Specification.of(family, {name: main[name] for name in dimensions})


def batches(
    specifications: list[Specification], count: int, shared: tuple[str, ...] = ()
) -> list[list[Specification]]:
    """``count`` batches of about equal size. Specifications that differ only in the
    ``shared`` dimensions (which change no fit, only its errors) stay in one batch."""
    groups: dict[tuple, list[Specification]] = {}
    for specification in specifications:
        groups.setdefault(specification.key(*shared), []).append(specification)
    ordered = [groups[key] for key in sorted(groups)]
    size = -(-len(ordered) // max(count, 1))
    return [
        [spec for group in ordered[start : start + size] for spec in group]
        for start in range(0, len(ordered), size)
    ]
