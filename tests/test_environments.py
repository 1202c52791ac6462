"""The paper builds to the same bytes in any folder, locale and time zone.

A project cloned into a folder whose path has a space and non-ASCII letters (the
default Turkish names of such folders, "Çalışma alanı"), built under the Turkish
locale and in a time zone fourteen hours ahead of UTC, writes exactly the outputs
that a build of the same files in a plain folder writes.
"""

from __future__ import annotations

import sys

from paperkit.snakefile import quote_script_interpreter

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
