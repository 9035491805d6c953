"""Skills vocabulary: canonical ids, Chinese/English names, synonyms and related skills.

The vocabulary is `data/skills.tsv` (hand-written). A skill string is canonicalised to a
vocabulary id when it is a name or alias of one; otherwise it keeps its normalised form, so
two profiles that both say "haskell" still match, they just get no synonym help.

In free text a Chinese alias does not count where it starts inside one of the segmenter's
words and ends inside the next: 护工 is not in 维护/工具, 理货 not in 办理/货物, 化工 not in
优化/工艺. Inside one word it counts, as compounds hold their parts (外科医生 a 医生, 数据分析师
数据分析).
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import accumulate

import rjieba

from . import defaults
from .text import normalize

CJK_RE = re.compile(r"[\u3400-\u9fff]")
"""Chinese characters: text holding any is read as written in Chinese."""

NOT_SKILLS = (
    "养老保险",
    "养老金",
    "医疗保险",
    "失业保险",
    "工伤保险",
    "生育保险",
    "社会保险",
    "商业保险",
    "压力容器",
)
"""Words that hold a skill's alias but name no skill of the vocabulary: the benefits a job ad
lists (五险一金) start with 养老 and 保险; a 压力容器 is a pressure vessel, no software
container. Read as words of their own, so they hide the alias."""


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
        self._cjk_terms = {*(a for a in aliases if not a.isascii()), *NOT_SKILLS}
        cjk_alias = sorted(self._cjk_terms, key=len, reverse=True)
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
        m = self._cjk_re.search(norm)
        while m:
            start = m.start()
            term = next(  # the longest alias here that reads as written (销售 in 产品销售经理)
                (
                    norm[start:end]
                    for end in range(m.end(), start + 1, -1)
                    if norm[start:end] in self._cjk_terms and _reads_as_written(norm, start, end)
                ),
                "",
            )
            found.add(self.aliases.get(term))
            m = self._cjk_re.search(norm, start + (len(term) or 1))
        found.discard(None)
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


WINDOW = 6
"""Characters segmented on each side of an alias: the segmenter decides a boundary from its
neighbourhood, and a window is ~10 times cheaper than segmenting a whole résumé."""


def _reads_as_written(norm: str, start: int, end: int) -> bool:
    """Whether the alias at norm[start:end] starts a word or ends inside the word it starts in."""
    if start == 0 or not CJK_RE.match(norm, start - 1):
        return True
    lo = max(0, start - WINDOW)
    ends = list(accumulate(map(len, rjieba.cut(norm[lo : end + WINDOW])), initial=lo))
    word_end = ends[bisect_right(ends, start)]
    return start in ends or end <= word_end


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
