"""One way to run Snakemake on a copy of a project from Python: the tests, ``make
verify``, ``make bench``, the diff's base build and the reviewer bundle all start
it here, with the same environment.

What a run gets, and why:

- the copy's own code first on ``PYTHONPATH`` (``<workdir>/paperkit/src`` and
  ``<workdir>/src``): the environment's packages are editable installs of the tree
  they were installed from, and a copy (a clean clone, an older revision) must
  build with its own code;
- ``PAPER_DATA_MIRROR`` exactly as the caller says: the mirror's folder, or unset
  (the build then reads ``mirror_dir`` of its config, else the pinned URLs); an
  inherited value never leaks into a run that was not given one;
- ``SOURCE_DATE_EPOCH`` as the caller says, or unset so that the build reads the
  date from the copy's own history (a value inherited from the caller's shell
  would date the copy's documents with another commit);
- ``--cores``.

The locale and the time zone are not set here: the workflow neutralises them
itself (``paperkit.snakefile.prepare_environment``), so a run under a far locale
(tests/test_environments.py) tests that, not this module. Standard library only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

MIRROR_VARIABLE = "PAPER_DATA_MIRROR"  # paperkit.acquire.MIRROR_ENV (not imported: stdlib only)


def snakemake_environment(
    workdir: Path,
    *,
    mirror: Path | str | None,
    epoch: int | str | None = None,
    pythonpath: Iterable[Path | str] = (),
    env: Mapping[str, str] | None = None,
    inherit: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a Snakemake run in ``workdir`` (see the module's docstring):
    ``inherit`` (default: this process's environment) with the copy's own code on the
    path (after ``pythonpath``), the mirror and the document date as given, then
    ``env`` on top (the caller's last word)."""
    environment = dict(os.environ if inherit is None else inherit)
    environment.pop(MIRROR_VARIABLE, None)
    environment.pop("SOURCE_DATE_EPOCH", None)
    if mirror is not None:
        environment[MIRROR_VARIABLE] = str(mirror)
    if epoch is not None:
        environment["SOURCE_DATE_EPOCH"] = str(epoch)
    workdir = Path(workdir)
    own_code = [*map(str, pythonpath), str(workdir / "paperkit" / "src"), str(workdir / "src")]
    environment["PYTHONPATH"] = os.pathsep.join(own_code)
    return environment | dict(env or {})


def snakemake_command(
    *args: str, cores: int | str | None = 2, python: str | Path = sys.executable
) -> list[str]:
    """``python -m snakemake --cores N ARGS`` (``cores=None``: no ``--cores``, for the
    commands that build nothing, such as ``--lint``)."""
    return [
        str(python),
        "-m",
        "snakemake",
        *(["--cores", str(cores)] if cores is not None else []),
        *args,
    ]


def run_snakemake(
    workdir: Path,
    *args: str,
    mirror: Path | str | None,
    cores: int | str | None = 2,
    epoch: int | str | None = None,
    python: str | Path = sys.executable,
    pythonpath: Iterable[Path | str] = (),
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    **options,
) -> subprocess.CompletedProcess:
    """Run Snakemake in ``workdir`` to the end; its output captured as text, its exit
    status left to the caller (``options``: further arguments of subprocess.run)."""
    return subprocess.run(
        snakemake_command(*args, cores=cores, python=python),
        cwd=workdir,
        env=snakemake_environment(
            workdir, mirror=mirror, epoch=epoch, pythonpath=pythonpath, env=env
        ),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        **options,
    )


def start_snakemake(
    workdir: Path,
    *args: str,
    mirror: Path | str | None,
    cores: int | str | None = 2,
    epoch: int | str | None = None,
    python: str | Path = sys.executable,
    command: list[str] | None = None,
    env: Mapping[str, str] | None = None,
    popen=subprocess.Popen,
    **options,
):
    """Start Snakemake in ``workdir`` and return the process (``popen``: the class that
    starts it, e.g. psutil.Popen to sample its memory; ``command``: another way of
    launching it, e.g. the environment's console script, as ``make`` does;
    ``options``: further arguments of ``popen``)."""
    return popen(
        command or snakemake_command(*args, cores=cores, python=python),
        cwd=workdir,
        env=snakemake_environment(workdir, mirror=mirror, epoch=epoch, env=env),
        **options,
    )
