"""Skills vocabulary: canonical ids, Chinese/English names, synonyms and related skills.

The vocabulary is `data/skills.tsv` (hand-written). A skill string is canonicalised to a
vocabulary id when it is a name or alias of one; otherwise it keeps its normalised form, so
two profiles that both say "haskell" still match, they just get no synonym help.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from . import defaults
from .text import normalize


@dataclass(frozen=True)
class Skill:
    id: str
    zh: str
    en: str
    related: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en


class Vocabulary:
    def __init__(self, skills: list[Skill], aliases: dict[str, str]):
        self.skills = {s.id: s for s in skills}
        self.aliases = aliases  # normalised alias -> id
        self.bit = {s.id: i for i, s in enumerate(skills)}
        if len(skills) >= defaults.SKILL_BITS // 2:
            raise ValueError("vocabulary too large for SKILL_BITS")
        ascii_alias = sorted((a for a in aliases if a.isascii()), key=len, reverse=True)
        cjk_alias = sorted((a for a in aliases if not a.isascii()), key=len, reverse=True)
        self._ascii_re = re.compile(
            r"(?<![a-z0-9+#.])(" + "|".join(map(re.escape, ascii_alias)) + r")(?![a-z0-9+#])"
        )
        self._cjk_re = re.compile("|".join(map(re.escape, cjk_alias)))

    def canonical(self, skill: str) -> str:
        norm = normalize(skill).strip()
        return self.aliases.get(norm, norm)

    def canonical_set(self, skills) -> frozenset[str]:
        return frozenset(c for c in (self.canonical(s) for s in skills or ()) if c)

    def extract(self, text: str | None) -> frozenset[str]:
        """Vocabulary skills mentioned in free text (longest alias wins at each position)."""
        norm = normalize(text)
        if not norm:
            return frozenset()
        found = {self.aliases[m.group(1)] for m in self._ascii_re.finditer(norm)}
        found.update(self.aliases[m.group(0)] for m in self._cjk_re.finditer(norm))
        return frozenset(found)

    def related(self, skill_id: str) -> tuple[str, ...]:
        s = self.skills.get(skill_id)
        return s.related if s else ()

    def display(self, skill_id: str, lang: str) -> str:
        s = self.skills.get(skill_id)
        return s.name(lang) if s else skill_id

    def bit_of(self, skill_id: str) -> int:
        b = self.bit.get(skill_id)
        if b is not None:
            return b
        n = len(self.bit)
        return n + zlib.crc32(skill_id.encode()) % (defaults.SKILL_BITS - n)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    text = resources.files("matching").joinpath("data/skills.tsv").read_text("utf-8")
    skills, aliases = [], {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sid, zh, en, alias, related = (line.split("\t") + [""] * 5)[:5]
        skills.append(Skill(sid, zh, en, tuple(r for r in related.split("|") if r)))
        for a in [sid, zh, en, *alias.split("|")]:
            a = normalize(a).strip()
            if len(a) > 1:  # single letters ("c", "r") are too ambiguous
                aliases.setdefault(a, sid)
    return Vocabulary(skills, aliases)
