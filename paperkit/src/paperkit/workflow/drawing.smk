# The drawing rules: one per drawing job of the paper's registry, each drawing its
# figures (SVG and PNG) and tables (Markdown) in every language from the same data.
# Needs PAPER (paperkit.paper.Paper).
from paperkit.figures import FONTS

FIGURE_FONTS = sorted(
    os.path.relpath(path, workflow.basedir) for path in glob(str(FONTS / "*.[ot]tf"))
)

for _job, _entry in PAPER.registry.jobs.items():
    _figures = PAPER.registry.figures_of(_job)
    _tables = PAPER.registry.tables_of(_job)
    _callables = [PAPER.registry.figures[name]["draw"] for name in _figures]
    _callables += [PAPER.registry.tables[name]["build"] for name in _tables]
    _callables += [_entry["prepare"], PAPER.registry.figure_style["rc"]]

    rule:
        name:
            _job
        input:
            **_entry["inputs"],
            labels=PAPER.manuscript["labels"],
            # the vendored fonts: their glyphs are drawn into the SVG and PNG files
            fonts=FIGURE_FONTS,
            code=code_of(
                "scripts/draw.py",
                modules=sorted({reference.split(":")[0] for reference in _callables}),
            ),
        output:
            **{
                f"{name}_{lang}_{ext}": (
                    report_flag(
                        f"results/figures/{lang}/{name}.{ext}",
                        caption=PAPER.caption_file("figure", name),
                        category="Figures",
                        labels={"figure": name, "language": lang},
                    )
                    if ext == "svg"
                    else f"results/figures/{lang}/{name}.{ext}"
                )
                for name in _figures
                for lang in PAPER.codes
                for ext in ("svg", "png")
            },
            **{
                f"table_{name}_{lang}": report_flag(
                    f"results/tables/{lang}/{name}.md",
                    caption=PAPER.caption_file("table", name),
                    category="Tables",
                    labels={"table": name, "language": lang},
                )
                for name in _tables
                for lang in PAPER.codes
            },
            # the colour of each category of its figures' legends (check_figure_colours)
            **({"colours": f"results/figures/colours/{_job}.json"} if _figures else {}),
        log:
            f"logs/figures/{_job}.log",
        conda:
            MACHINERY_CONDA
        threads: 1
        resources:
            mem_mb=1500,
            runtime=10,
        params:
            job=_job,
            figures=_figures,
            tables=_tables,
            job_params=PAPER.registry.job_params(_job, config),
            # The job's registry entries (functions, inputs, style): an edit of one
            # reruns this job and what depends on it, and no other job.
            registry=PAPER.registry.job_entries(_job),
            registry_file=PAPER.manuscript["registry"],
        script:
            "scripts/draw.py"
