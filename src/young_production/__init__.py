"""Young Production: decode viral references, draft scripts in your voice, learn from results."""

__version__ = "0.1.0"
