"""S16: rank the encoded Viral DNA for a Production, as suggestions a person approves.

Four signals, each scaled to 0-1:

- lexical: BM25 of the production's title and notes against the DNA's title,
  perspective, hook, open loop, tags and transcript (`lexical.py`), divided by
  the score an average-length entry holding every query word in its title would
  get, and capped at 1; so a weak best match stays weak;
- semantic: cosine similarity of sentence embeddings (`semantic.py`) of the
  production (title and notes) with two texts of the DNA: what it is about
  (title and tags) and what it says (perspective and the opening of the
  transcript), 0.6 and 0.4 of the signal (on the benchmark this mix beats either
  text alone and one text holding both; a clickbait title alone would mislead),
  below zero counted as zero;
- tags: how many of the DNA's niche tags match the Empire's niche tags (two
  matches count fully);
- format: 1 when the DNA's form fits the production (a Short for a Short, a
  long video for a video), 0 when it is the other form, 0.5 for an article, a
  post or an unknown source.

Fusion is a weighted mean of the scaled signals (`LinkWeights`). On the
labelled benchmark (`benchmarks/linking.py`, 182 real references, 37 ideas) it
beats reciprocal rank fusion of the same signals (nDCG@5 0.93 against 0.92;
lexical alone 0.89, semantic alone 0.89) and, unlike RRF, keeps the size of a
score, so a percentage means something and a minimum score can apply. The
weights (semantic 0.6, lexical 0.3) are within 0.002 nDCG@5 of the best of the
benchmark's grid search on its tuning split (`--search`), and the same on held-out ideas.
Niche tags and format count 0.02 each: there they only break near-ties, because
the benchmark's labels are topical and tags shared by a whole niche lift
same-niche talks that are off-topic (0.05 each already costs 0.02 nDCG@5); a
team whose references span many niches may raise them. A signal that is not
available (no embedder, an Empire without tags) drops out and the remaining
weights are scaled up to sum to one.

Only decoded DNA (Encoded, or an older entry with a perspective) with an id is ranked; a field the
decoder left unsure is empty and simply adds nothing (the entry is ranked on the rest), and DNA the
production already links is left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...records import DNAStatus, Production, SourceType, ViralDNA, VideoFormat
from ..dna.decode import loop_quotes
from .lexical import BM25Index, surface_forms, terms
from .semantic import Embedder, EmbeddingCache, embed_documents

SHORT_FORM = frozenset({SourceType.YOUTUBE_SHORT, SourceType.TIKTOK, SourceType.INSTAGRAM})
LONG_FORM = frozenset({SourceType.YOUTUBE_VIDEO})
TAG_SATURATION = 2
EMBED_TRANSCRIPT_CHARS = 500
ABOUT_WEIGHT = 0.6
REASON_TERMS = 3


@dataclass(frozen=True)
class LinkWeights:
    """How much each signal counts in the fused score (they need not sum to one)."""

    lexical: float = 0.3
    semantic: float = 0.6
    tags: float = 0.02
    format: float = 0.02


DEFAULT_WEIGHTS = LinkWeights()


@dataclass
class LinkSuggestion:
    """One DNA entry suggested for a production, with the parts of its score."""

    dna_id: str
    dna_title: str
    relevance_score: float
    parts: dict[str, float]
    reasoning: str
    matching_tags: list[str] = field(default_factory=list)
    ai_reason: str | None = None


@dataclass(frozen=True)
class _Entry:
    dna: ViralDNA
    tag_terms: tuple[tuple[str, frozenset[str]], ...]


def is_linkable(dna: ViralDNA) -> bool:
    """Decoded (Encoded, or a perspective from before statuses were kept) and stored (has an id).

    Not "has a perspective": one the rules were unsure of is empty, and the entry is ranked without it."""
    return bool(dna.id) and (dna.status is DNAStatus.ENCODED or bool((dna.perspective or "").strip()))


def production_query(production: Production) -> str:
    return "\n".join(part for part in (production.title, production.notes or "") if part.strip())


def embedding_texts(dna: ViralDNA) -> dict[str, str]:
    """The two texts of a DNA entry that are embedded: what it is about, and what it says."""
    about = "\n".join(p for p in (dna.title.strip(), ", ".join(dna.niche_tags)) if p)
    says = "\n".join(p for p in ((dna.perspective or "").strip(), (dna.transcript or "")[:EMBED_TRANSCRIPT_CHARS].strip()) if p)
    return {"about": about, "says": says or about}


class LinkRanker:
    """The DNA pool indexed once; `rank` then scores it for one production after another.

    `embedder` None ranks without the semantic signal; `cache_dir` keeps DNA vectors
    between runs (`EmbeddingCache`), so only new or changed entries are embedded.
    """

    def __init__(
        self,
        dna: Iterable[ViralDNA],
        *,
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
        weights: LinkWeights = DEFAULT_WEIGHTS,
    ):
        self.weights = weights
        self.embedder = embedder
        self._entries: dict[str, _Entry] = {}
        for entry in dna:
            if is_linkable(entry) and entry.id not in self._entries:
                tags = tuple((tag, frozenset(terms(tag))) for tag in entry.niche_tags)
                self._entries[entry.id] = _Entry(entry, tags)  # type: ignore[index]
        self._index = BM25Index({dna_id: _fields(e.dna) for dna_id, e in self._entries.items()})
        self._ids = list(self._entries)
        self._semantic: np.ndarray | None = None  # one row per entry: the 0.6 about + 0.4 says mix
        if embedder is not None and self._entries:
            cache = EmbeddingCache(cache_dir) if cache_dir is not None else None
            texts = {f"{dna_id}|{kind}": text for dna_id, e in self._entries.items()
                     for kind, text in embedding_texts(e.dna).items()}
            vectors = embed_documents(embedder, texts, cache)
            about = np.stack([vectors[f"{dna_id}|about"] for dna_id in self._ids])
            says = np.stack([vectors[f"{dna_id}|says"] for dna_id in self._ids])
            self._semantic = ABOUT_WEIGHT * about + (1 - ABOUT_WEIGHT) * says

    def __len__(self) -> int:
        return len(self._entries)

    def rank(
        self,
        production: Production,
        *,
        empire_tags: Sequence[str] = (),
        top_k: int | None = 5,
        min_score: float = 0.0,
    ) -> list[LinkSuggestion]:
        """The best DNA for a production, best first: at most `top_k`, none below `min_score`."""
        linked = set(production.dna_ids)
        query = production_query(production)
        hits = self._index.search(query)
        yardstick = self._index.ideal_score(query)
        cosines = self._cosines(query)
        empire_terms = [frozenset(terms(tag)) for tag in empire_tags if terms(tag)]
        niche_of: dict[frozenset[str], bool] = {}
        scored: list[tuple[float, str, str, dict[str, float], list[str]]] = []
        for row, dna_id in enumerate(self._ids):
            if dna_id in linked:
                continue
            entry = self._entries[dna_id]
            hit = hits.get(dna_id)
            parts: dict[str, float] = {
                "lexical": round(min(1.0, hit.score / yardstick), 4) if hit and yardstick > 0 else 0.0,
            }
            if cosines is not None:
                parts["semantic"] = round(max(0.0, float(cosines[row])), 4)
            niche = []
            for tag, tag_terms in entry.tag_terms:
                if tag_terms not in niche_of:
                    niche_of[tag_terms] = _matches(tag_terms, empire_terms)
                if niche_of[tag_terms]:
                    niche.append(tag)
            if empire_terms:
                parts["tags"] = min(1.0, len(niche) / TAG_SATURATION)
            parts["format"] = format_fit(production.format, entry.dna.source_type)
            score = round(fuse(parts, self.weights), 4)
            if score >= min_score:
                scored.append((score, entry.dna.title.lower(), dna_id, parts, niche))
        scored.sort(key=lambda item: (-item[0], item[1], item[2]))
        kept = scored[:top_k] if top_k is not None else scored
        query_terms = frozenset(terms(query))
        forms = surface_forms(query)
        suggestions = []
        for score, _, dna_id, parts, niche in kept:
            entry = self._entries[dna_id]
            hit = hits.get(dna_id)
            words = [forms.get(t, t) for t, _ in (hit.matched if hit else ())][:REASON_TERMS]
            topical = {tag for tag, tag_terms in entry.tag_terms if tag_terms and tag_terms <= query_terms}
            suggestions.append(LinkSuggestion(
                dna_id=dna_id,
                dna_title=entry.dna.title,
                relevance_score=score,
                parts=parts,
                reasoning=reasoning(parts, words, niche, production.format, entry.dna.source_type),
                matching_tags=[tag for tag, _ in entry.tag_terms if tag in niche or tag in topical],
            ))
        return suggestions

    def _cosines(self, query: str) -> np.ndarray | None:
        if self.embedder is None or self._semantic is None:
            return None
        return self._semantic @ self.embedder.embed([query])[0]


def rank_dna(
    production: Production,
    dna: Iterable[ViralDNA],
    *,
    empire_tags: Sequence[str] = (),
    embedder: Embedder | None = None,
    cache_dir: Path | None = None,
    weights: LinkWeights = DEFAULT_WEIGHTS,
    top_k: int | None = 5,
    min_score: float = 0.0,
) -> list[LinkSuggestion]:
    """S16 for one production; for many, build one `LinkRanker` and call `rank` for each."""
    ranker = LinkRanker(dna, embedder=embedder, cache_dir=cache_dir, weights=weights)
    return ranker.rank(production, empire_tags=empire_tags, top_k=top_k, min_score=min_score)


def fuse(parts: dict[str, float], weights: LinkWeights) -> float:
    """Weighted mean of the signals present (weights of absent signals are left out)."""
    total = weight_sum = 0.0
    for name, value in parts.items():
        weight = getattr(weights, name)
        total += weight * value
        weight_sum += weight
    return total / weight_sum if weight_sum > 0 else 0.0


def format_fit(production_format: VideoFormat, source_type: SourceType | None) -> float:
    short_production = VideoFormat(production_format) is VideoFormat.SHORT
    if source_type in SHORT_FORM:
        return 1.0 if short_production else 0.0
    if source_type in LONG_FORM:
        return 0.0 if short_production else 1.0
    return 0.5


def reasoning(
    parts: dict[str, float], words: Sequence[str], niche: Sequence[str], production_format: VideoFormat,
    source_type: SourceType | None,
) -> str:
    """One line a person reads: which parts of the score carried it."""
    said: list[str] = []
    if words and parts.get("lexical", 0.0) > 0:
        said.append(f"words {', '.join(repr(w) for w in words)} ({parts['lexical']:.0%})")
    if "semantic" in parts:
        said.append(f"meaning {_closeness(parts['semantic'])} ({parts['semantic']:.0%})")
    if niche:
        said.append(f"niche: {', '.join(niche[:3])}")
    if parts.get("format") == 1.0:
        said.append("a Short, like this production" if VideoFormat(production_format) is VideoFormat.SHORT
                    else "a long video, like this production")
    elif parts.get("format") == 0.0 and source_type is not None:
        said.append("other format" + (" (a long video)" if VideoFormat(production_format) is VideoFormat.SHORT
                                      else " (a Short)"))
    text = "; ".join(said) if said else "no strong match"
    return text[0].upper() + text[1:]


def _closeness(cosine: float) -> str:
    return "very close" if cosine >= 0.6 else "close" if cosine >= 0.45 else "related" if cosine >= 0.3 else "distant"


def _matches(tag_terms: frozenset[str], empire_terms: Sequence[frozenset[str]]) -> bool:
    """A tag matches an Empire tag when the words of one contain the other's ("climate change" ~ "climate")."""
    return bool(tag_terms) and any(tag_terms <= other or other <= tag_terms for other in empire_terms)


def _fields(dna: ViralDNA) -> dict[str, str | list[str] | None]:
    return {
        "title": dna.title,
        "tags": dna.niche_tags,
        "perspective": dna.perspective,
        "hook": dna.hook,
        "open_loop": loop_quotes(dna.open_loop),  # an unsure pay-off adds no word
        "transcript": dna.transcript,
    }

