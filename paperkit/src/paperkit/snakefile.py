"""What a paper's Snakefile does before its rules: the build's environment and the code
each rule depends on.

- ``prepare_environment``: the date written into documents (``SOURCE_DATE_EPOCH``,
  from the last commit that changed the paper), one BLAS thread per job and every job
  in the C.UTF-8 locale and UTC, in this process's environment only: parsing the
  workflow (``-n``, ``--lint``) writes, moves and deletes nothing. When Snakemake's
  lock is held, one line says so and names the fix (``paperkit.locks``); the lock
  itself is Snakemake's business.
- ``quote_script_interpreter``: rules with a Python ``script:`` run in a folder whose
  path has a space (Snakemake leaves the interpreter's path unquoted).
- ``without_default_rate_limit``: no job rate limiter on one machine (an ``onstart``
  hook: the scheduler exists only then).
- ``code_of``: the modules a rule's script imports from the paper's packages,
  transitively, as input files, so that editing one reruns exactly the rules
  that use it (Snakemake itself only notices changes to the script file); what
  it learnt is kept for the next run by ``save_import_cache`` (``onstart``).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import locale
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

from paperkit.locks import held_lock

# What no job of the build reads: the checksum manifest, the tests, the benchmarks, CI and
# the guides for people. A commit that touches only these leaves the documents' date.
NOT_READ_BY_THE_BUILD = (
    "reproducibility",
    "tests",
    "benchmarks",
    ".ci",
    ".github",
    "README.md",
    "REPRODUCING.md",
    "paperkit/README.md",
)


def last_commit_time(root: Path, excluded: tuple[str, ...] = NOT_READ_BY_THE_BUILD) -> str:
    """Seconds since the epoch of the last commit that changed an input of the paper: the
    build's only notion of 'now'. Commits touching only ``excluded`` paths do not count:
    recording the manifest, or editing the README, would otherwise change the dates
    inside the documents, and the manifest just recorded would be stale again."""
    exclusions = [f":(exclude){path}" for path in excluded]
    try:
        return (
            subprocess.run(
                ["git", "log", "-1", "--format=%ct", "--", ".", *exclusions],
                cwd=root,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            or "0"
        )
    except (OSError, subprocess.CalledProcessError):
        return "0"


def prepare_environment(workflow) -> None:
    """Set up the build's environment (see the module's docstring) for ``workflow``."""
    root = Path(workflow.basedir)
    # Dates written into documents (DOCX properties, PDF metadata) come from here.
    os.environ.setdefault("SOURCE_DATE_EPOCH", last_commit_time(root))
    # One BLAS thread per job: jobs already run side by side on the cores. (A setting in
    # the environment wins; outputs are canonical either way, see paperkit.atomic.)
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    # Every job in one locale and one time zone, whatever the machine's (a setting in the
    # environment loses): the outputs are the same bytes under any. The paper's languages
    # come from its configuration, never from the locale, but the tools under it read
    # LC_* and TZ where nothing else is said: matplotlib shapes a note of several lines,
    # and measures every text to lay a figure out, in the locale's language (HarfBuzz's
    # default; paperkit.figures.shaped_in), so that under tr_TR.UTF-8 twelve English
    # figures and the three English documents had other bytes; a date without a zone is
    # the zone's.
    os.environ["LC_ALL"] = neutral_locale()
    os.environ["TZ"] = "UTC"
    # Snakemake refuses a second build while the first holds the lock (and after a
    # `kill -9`, until `snakemake --unlock`): one line before its own message says which
    # lock and what to do. Only read: the lock is never removed here. Jobs that parse
    # the workflow again (a cluster's) run under the main run's lock and say nothing.
    job = workflow.remote_exec or workflow.subprocess_exec
    if not job and (message := held_lock(Path.cwd())):
        print(message, file=sys.stderr)
    quote_script_interpreter()


def neutral_locale() -> str:
    """``C.UTF-8`` where the C library has it (glibc, musl), else ``C``: the locale of no
    language, in which HarfBuzz's default language is the same (``c``) either way."""
    current = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, "C.UTF-8")
    except locale.Error:
        return "C"
    finally:
        locale.setlocale(locale.LC_CTYPE, current)
    return "C.UTF-8"


