"""Text normalisation and tokenisation shared by skills, BM25 and the occupation mapper.

Normalisation: NFKC (full-width to half-width), lower case, traditional to simplified Chinese.
Tokens: rjieba segmentation, punctuation and whitespace dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import rjieba

_WORD = re.compile(r"[\w+#.]+", re.UNICODE)
_STOP = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "等",
        "在",
        "是",
        "有",
        "对",
        "为",
        "以",
        "从",
        "并",
        "将",
        "其",
        "中",
        "上",
        "下",
        "各",
        "种",
        "进行",
        "负责",
        "相关",
        "工作",
        "人员",
        "a",
        "an",
        "and",
        "the",
        "of",
        "to",
        "in",
        "for",
        "on",
        "with",
        "or",
        "by",
        "as",
        "is",
        "are",
        "be",
    ]
)


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc

        return opencc.OpenCC("t2s").convert
    except Exception:  # pragma: no cover - opencc is a declared dependency
        return lambda s: s


def normalize(text: str | None) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).lower()
    return _t2s()(text)


def tokenize(text: str | None) -> list[str]:
    """Analyzed tokens of `text` (normalised, segmented, stop words removed)."""
    norm = normalize(text)
    if not norm:
        return []
    out = []
    for tok in rjieba.cut(norm):
        tok = tok.strip(". ")
        if tok and tok not in _STOP and _WORD.fullmatch(tok):
            out.append(tok)
    return out
