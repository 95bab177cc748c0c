"""konzeptanalyse: German integration concepts from PDF to coded, reviewable, countable data."""

__version__ = "0.1.0"
