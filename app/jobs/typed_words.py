"""The words of the job search box worth searching: "warehouse jobs" is a search for warehouse.

English readers type their searches as sentences (jobs in Wuhan, nurse job, warehouse jobs,
hiring drivers near Jiang'an). Every word of a search is a required term, and no job says
"jobs" or "hiring" of itself, so such filler found nothing. :func:`searched` drops it, and
the punctuation left at the words' ends once a place is read out of them (nurse, Wuhan).
English only: a Chinese search is segmented by the engine, whose stop words cover its filler.
"""

from __future__ import annotations

FILLER = frozenset(
    {
        "in",
        "at",
        "near",
        "job",
        "jobs",
        "position",
        "positions",
        "vacancy",
        "vacancies",
        "hiring",
        "opening",
        "openings",
        "wanted",
    }
)
"""Words of an English job search that say it is one, or where (in, at, near: "nurse in
Wuhan" searches nurse in Wuhan), not what is sought. Not "work": social work, shift work and
work from home name what is sought."""

_EDGE_PUNCTUATION = ",，、;；:：!！?？。"
"""Stripped from both ends of a word; a full stop only from its end (.net keeps its own)."""


def searched(text: str) -> str:
    """TEXT without English filler words and without the punctuation at its words' ends."""
    kept = []
    for word in text.split():
        word = word.strip(_EDGE_PUNCTUATION).rstrip(".")
        if word and word.lower() not in FILLER:
            kept.append(word)
    return " ".join(kept)
