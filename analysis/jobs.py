"""Run a workflow script's main function with its log, and a readable failure.

The full traceback goes to the job's log file; the message alone goes to the
console, so that a schema or checksum error reads as a sentence, not a stack.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path


def run_logged(log_path: str, main: Callable[[], None]) -> None:
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=log_path,
        filemode="w",
        level=logging.INFO,
        format="%(levelname)s %(message)s",
        force=True,
    )
    try:
        main()
    except Exception as error:  # report every failure the same way, then fail the job
        logging.error("%s\n%s", error, traceback.format_exc())
        print(f"\nERROR: {error}\n(full traceback in {log_path})\n", file=sys.stderr)
        sys.exit(1)
