# Stage 7: the provenance manifest of every output (rule, script, input checksums,
# package versions, git commit). Included last, so that every rule's outputs are known.


rule provenance:
    input:
        products=products(),
        code=code("provenance"),
    output:
        manifest="results/provenance.json",
    params:
        # Scripts are named relative to their rule file; the manifest names them from the root.
        scripts={
            defined.name: os.path.normpath(os.path.join("workflow/rules", defined.script))
            for defined in workflow.rules
            if defined.script
        },
        packages=[
            "snakemake", "pandas", "numpy", "scipy", "statsmodels", "seaborn", "matplotlib",
            "pyreadr", "babel", "pypandoc-binary", "typst", "jsonschema", "pyyaml",
        ],
        pandoc_version=pypandoc.get_pandoc_version(),
    conda:
        "../../environment.yml"
    log:
        "logs/provenance.log",
    script:
        "../scripts/provenance.py"
