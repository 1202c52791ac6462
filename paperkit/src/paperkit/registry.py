"""A paper's registry: one declaration per figure, table and number family.

The registry (``workflow/registry.yaml`` of a paper; schema
``paperkit/schemas/registry.schema.yaml``) names each figure and table with the
drawing job that makes it and the function that draws it, each drawing job with
its inputs, and each results file of numbers. The workflow's drawing rules, the
files each language's document embeds, the report's captions and the
placeholder catalogue follow from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from importlib import import_module
from pathlib import Path

import yaml

from paperkit.jsonschemas import machinery_schema, schema_problems


class RegistryError(ValueError):
    """The registry breaks its schema or names something that does not exist."""


def load_callable(reference: str):
    """The object a ``module:name`` reference names."""
    module, name = reference.split(":")
    return getattr(import_module(module), name)


def config_value(config: dict, path: str):
    """The config value at a dotted path (``sources.frontex.release``)."""
    try:
        return reduce(lambda value, key: value[key], path.split("."), config)
    except (KeyError, TypeError):
        raise RegistryError(f"registry: no config value at '{path}'") from None


@dataclass(frozen=True)
class Registry:
    numbers: list[str]
    figure_style: dict
    jobs: dict[str, dict]
    figures: dict[str, dict]
    tables: dict[str, dict]
    specifications: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> Registry:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        if lines := schema_problems(data, machinery_schema("registry")):
            raise RegistryError(f"{path}: not a valid registry:\n  " + "\n  ".join(lines))
        registry = cls(**data)
        unknown = [
            f"{kind} '{name}' names the unknown job '{entry['job']}'"
            for kind, entries in (("figure", registry.figures), ("table", registry.tables))
            for name, entry in entries.items()
            if entry["job"] not in registry.jobs
        ]
        if unknown:
            raise RegistryError(f"{path}: " + "; ".join(unknown))
        return registry

    def figures_of(self, job: str) -> list[str]:
        return [name for name, entry in self.figures.items() if entry["job"] == job]

    def tables_of(self, job: str) -> list[str]:
        return [name for name, entry in self.tables.items() if entry["job"] == job]

    def job_params(self, job: str, config: dict) -> dict:
        """A job's parameters, looked up in the config."""
        return {
            name: config_value(config, path)
            for name, path in self.jobs[job].get("params", {}).items()
        }