# Snakemake's shell command for a rule's Python script (snakemake/script/__init__.py,
# PythonScript.execute_script), and the same command with the interpreter quoted.
UNQUOTED_SCRIPT_COMMAND = "{py_exec} {fname:q}"
QUOTED_SCRIPT_COMMAND = "{py_exec:q} {fname:q}"


def quote_script_interpreter() -> bool:
    """Make Snakemake quote the interpreter of a rule's Python ``script:``; returns
    whether this call installed the fix (once per process).

    Snakemake runs a ``script:`` as the shell command ``{py_exec} {fname:q}``, where
    ``py_exec`` is ``sys.executable``, unquoted: with the environment inside the project
    (``make env`` puts it in ``.venv``), a project in a folder such as ``Çalışma alanı``
    ran ``/…/Çalışma`` and every job failed with exit status 127. This is Snakemake's
    open bug https://github.com/snakemake/snakemake/issues/2645 (up to 9.27 at least);
    its proposed fix is the one applied here, ``{py_exec:q}``. Every rule of the paper
    is a ``script:``, and there is no setting for the command, so the method that runs
    the command is wrapped: the one command is rewritten, any other passes unchanged
    (once Snakemake quotes it itself, the wrapper changes nothing). It is done while
    the Snakefile is read, so it also holds in a job that Snakemake spawns in a new
    process (that process reads the Snakefile again)."""
    from snakemake.script import PythonScript

    run = PythonScript._execute_cmd
    if getattr(run, "quotes_interpreter", False):
        return False

    def quoting_execute_cmd(self, cmd, **kwargs):
        if cmd == UNQUOTED_SCRIPT_COMMAND:
            cmd = QUOTED_SCRIPT_COMMAND
        return run(self, cmd, **kwargs)

    quoting_execute_cmd.quotes_interpreter = True
    PythonScript._execute_cmd = quoting_execute_cmd
    return True


def tool_versions(lock: Path) -> dict[str, str]:
    """What the renderers' output depends on besides their inputs, as a rule's params:
    the versions of Pandoc and Typst and the SHA-256 of the environment's lock. Never
    where the tools are installed (an absolute path): a project moved or copied to
    another folder reruns nothing, and another Pandoc reruns what it renders."""
    import importlib.metadata

    import pypandoc

    return {
        "pandoc": pypandoc.get_pandoc_version(),
        "typst": importlib.metadata.version("typst"),
        "lock": hashlib.sha256(Path(lock).read_bytes()).hexdigest(),
    }


# Snakemake's command line's default for --max-jobs-per-timespan (its Python API has none).
DEFAULT_RATE_LIMIT = (100, 1)


def without_default_rate_limit(workflow) -> bool:
    """Switch off the job rate limiter that Snakemake's command line arms by default
    (100 jobs a second), unless the run chose another limit (a cluster profile should).
    Returns whether it was switched off.

    On one machine it limits nothing on a DAG of this size, but it costs twice: on every
    scheduling round it arms a one-second ``threading.Timer`` that starts another round,
    so the rounds multiply with the jobs finished (about 750 in a cold build), and the
    timers are not daemon threads, so Python waits for the last one before Snakemake
    exits: up to a second after the last job of every run.

    Called from ``onstart``: the command line's settings replace the workflow's after
    the Snakefile is parsed, and the scheduler reads them when it is made, just before
    the hook runs (switching it off while parsing was undone)."""
    scheduler = getattr(workflow, "scheduler", None)
    limiter = getattr(scheduler, "job_rate_limiter", None)
    if limiter is None or (limiter.max_jobs, limiter.timespan) != DEFAULT_RATE_LIMIT:
        return False
    scheduler.job_rate_limiter = None
    return True


