# The machinery's shared settings: the build's environment, the code each rule
# depends on, and where each figure and table came from. Included first by a
# paper's Snakefile, after it has made PAPER (paperkit.paper.Paper).
import os
import sys
from glob import glob
from pathlib import Path

from snakemake.io import report as report_flag  # `report(` would parse as a directive

from paperkit.inputs import check_authored
from paperkit.languages import LanguageError
from paperkit.snakefile import code_of as _code_of
from paperkit.snakefile import (
    prepare_environment,
    save_import_cache,
    tool_versions,
    unwritable_folder,
    without_default_rate_limit,
)

# The build reads its authors' files only inside the repository: a link to a file
# elsewhere is refused here, before any job could read it; and their texts hold no
# control or bidirectional formatting character (paperkit.inputs).
check_authored(workflow.basedir, [*workflow.configfiles, *PAPER.authored_inputs()])
# Every configured language has its texts and its words (paperkit.paper).
if _language_problems := PAPER.language_problems():
    raise LanguageError("\n".join(_language_problems))
# Parsing changes nothing on disk (`-n`, `--lint`, `--list-rules`, `--summary`): what a
# run keeps under .snakemake (the import cache, the report's captions) is written in
# onstart, which only a run that builds reaches, under Snakemake's lock.
prepare_environment(workflow)


onstart:
    without_default_rate_limit(workflow)
    save_import_cache()
    PAPER.write_captions()


CODE_PACKAGES = tuple(PAPER.manuscript["code_packages"])
# The renderers' tools (Pandoc, Typst, the environment's lock), by version: a param of
# the rules that run them.
TOOL_VERSIONS = tool_versions(os.path.join(workflow.basedir, config["environment"]["lock"]))
# The paper's conda environment, relative to the machinery's rule files (conda paths
# are read relative to the file of the rule).
MACHINERY_CONDA = os.path.relpath(
    os.path.join(workflow.basedir, config["environment"]["conda"]), workflow.current_basedir
)


def code_of(script, modules=()):
    """The modules a rule's script (relative to the rule file being read) imports from
    the paper's packages, transitively, and those of ``modules`` (dotted names), as
    input files: editing one reruns exactly the rules that use it."""
    path = os.path.join(workflow.current_basedir, script)
    return _code_of(path, root=workflow.basedir, packages=CODE_PACKAGES, modules=modules)


def script_path(defined):
    """A rule's script, relative to the workflow's root."""
    folder = os.path.dirname(str(defined.snakefile))
    return os.path.relpath(os.path.join(folder, defined.script), workflow.basedir)


def made_by(path):
    """'rule|script|input,input,…' of the rule that writes ``path`` (its data inputs, not
    its code or fonts), for the HTML paper's line under a figure or table that says where
    it came from."""
    for defined in workflow.rules:
        if path in [str(output) for output in defined.output]:
            inputs = [
                str(item)
                for item in defined.input
                if isinstance(item, str) and not str(item).endswith((".py", ".otf", ".ttf"))
            ]
            return "|".join([defined.name, script_path(defined), ",".join(inputs)])
    raise ValueError(f"no rule writes {path}")


def made_by_map(lang):
    """Figure name (or ``tbl:<name>``) → where it came from (the first language's files
    stand for all: every language's figure comes from the same job)."""
    first = PAPER.codes[0]
    return {
        **{name: made_by(f"results/figures/{first}/{name}.svg") for name in PAPER.registry.figures},
        **{
            f"tbl:{name}": made_by(f"results/tables/{first}/{name}.md")
            for name in PAPER.registry.tables
        },
    }
