"""S02 for WF5: ideas become Productions (status Idea) and proposals become Empires (status Proposed).

Every create is keyed (`similarity.topic_key`: the Empire and the idea's topic
words; `Proposal.key`: the niche), so a rerun, a resumed crash or a second
machine finds the record made before instead of making another.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...records import Empire, Production, ProductionStatus, VideoFormat
from ...store.base import Store
from .candidates import Idea
from .empires import Proposal
from .similarity import topic_key


def idea_key(empire_id: str, idea: Idea) -> str:
    """The idea's key: its topic words in this Empire (its first reference when it has no topic words)."""
    if idea.words:
        return topic_key(empire_id, frozenset(idea.words))
    return f"idea:{empire_id}:dna:{idea.dna_ids[0]}"


def idea_notes(idea: Idea, period: str) -> str:
    return (f"Prospected by WF5 ({period}), signal score {idea.score:.2f}. Why: " + "; ".join(idea.reasons))[:1900]


def idea_record(empire_id: str, idea: Idea, period: str) -> Production:
    return Production(title=idea.title, key=idea_key(empire_id, idea), status=ProductionStatus.IDEA,
                      format=VideoFormat(idea.format), empire_ids=[empire_id], dna_ids=list(idea.dna_ids),
                      notes=idea_notes(idea, period))


def create_ideas(store: Store, empire_id: str, ideas: Sequence[Idea], period: str) -> list[dict[str, Any]]:
    """Create each idea once; returns {id, title, key, created} per idea (created False: it existed)."""
    made = []
    for idea in ideas:
        record = idea_record(empire_id, idea, period)
        existing = store.find_by_key(Production, record.key or "")
        saved = existing or store.create(record)
        made.append({"id": saved.id, "title": saved.title, "key": record.key, "created": existing is None})
    return made


def create_proposals(store: Store, proposals: Sequence[Proposal]) -> list[dict[str, Any]]:
    """Create each proposed Empire once; returns {id, name, key, created} per proposal."""
    made = []
    for proposal in proposals:
        existing = store.find_by_key(Empire, proposal.key)
        saved = existing or store.create(proposal.record())
        made.append({"id": saved.id, "name": saved.name, "key": proposal.key, "created": existing is None})
    return made
