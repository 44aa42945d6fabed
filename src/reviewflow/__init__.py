"""reviewflow: raw search exports to a rendered review manuscript, every number computed from the data."""

__version__ = "0.1.0"
