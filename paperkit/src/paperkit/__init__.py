"""paperkit: the machinery of a reproducible, multilingual research paper.

Pinned and verified sources (``acquire``), table validation (``validate``),
canonical atomic writes (``atomic``), languages from configuration
(``languages``), numbers for the text (``numbers``), the manuscript on the
Pandoc AST (``manuscript``), claims checked against results (``claims``),
parity between languages (``parity``), rendering (``render``), provenance,
reproducibility and change reports. It knows nothing of any particular paper:
a paper's own package imports it, never the reverse.
"""

__version__ = "0.1.0"