@cache
def _package_dirs(package: str) -> tuple[str, ...]:
    """Where a top-level package's modules lie (importing no more than its ``__init__``)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return ()
    return tuple(spec.submodule_search_locations or ()) if spec else ()


@cache
def _module_file(name: str) -> str | None:
    """The file of a module of one of the paper's packages, found on the file system: a
    dotted name such as ``asylum_regime.its.break_test`` (a function) is not imported to
    be looked up (``importlib.util.find_spec`` would run ``asylum_regime.its``, and with
    it scipy and statsmodels, while Snakemake parses the workflow)."""
    top, *rest = name.split(".")
    for folder in _package_dirs(top):
        path = Path(folder, *rest)
        for file in (path / "__init__.py", path.with_suffix(".py")) if rest else ():
            if file.is_file():
                return str(file)
        if not rest and (path / "__init__.py").is_file():
            return str(path / "__init__.py")
    return None


def module_file(name: str) -> str | None:
    """The file of the module ``name`` (dotted) of an importable package, found without
    importing it; None when there is none."""
    return _module_file(name)


def _parse_imports(text: str, path: str, packages: tuple[str, ...]) -> list[str]:
    tree = ast.parse(text, filename=path)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return sorted(name for name in names if name.split(".")[0] in packages)


class _ImportCache:
    """What each module file imports from the paper's packages, by the SHA-256 of its text,
    kept between runs in ``.snakemake/paperkit/imports.json``: parsing every module again
    was a third of a no-change run. A file whose text changed is parsed again. The file
    is read while the workflow is parsed and written only by a run that builds (its
    ``onstart``, ``save_import_cache``): parsing (``-n``, ``--lint``) writes nothing."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.entries: dict[str, list[str]] = {}
        self.dirty = False

    def use(self, root: Path) -> None:
        path = root / ".snakemake" / "paperkit" / "imports.json"
        if path == self.path:
            return
        self.path, self.dirty = path, False
        try:
            self.entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def imports(self, path: str, packages: tuple[str, ...]) -> frozenset[str]:
        data = Path(path).read_bytes()
        key = f"{hashlib.sha256(data).hexdigest()} {' '.join(packages)}"
        names = self.entries.get(key)
        if names is None:
            names = _parse_imports(data.decode("utf-8"), path, packages)
            self.entries[key] = names
            self.dirty = True
        return frozenset(names)

    def save(self) -> None:
        if not (self.dirty and self.path):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            temp.write_text(json.dumps(self.entries, sort_keys=True), encoding="utf-8")
            temp.replace(self.path)  # atomic: a concurrent run reads the old or the new file
            self.dirty = False
        except OSError:
            pass  # a read-only tree: parsed again next time


_CACHE = _ImportCache()


def save_import_cache() -> None:
    """Keep what the parse learnt about the modules' imports for the next run (called from
    ``onstart``: only a run that builds writes under ``.snakemake``)."""
    _CACHE.save()


@cache
def _imports(path: str, packages: tuple[str, ...]) -> frozenset[str]:
    return _CACHE.imports(path, packages)


@cache
def _closure(path: str, packages: tuple[str, ...]) -> frozenset[str]:
    """Files of the modules ``path`` imports from ``packages``, transitively (with the
    packages' ``__init__`` files along the way)."""
    seen: set[str] = set()
    todo = [path]
    while todo:
        current = todo.pop()
        for name in _imports(current, packages):
            parts = name.split(".")
            for depth in range(1, len(parts) + 1):
                file = _module_file(".".join(parts[:depth]))
                if file and file not in seen:
                    seen.add(file)
                    todo.append(file)
    return frozenset(seen)


def code_of(
    *paths: str, root: str | Path, packages: tuple[str, ...] = ("paperkit",), modules=()
) -> list[str]:
    """The module files that the scripts ``paths`` and the ``modules`` (dotted names)
    import from ``packages``, transitively, relative to ``root`` where they lie under it."""
    root = Path(root).resolve()
    _CACHE.use(root)
    files: set[str] = set()
    for path in paths:
        files |= _closure(str(Path(path).resolve()), packages)
    for module in modules:
        if file := _module_file(module):
            files |= {file} | _closure(file, packages)
    shown = []
    for file in sorted(files):
        resolved = Path(file).resolve()
        shown.append(str(resolved.relative_to(root)) if resolved.is_relative_to(root) else file)
    return sorted(shown)


