# The provenance manifest of every output (rule, script, input checksums, package
# versions, git commit), written when a run succeeds. It is not a job: it gathers
# the records each job wrote beside its log (paperkit.jobs), and costs no process
# or scheduling step on the path of a text edit. Included last, so that every rule
# is known. Needs PAPER (paperkit.paper.Paper).

PROVENANCE = "results/provenance.json"
SCRIPTS = {defined.name: script_path(defined) for defined in workflow.rules if defined.script}


onsuccess:
    from paperkit.provenance import locked_packages, write_provenance

    write_provenance(
        PROVENANCE,
        SCRIPTS,
        locked_packages(PAPER.config["environment"]["lock"]),
        TOOL_VERSIONS["pandoc"],
    )
