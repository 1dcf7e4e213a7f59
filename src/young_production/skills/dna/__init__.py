"""Decoding one Viral DNA: classify its source, transcribe it, decode it (rules, a model, or both)."""
