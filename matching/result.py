"""Result type of scoring."""

from __future__ import annotations

from dataclasses import dataclass, field

from .reasons import Reason


@dataclass
class Match:
    score: float  # in [0, 1]
    features: dict[str, float]  # each in [0, 1]
    reasons: list[Reason] = field(default_factory=list)

    def explain(self, lang: str = "zh", limit: int = 3) -> list[str]:
        return [r.text(lang) for r in self.reasons[:limit]]
