"""Analysis package for the EU–Türkiye asylum-regime paper.

Pure functions (loading, validation, indices, models, figures, localisation);
the I/O lives in workflow/scripts.
"""
