"""Did you mean: a correction for the Chinese words of a query that nothing was ever
titled or skilled with (软件工城师, 软建工程师, 会汁).

Latin words already forgive typos in the query itself (a fuzzy alternative, docs/search.md);
a CJK word has no such alternative, and segmentation makes a misspelt one a word of its
own (工城师), which matches nothing. The vocabulary is the autocomplete entries' titles and
skills (the one place every backend keeps them, with how many live documents carry each),
cut into words. A query word is suspect when neither the vocabulary nor the segmenter's
dictionary knows it; its candidates are the vocabulary's words one character apart
(工城师 → 工程师, 会汁 → 会计) or read alike (软建 ruanjian = 软件), the more frequent first.
:meth:`search.base.SearchBackend.did_you_mean` counts the corrected queries and keeps the
one that finds the most, so the same correction is offered on every backend.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from search import analysis
from search.defaults import SPELLING_CANDIDATES, SPELLING_VOCABULARY_TTL
from search.exceptions import SearchUnavailable

_CJK_WORD = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
MIN_WORD = 2
"""Single characters are never corrected: each is a word of the dictionary."""


@dataclass(frozen=True)
class Correction:
    text: str
    """The query with its misspelt words replaced."""
    total: int
    """Documents the corrected query finds (with the same filters)."""


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Speller:
    """Candidate corrections from a vocabulary of (text, weight) entries."""

    def __init__(self, entries: Iterable[tuple[str, int]]) -> None:
        self.weights: Counter[str] = Counter()
        for text, weight in entries:  # every word and sub-word: 软件工程师 gives 工程师
            for word in set(analysis.tokens(text)):
                if len(word) >= MIN_WORD and _CJK_WORD.match(word):
                    self.weights[word] += weight
        self.by_pinyin: dict[str, list[str]] = {}
        self.by_deletion: dict[str, list[str]] = {}
        for word in self.weights:
            if pinyin := analysis.word_pinyin(word):
                self.by_pinyin.setdefault(pinyin, []).append(word)
            for key in _deletions(word) | {word}:
                self.by_deletion.setdefault(key, []).append(word)
        self.built = time.monotonic()

    def knows(self, word: str) -> bool:
        return len(word) < MIN_WORD or word in self.weights or analysis.is_dictionary_word(word)

    def words_like(self, word: str) -> list[str]:
        """Vocabulary words one edit (or a transposition) from WORD or read like it, the
        most frequent first."""
        near = {
            other
            for key in _deletions(word) | {word}
            for other in self.by_deletion.get(key, ())
            if other != word and analysis.edit_distance(word, other, 1) <= 1
        }
        near.update(self.by_pinyin.get(analysis.word_pinyin(word), ()))
        near.discard(word)
        return sorted(near, key=lambda w: (-self.weights[w], w))

    def corrections(self, text: str) -> list[str]:
        """TEXT (normalised) with its unknown words replaced: the first unknown word by
        each of its best candidates, the others by their best; [] when every word is
        known or none has a candidate."""
        norm = analysis.normalize(text)
        replaced: list[tuple[int, int, list[str]]] = []
        for word, start, end in analysis.words_with_offsets(norm):
            if not self.knows(word) and (like := self.words_like(word)):
                replaced.append((start, end, like[:SPELLING_CANDIDATES]))
        if not replaced:
            return []
        out = []
        for choice in replaced[0][2]:
            fixed = norm
            for i, (start, end, like) in reversed(list(enumerate(replaced))):
                fixed = fixed[:start] + (choice if i == 0 else like[0]) + fixed[end:]
            out.append(fixed)
        return out


class Spellers:
    """One :class:`Speller` per kind, built from the backend's vocabulary on first use (the
    one search that waits: ~70 µs an entry) and again, on a thread of its own while the old
    one answers, once it is SPELLING_VOCABULARY_TTL old (new titles need not be spelt at
    once)."""

    def __init__(self) -> None:
        self._kept: dict[str, Speller] = {}
        self._lock = threading.Lock()
        self._refreshing: set[str] = set()

    def get(self, kind: str, vocabulary: Callable[[], list[tuple[str, int]]]) -> Speller:
        speller = self._kept.get(kind)
        if speller is None:
            with self._lock:  # one build, however many threads ask at once
                if (speller := self._kept.get(kind)) is None:
                    speller = self._kept[kind] = Speller(vocabulary())
        elif time.monotonic() - speller.built > SPELLING_VOCABULARY_TTL:
            with self._lock:
                start = kind not in self._refreshing
                self._refreshing.add(kind)
            if start:
                threading.Thread(target=self._refresh, args=(kind, vocabulary), daemon=True).start()
        return speller

    def _refresh(self, kind: str, vocabulary: Callable[[], list[tuple[str, int]]]) -> None:
        try:
            self._kept[kind] = Speller(vocabulary())
        except SearchUnavailable:
            pass  # the old vocabulary answers; the next search after the TTL tries again
        finally:
            with self._lock:
                self._refreshing.discard(kind)
