"""S16: rank encoded Viral DNA for a Production (lexical, semantic, niche tags, format) and explain it.

`LinkRanker` indexes a DNA pool once and ranks it for one production after
another; `rank_dna` does both for a single production. `Embedder` is the
offline sentence-embedding model (load one per process and pass it in);
`explain_links` adds a model's one-line reason. See docs/linking.md.
"""

from .rank import DEFAULT_WEIGHTS, LinkRanker, LinkSuggestion, LinkWeights, rank_dna
from .reasons import LinkReasonAnswer, explain_links
from .semantic import Embedder, EmbeddingCache

__all__ = [
    "DEFAULT_WEIGHTS",
    "Embedder",
    "EmbeddingCache",
    "LinkRanker",
    "LinkReasonAnswer",
    "LinkSuggestion",
    "LinkWeights",
    "explain_links",
    "rank_dna",
]
