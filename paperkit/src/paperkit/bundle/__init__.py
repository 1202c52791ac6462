"""The reviewer bundle: one archive from which a reviewer rebuilds the paper offline.

    python -m paperkit.bundle [--base REF] [--cores N] [--output DIR] [--wheels]

clones the committed state (HEAD) into a scratch folder, builds it there (the paper,
the journal's DOCX and figures, the tracked-changes diff against ``--base``, by
default the previous revision) and packs ``<output>/bundle-<commit>.tar.gz``::

    paper-<commit>/README.md                 the two commands that rebuild and check it
    paper-<commit>/RECEIPT.md                commit, environment, what was verified, timings
    paper-<commit>/ro-crate-metadata.json    RO-Crate (Workflow Run Crate profile)
    paper-<commit>/source/                   the tracked files of the commit
    paper-<commit>/history.bundle            the git history (git clone history.bundle)
    paper-<commit>/mirror/                   the pinned sources whose licence allows it
    paper-<commit>/sources.json              every pin: URL, SHA-256, licence, included or not
    paper-<commit>/documents/<lang>/         the built documents, journal DOCX and figures
    paper-<commit>/diff/<base>/              the diff against the base revision
    paper-<commit>/checksums/                SHA-256 of the documents and of every output
    paper-<commit>/provenance.json           the build's provenance manifest
    paper-<commit>/wheels/                   with --wheels: the locked wheels (offline install)

The archive is deterministic in form: entries sorted, dated SOURCE_DATE_EPOCH,
owned by 0:0, modes 644/755, gzip header without name or time. (Its bytes still
differ between runs: the receipt records when the build ran and how long it took.)

Whether a pinned source may be copied into the bundle is decided from its
``licence`` in the config, an SPDX expression (``licences``); a source that may not
is listed with its URL and checksum only, and the rebuild then fetches it.

One job per module: ``licences`` (SPDX expressions: may a source be passed on),
``git`` (the commit's files and history), ``sources`` (the pins and their copies),
``texts`` (README and receipt), ``crate`` (RO-Crate metadata), ``archive`` (the
deterministic tar.gz), ``wheels`` (the locked wheels), ``pack`` (a built clone into
one archive) and ``__main__`` (the command line: clone, build, pack).
"""