def pandoc_defaults_inputs(defaults: dict[str, list[str]]) -> list[str]:
    """The Pandoc defaults files of every writer (``writer → [paths]``) and the files they
    name (filters, style sheets, headers, reference document), as a rule's inputs:
    editing any of them reruns the rule. A path that starts with ``${.}`` (Pandoc's name
    for the folder of the defaults file) is read from that folder."""
    import yaml

    files = {path for paths in defaults.values() for path in paths}
    for path in list(files):
        with open(path, encoding="utf-8") as handle:
            entries = yaml.safe_load(handle) or {}
        named = []
        for key in ("filters", "css", "include-in-header"):
            value = entries.get(key, [])
            for item in [value] if isinstance(value, (str, dict)) else value:
                item = item["path"] if isinstance(item, dict) else item
                if item != "citeproc":  # Pandoc's own, not a file
                    named.append(item)
        if "reference-doc" in entries:
            named.append(entries["reference-doc"])
        here = os.path.dirname(path)
        for item in named:
            if item.startswith("${.}/"):
                item = os.path.normpath(os.path.join(here, item.removeprefix("${.}/")))
            files.add(item)
    return sorted(files)


def every_output(
    rules, wildcards: dict[str, list[dict[str, object]]], on_demand=(), default="all"
) -> list[str]:
    """Every file the build makes, as the inputs of its default target: each output of
    each rule of ``rules`` (Snakemake's ``workflow.rules``), those of a rule with
    wildcards once for each of its ``wildcards`` (rule name → the values of every job
    the build runs), leaving out the ``default`` target itself, rules that make nothing
    and the deliverables made only on demand (``on_demand``: rule names).

    Snakemake makes a missing file only when a job that is out of date needs it, or when
    it is a target. A file that is neither a target nor read by an out-of-date job stays
    missing, and the run ends with exit 0: a gate (``results/checks/facts.json``) or a
    multiverse batch that a failed job took away, when the input that broke it is put
    back with its old date, is never made again. With every output a target, a run that
    exits 0 has them all, and each is current.

    A rule with wildcards that is given no values and is not on demand is an error, so
    that a new rule cannot drop out of the build unseen."""
    from snakemake.io import apply_wildcards

    files: list[str] = []
    forgotten = []
    for defined in rules:
        if defined.name == default or defined.name in on_demand or not defined.output:
            continue
        patterns = [str(item) for item in defined.output]
        if not defined.wildcard_names:
            files += patterns
        elif defined.name in wildcards:
            files += [
                apply_wildcards(pattern, {key: str(value) for key, value in values.items()})
                for values in wildcards[defined.name]
                for pattern in patterns
            ]
        else:
            forgotten.append(f"{defined.name} ({', '.join(sorted(defined.wildcard_names))})")
    if forgotten:
        raise ValueError(
            "the default target does not know which jobs of these rules the build runs: "
            + "; ".join(forgotten)
            + ". Give their wildcards' values to every_output in the Snakefile, or list the "
            "rule as made on demand."
        )
    return sorted(set(files))


def unwritable_folder(folder: str | Path) -> str | None:
    """Why the build could not write into ``folder`` (making it if need be), with the fix,
    in a line; None when it can. Read from the file system, nothing written (parsing
    changes nothing): a file where the folder, or a folder above it, should be, or a
    folder without write permission for this user (``os.access``, which also says no to
    root on a read-only file system, where a chmod would not stop root)."""
    folder = Path(folder)
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return (
            f"{folder}/ cannot be made, for {existing} is a file, not a folder: move or "
            f"remove that file, then run again."
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        return (
            f"{folder}/ cannot be written, for {existing}/ is read-only (its permissions, or "
            f"a read-only file system): make it writable (`chmod -R u+w {existing}`), or "
            f"build in a writable copy of the project."
        )
    return None


def lost_to_failure(due_jobs, failed_jobs, dependencies) -> list:
    """The jobs of ``due_jobs`` that a failure took away: those that failed themselves or
    depend, directly or through other jobs, on one that failed (``dependencies`` maps a
    job to the jobs it reads from, as Snakemake's ``dag.dependencies`` does). A job that
    only did not start because the run stopped for an unrelated failure (a diff against
    an earlier revision, the journal's DOCX) is not among them."""
    failed = set(failed_jobs)
    verdict: dict = {}

    def lost(job) -> bool:
        if job not in verdict:
            verdict[job] = False  # no cycles in a DAG; this only guards the recursion
            verdict[job] = job in failed or any(lost(dep) for dep in dependencies.get(job, ()))
        return verdict[job]

    return [job for job in due_jobs if lost(job)]
