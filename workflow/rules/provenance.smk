# Stage 7: the provenance manifest of every output (rule, script, input checksums,
# package versions, git commit), written when a run succeeds. It is not a job: it
# gathers the records each job wrote beside its log (analysis/jobs.py), and costs
# no process or scheduling step on the path of a text edit. Included last, so that
# every rule is known.

PROVENANCE = "results/provenance.json"
SCRIPTS = {
    # Scripts are named relative to their rule file; the manifest names them from the root.
    defined.name: os.path.normpath(os.path.join("workflow/rules", defined.script))
    for defined in workflow.rules
    if defined.script
}
PACKAGES = [
    "snakemake", "pandas", "numpy", "scipy", "statsmodels", "seaborn", "matplotlib",
    "pyreadr", "babel", "pypandoc-binary", "typst", "jsonschema", "pyyaml",
]


onsuccess:
    from analysis.provenance import write_provenance

    write_provenance(PROVENANCE, products(), SCRIPTS, PACKAGES, pypandoc.get_pandoc_version())
