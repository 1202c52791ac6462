"""The science of the EU–Türkiye asylum-regime paper.

Tidy tables, the harmonisation indices, the regression models, figures and
tables: small pure functions, with the I/O in workflow/scripts. It builds on
the paper machinery (``paperkit``), which never imports this package.
"""

__version__ = "0.1.0"
