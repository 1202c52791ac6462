"""A paper's registry: one declaration per figure, table and number family.

The registry (``workflow/registry.yaml`` of a paper; schema
``paperkit/schemas/registry.schema.yaml``) names each figure and table with the
drawing job that makes it and the function that draws it, each drawing job with
its inputs, and each results file of numbers. The workflow's drawing rules, the
files each language's document embeds, the report's captions and the
placeholder catalogue follow from it.
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass, field, replace
from functools import reduce
from importlib import import_module
from pathlib import Path

import yaml

from paperkit.colours import MIN_DISTANCE
from paperkit.jsonschemas import machinery_schema, schema_problems


class RegistryError(ValueError):
    """The registry breaks its schema or names something that does not exist."""


def load_callable(reference: str):
    """The object a ``module:name`` reference names."""
    module, name = reference.split(":")
    return getattr(import_module(module), name)


def defined_names(path: str | Path) -> set[str]:
    """The names a module file defines at its top level (functions, classes, assignments,
    imports), read from its text: nothing is imported while the workflow is parsed."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(target.id for target in targets if isinstance(target, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def unknown_function(reference: str, where: str) -> str | None:
    """Why the ``module:name`` ``reference`` at ``where`` (``figures.x.draw``) names no
    function of the paper's code, with the fix; None when it names one."""
    from paperkit.snakefile import module_file

    module, name = reference.split(":")
    file = module_file(module)
    if file is None:
        return (
            f"{where} is '{reference}', but there is no module {module}: name an existing "
            f"module and a function of it as module:function"
        )
    names = defined_names(file)
    if name in names:
        return None
    close = difflib.get_close_matches(name, sorted(names), n=1)
    hint = f" (did you mean {module}:{close[0]}?)" if close else ""
    return (
        f"{where} is '{reference}', but {module} defines no '{name}'{hint}: name a "
        f"function of the module as module:function"
    )


class EntryData(dict):
    """A drawing job's data as one figure's draw function (or one table's build function)
    reads it: a key that the job's prepare function did not make is a registry entry that
    names a function written for another job's data, and says so (instead of a bare
    KeyError naming the key)."""

    def __init__(
        self, data: dict, *, registry: str, where: str, reference: str, job: str, prepare: str
    ):
        super().__init__(data)
        self.context = (registry, where, reference, job, prepare)

    def __missing__(self, key):
        registry, where, reference, job, prepare = self.context
        kind, name, _ = where.split(".")
        raise RegistryError(
            f"{registry}: {where} is '{reference}', which reads '{key}' from its job's data, "
            f"but the job {job} ({prepare}) makes only {', '.join(sorted(self))}: name a "
            f"function written for this job's data, or set {kind}.{name}.job to the job whose "
            f"data it draws"
        )


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
    # the least colour distance between two categories of a figure (paperkit.colours)
    figure_colours: dict = field(default_factory=lambda: {"min_distance": MIN_DISTANCE})

    @classmethod
    def load(cls, path: str | Path, name: str | None = None) -> Registry:
        """The registry in ``path`` (``name``: how messages call it, e.g. the path relative
        to the paper's folder), checked: its schema, the jobs its figures and tables name,
        and that every ``module:function`` it names exists."""
        name = name or str(path)
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        if lines := schema_problems(data, machinery_schema("registry")):
            raise RegistryError(f"{name}: not a valid registry:\n  " + "\n  ".join(lines))
        registry = cls(**data)
        if "figure_colours" in data:
            registry = replace(
                registry, figure_colours={"min_distance": MIN_DISTANCE, **data["figure_colours"]}
            )
        unknown = [
            f"{kind} '{entry_name}' names the unknown job '{entry['job']}'"
            for kind, entries in (("figure", registry.figures), ("table", registry.tables))
            for entry_name, entry in entries.items()
            if entry["job"] not in registry.jobs
        ]
        if unknown:
            raise RegistryError(f"{name}: " + "; ".join(unknown))
        references = {
            "figure_style.rc": registry.figure_style["rc"],
            **{f"jobs.{job}.prepare": entry["prepare"] for job, entry in registry.jobs.items()},
            **{f"figures.{key}.draw": entry["draw"] for key, entry in registry.figures.items()},
            **{f"tables.{key}.build": entry["build"] for key, entry in registry.tables.items()},
        }
        problems = [
            problem
            for where, reference in references.items()
            if (problem := unknown_function(reference, where))
        ]
        if problems:
            raise RegistryError(f"{name}: " + f"\n{name}: ".join(problems))
        return registry

    def figures_of(self, job: str) -> list[str]:
        return [name for name, entry in self.figures.items() if entry["job"] == job]

    def tables_of(self, job: str) -> list[str]:
        return [name for name, entry in self.tables.items() if entry["job"] == job]

    def job_entries(self, job: str) -> dict:
        """Everything in the registry that a drawing job's outputs follow from: the job's
        entry, the function of each of its figures and tables, and the figure style when
        it draws figures (not the captions: they are the report's). The job's rule has
        them as params, so that an edit of any of them reruns that job and what depends
        on it, and no other; its script draws from them."""
        figures = {name: {"draw": self.figures[name]["draw"]} for name in self.figures_of(job)}
        tables = {name: {"build": self.tables[name]["build"]} for name in self.tables_of(job)}
        return {
            "job": self.jobs[job],
            "figures": figures,
            "tables": tables,
            **({"figure_style": self.figure_style} if figures else {}),
        }

    def job_params(self, job: str, config: dict) -> dict:
        """A job's parameters, looked up in the config."""
        return {
            name: config_value(config, path)
            for name, path in self.jobs[job].get("params", {}).items()
        }
