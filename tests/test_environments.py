"""The paper builds to the same bytes in any folder, locale and time zone.

A project cloned into a folder whose path has a space and non-ASCII letters (the
default Turkish names of such folders, "Çalışma alanı"), built under the Turkish
locale and in a time zone fourteen hours ahead of UTC, writes exactly the outputs
that a build of the same files in a plain folder writes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paperkit.reproducibility import differences, output_hashes
from paperkit.snakefile import quote_script_interpreter
from tests.conftest import EPOCH, copy_project, unavailable

# A folder name with a space, dotless ı and a cedilla: the Turkish desktop's "Workspace".
SPACED = "Çalışma alanı"


def _script_job():
    """Snakemake's runner of a rule's Python script, outside a workflow: no conda, no
    container, no environment modules (the paper's rules use none of them)."""
    from snakemake.script import PythonScript

    job = object.__new__(PythonScript)
    for name in (
        "bench_record",
        "conda_env",
        "conda_base_path",
        "container_img",
        "shadow_dir",
        "env_modules",
        "singularity_args",
        "runtime_paths",
    ):
        setattr(job, name, None)
    job.resources, job.threads = {}, 1
    return job


def test_a_rule_script_runs_with_an_interpreter_in_a_folder_with_a_space(tmp_path, monkeypatch):
    """The command Snakemake runs for a ``script:`` names the interpreter quoted (its
    bug 2645, fixed while the Snakefile is read: paperkit.snakefile)."""
    quote_script_interpreter()
    folder = tmp_path / SPACED / ".venv" / "bin"
    folder.mkdir(parents=True)
    python = folder / "python"
    python.symlink_to(sys.executable)
    ran = tmp_path / SPACED / "ran.txt"
    script = tmp_path / SPACED / "script.py"
    script.write_text(f"open({str(ran)!r}, 'w', encoding='utf-8').write('ran')\n", encoding="utf-8")
    monkeypatch.setattr(sys, "executable", str(python))
    _script_job().execute_script(str(script))
    assert ran.read_text(encoding="utf-8") == "ran"
    assert not quote_script_interpreter()  # installed once


def test_every_job_runs_in_the_neutral_locale_and_utc_whatever_the_machines(tmp_path, monkeypatch):
    """The Snakefile's set-up replaces the caller's locale and zone for every job."""
    from types import SimpleNamespace

    from paperkit.snakefile import prepare_environment

    # A copy: the set-up also fills in other variables, which stay out of this process.
    environment = {**os.environ, "LC_ALL": "tr_TR.UTF-8", "TZ": "Pacific/Kiritimati"}
    monkeypatch.setattr(os, "environ", environment)
    prepare_environment(
        SimpleNamespace(basedir=str(tmp_path), remote_exec=False, subprocess_exec=False)
    )
    assert environment["LC_ALL"] in ("C.UTF-8", "C")
    assert environment["TZ"] == "UTC"


def _glyphs_drawn(text: str, language) -> int:
    """How many glyphs matplotlib draws for a one-line ``text`` in a figure of ``language``."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from paperkit.figures import register_fonts, shaped_in

    register_fonts()
    with shaped_in(language), plt.rc_context({"font.family": "Libertinus Serif"}):
        figure = plt.figure()
        figure.text(0.1, 0.5, text)
        svg = io.StringIO()
        figure.savefig(svg, format="svg")
        plt.close(figure)
    return svg.getvalue().count("<use xlink:href=")


def test_a_figures_text_is_shaped_by_the_figures_language_not_the_locale():
    """ "Office": o + the ffi ligature + c + e in English, o + ff + i + c + e in Turkish
    (Libertinus keeps "fi" apart for Turkish), under any locale."""
    from paperkit.languages import Language

    assert _glyphs_drawn("Office", Language("en", "en_GB")) == 4
    assert _glyphs_drawn("Office", Language("tr", "tr_TR")) == 5


# --------------------------------------------------------------------------- end to end

# The far environment: the Turkish locale (its dotless ı changes case mappings, its
# "fi" is not a ligature) and the zone fourteen hours ahead of UTC (another date for
# ten hours of every day).
FAR = {"LC_ALL": "tr_TR.UTF-8", "TZ": "Pacific/Kiritimati"}


def _locale_exists(name: str) -> bool:
    """Whether the C library can switch to locale ``name`` (in a child: setlocale is
    process-wide)."""
    probe = f"import locale; locale.setlocale(locale.LC_ALL, {name!r})"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode == 0


def _ambient(variable: str) -> str:
    """The value of a locale or zone setting that this process's children inherit."""
    if variable == "LC_ALL":
        return next(
            (os.environ[name] for name in ("LC_ALL", "LC_CTYPE", "LANG") if os.environ.get(name)),
            "C",
        )
    return os.environ.get(variable, "UTC")


def _environment_inside(folder: Path) -> None:
    """The tests' environment seen from ``folder``/.venv, where `make env` puts it, so
    that Snakemake's interpreter, and with it every job's, is in the spaced folder as
    after `make env` there: its own pyvenv.cfg (Python takes the folder of pyvenv.cfg
    for the environment's, without resolving links), the installed packages by a link,
    and a `snakemake` that starts that interpreter (the installed one names the original
    interpreter in its first line)."""
    venv = folder / ".venv"
    (venv / "bin").mkdir(parents=True)
    shutil.copy2(Path(sys.prefix, "pyvenv.cfg"), venv / "pyvenv.cfg")
    (venv / "lib").symlink_to(Path(sys.prefix, "lib"), target_is_directory=True)
    (venv / "bin" / "python").symlink_to(os.path.realpath(sys.executable))
    launcher = venv / "bin" / "snakemake"
    launcher.write_text('#!/bin/sh\nexec "$(dirname "$0")/python" -m snakemake "$@"\n')
    launcher.chmod(0o755)
    (venv / ".installed").touch()
    seen = subprocess.run(
        [venv / "bin" / "python", "-c", "import sys; print(sys.executable)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert seen.stdout.strip() == str(venv / "bin" / "python")


@pytest.mark.e2e
def test_a_clean_copy_in_a_spaced_turkish_folder_under_tr_locale_and_far_zone_builds_the_same_bytes(
    request, mirror, tmp_path
):
    """`make` in a copy of the project in ".../Çalışma alanı/paper", with its environment
    inside it (.venv), under LC_ALL=tr_TR.UTF-8 and TZ=Pacific/Kiritimati, writes every
    output with the bytes of the shared build (``built``: the same files in a plain
    folder, under this run's locale and zone). The comparison is with that build, not
    with reproducibility/manifest.sha256: the manifest is recorded once from a clean
    clone of a commit (with that commit's date in the documents), so it is behind any
    change not yet recorded, while both builds here are of the same working tree with the
    same document date (conftest.EPOCH). The file lists and checksums are paperkit.
    reproducibility's, which `make verify` compares with the manifest. The shared build
    is asked for after this one, so that a failing build fails the test at once."""
    if not _locale_exists(FAR["LC_ALL"]):
        unavailable(
            "the locale tr_TR.UTF-8 is not installed "
            "(Debian: localedef -i tr_TR -f UTF-8 tr_TR.UTF-8; .ci/run makes it)"
        )
    if not Path("/usr/share/zoneinfo", FAR["TZ"]).is_file():
        unavailable(f"the time zone {FAR['TZ']} is not installed (Debian: tzdata)")
    if shutil.which("make") is None:
        unavailable("make is not installed")
    if sys.prefix == sys.base_prefix:
        unavailable("the tests run outside a virtual environment (`make env` makes .venv)")
    for variable, far in FAR.items():
        if _ambient(variable).lower() == far.lower():  # then the comparison would show nothing
            unavailable(f"the shared build ran with {variable}={far} too; run the tests without")

    folder = tmp_path / SPACED / "paper"
    folder.mkdir(parents=True)
    copy_project(folder)
    _environment_inside(folder)
    own_code = os.pathsep.join([str(folder / "paperkit" / "src"), str(folder / "src")])
    environment = {
        **os.environ,
        "SOURCE_DATE_EPOCH": EPOCH,
        "PYTHONPATH": own_code,
        "PAPER_DATA_MIRROR": str(mirror),
        **FAR,
    }
    # README's command; `-o` keeps make from reinstalling the (shared) environment.
    run = subprocess.run(
        ["make", "-o", ".venv/.installed", "paper", "CORES=2"],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    built = request.getfixturevalue("built")
    problems = differences(output_hashes(built), output_hashes(folder))
    assert problems == [], "\n".join(problems)
