"""The benchmark's own measurements (benchmarks/benchmark.py): what it times is what a
build costs."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchmark import paired_ratio, timed_build  # noqa: E402

BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"


def test_a_builds_cpu_seconds_count_the_jobs_snakemake_waited_for(tmp_path, monkeypatch):
    """The cold build's CPU figure (the one that stays put when the machine is shared)
    must include its jobs' processes, not only Snakemake's own, and not the benchmark's
    own (its memory sampler is left out here, so that only the build can account for the
    job's CPU seconds)."""
    import threading
    import types

    import benchmark

    class NoSampler(threading.Thread):
        def start(self):
            pass

        def join(self, timeout=None):
            pass

    monkeypatch.setattr(
        benchmark, "threading", types.SimpleNamespace(Thread=NoSampler, Event=threading.Event)
    )
    (tmp_path / "burn.py").write_text(BURN.format(seconds=1.5), encoding="utf-8")
    (tmp_path / "Snakefile").write_text(
        'rule burn:\n    output:\n        "burnt"\n'
        '    shell:\n        "{PYTHON} burn.py && touch {output}"\n'.replace(
            "{PYTHON}", sys.executable
        ),
        encoding="utf-8",
    )
    env = {"PAPER_DATA_MIRROR": str(tmp_path), "SOURCE_DATE_EPOCH": "1700000000"}
    seconds, cpu, _ = timed_build(tmp_path, env, cores=1)
    assert (tmp_path / "burnt").is_file()
    assert cpu >= 1.5  # the job's own 1.5 CPU s, and Snakemake's on top
    assert seconds >= 1.5


def test_ratios_are_the_median_of_runs_taken_in_turn():
    assert paired_ratio([2.0, 3.0, 10.0], [1.0, 3.0, 4.0]) == 2.0
