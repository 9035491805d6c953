"""Text analysis, done once in Python so every backend indexes and queries the same tokens.

Pipeline (index and query alike):

1. ``normalize``: NFKC (full-width → half-width), traditional → simplified (only where the
   text holds traditional characters: :func:`simplify`), lower-case.
2. split into CJK runs and Latin/digit runs (``c++``, ``c#``, ``node.js`` stay whole);
3. CJK runs are segmented by rjieba with the job-domain user dictionary
   (``data/userdict.txt``): search mode at index time (sub-words too, so 工程师 finds
   软件工程师), precise mode at query time;
4. Latin tokens get a minimal English plural stemmer; stop words are dropped.

Two recall fields sit beside the word fields (:func:`gram_text`, :func:`pinyin_text`):
the CJK characters and character bigrams of titles and skills (Elasticsearch's
``cjk_bigram`` with unigrams) and the prefixes of their Latin words, so a query finds
软件测试工程师 for 软件工程师 however either side was segmented (and JavaScript for java); and
the full pinyin of each word (会计 → ``kuaiji``). A query word is looked up as itself in the
word fields *or* as its pieces in the grams field (:func:`recall_pieces`), and a pinyin-like
Latin word also in the pinyin field; whole-word matches score higher, so they rank first.

The engines then only split on whitespace. Synonyms (``data/synonyms.txt``) and typo
tolerance are applied at query time by :func:`analyze_query`, so the synonym file can
change without a reindex. Highlighting and autocomplete keys live here too because they
must use the very same tokens.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import opencc
import rjieba
from pypinyin import Style, lazy_pinyin

from search.defaults import SYNONYM_FACTOR

_CJK_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_CJK = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _CJK_BLOCKS)
_TOKEN_RE = re.compile(rf"[{_CJK}]+|[a-z0-9][a-z0-9+#]*(?:[._\-][a-z0-9+#]+)*")
_CJK_RE = re.compile(rf"[{_CJK}]")
_CJK_RUN_RE = re.compile(rf"[{_CJK}]+")
_ALPHA_RE = re.compile(r"^[a-z]+$")

STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "在",
        "是",
        "等",
        "个",
        "有",
        "为",
        "对",
        "将",
        "把",
        "被",
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)

WORKER_WORDS = frozenset({"worker", "staff"})
"""Said after an English job word (warehouse worker, kitchen staff) they add nothing its
synonyms (仓管, 仓库管理员) do not say, and no Chinese job says "worker": the query drops
them there. A term that has them in it (factory worker, social worker) is matched first."""

_lock = threading.Lock()
_ready = False


def _data(name: str) -> str:
    return resources.files("search").joinpath("data", name).read_text(encoding="utf-8")


def _ensure_dictionary() -> None:
    """Load the user dictionary into rjieba's global segmenter once per process."""
    global _ready
    if _ready:
        return
    with _lock:
        if _ready:
            return
        for line in _data("userdict.txt").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            rjieba.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, None)
        for group in _synonym_lines():
            for term in group:
                if _CJK_RE.search(term) and not re.search(r"[a-z0-9]", term):
                    rjieba.add_word(term, 2000, None)
        _ready = True


def _synonym_lines() -> list[list[str]]:
    groups = []
    for line in _data("synonyms.txt").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            groups.append([normalize(t) for t in line.split(",") if t.strip()])
    return groups


_traditional_words = opencc.OpenCC("tw2sp")
"""Traditional (Taiwan) words to mainland ones: 軟體工程師 → 软件工程师, 程式設計師 → 程序员,
檔案 → 文件. Only ever given stretches that hold traditional characters: its phrase table
also maps words written alike in both scripts to their mainland counterparts (程序 → 进程,
文件 → 文档, 建立 → 创建), which turned simplified text into other words."""

_traditional_characters = opencc.OpenCC("t2s")

_CJK_CHARACTERS = "".join(chr(c) for lo, hi in _CJK_BLOCKS for c in range(lo, hi + 1))


def _changed_by(converter: opencc.OpenCC) -> set[str]:
    """The CJK characters ``converter`` writes otherwise, one at a time (one call, ~3 ms)."""
    converted = converter.convert("\n".join(_CJK_CHARACTERS)).split("\n")
    return {c for c, to in zip(_CJK_CHARACTERS, converted, strict=True) if to != c}


_TRADITIONAL = frozenset(_changed_by(_traditional_characters))
"""The characters simplified Chinese writes otherwise (體, 師): what tells traditional text."""
_TRADITIONAL_RE = re.compile(f"[{''.join(sorted(_TRADITIONAL))}]")


@lru_cache(maxsize=1)
def _stretch_re() -> re.Pattern[str]:
    """A stretch of letters, digits and CJK characters with no simplified-only character
    (们, 负: traditional Chinese writes them otherwise, simplified keeps them), the unit
    :func:`simplify` converts whole or not at all. Built on the first traditional text:
    OpenCC's s2t tables take ~90 ms to load."""
    simplified_only = _changed_by(opencc.OpenCC("s2t")) - _TRADITIONAL
    return re.compile(f"[^\\W{''.join(sorted(simplified_only))}]+")


def simplify(text: str) -> str:
    """``text`` in simplified characters, leaving what already is.

    Text with no traditional character is returned as it is. Otherwise each stretch that
    holds one (bounded by spaces, punctuation and simplified-only characters) goes through
    OpenCC ``tw2sp``, so 軟體工程師 is found by 软件工程师, while a simplified sentence
    quoting one traditional word keeps its other words (我们需要軟體工程師负责程序设计 →
    我们需要软件工程师负责程序设计, not …进程设计).
    """
    if not _TRADITIONAL_RE.search(text):
        return text
    return _stretch_re().sub(_simplify_stretch, text)


def _simplify_stretch(match: re.Match[str]) -> str:
    stretch = match.group()
    return _simplified(stretch) if _TRADITIONAL_RE.search(stretch) else stretch


_WRITTEN_ALIKE_RE = re.compile("(程序|文件)")
"""Words written alike in both scripts that mean the same in Hong Kong's traditional text as
in mainland job ads (a program, a document). Taiwan's phrase table maps them to mainland
words for narrower things (进程 a process, 文档), which read Hong Kong's 程序員 as 进程员 and
應用程序 as 应用进程; they stay as written while the rest of the stretch is converted."""


@lru_cache(maxsize=4096)
def _simplified(stretch: str) -> str:
    if _traditional_characters.convert(stretch) == stretch:
        return stretch  # its "traditional" characters are simplified in context: 乾隆
    # re.split with a group keeps the separators at the odd positions
    return "".join(
        part if n % 2 else _traditional_words.convert(part)
        for n, part in enumerate(_WRITTEN_ALIKE_RE.split(stretch))
    )


def normalize(text: str) -> str:
    """NFKC + traditional→simplified where traditional (:func:`simplify`) + lower-case."""
    if not text:
        return ""
    return simplify(unicodedata.normalize("NFKC", text)).lower()


def stem(token: str) -> str:
    """Minimal English plural stemmer (like Lucene's EnglishMinimalStemmer)."""
    if len(token) <= 3 or token[-1] != "s" or not _ALPHA_RE.match(token):
        return token
    if token.endswith("ies") and not token.endswith(("eies", "aies")):
        return token[:-3] + "y"
    if token.endswith("es") and not token.endswith(("aes", "ees", "oes")):
        return token[:-1]
    if token.endswith(("us", "ss", "is")):
        return token
    return token[:-1]


def _segments(norm: str, search_mode: bool) -> list[str]:
    _ensure_dictionary()
    out: list[str] = []
    for m in _TOKEN_RE.finditer(norm):
        piece = m.group()
        if _CJK_RE.match(piece):
            out.extend(_cut_run(piece, search_mode))
        elif piece not in STOP_WORDS:
            out.append(stem(piece))
    return out


RUN_CACHE = 100_000
"""CJK runs (text between punctuation, Latin words and spaces) whose segmentation is kept.
Descriptions are unique as wholes but are made of recurring clauses (福利：五险一金、双休),
and segmenting them was half of a document's analysis; the dictionary never changes after
it is loaded, so a run always segments the same way."""


@lru_cache(maxsize=RUN_CACHE)
def _cut_run(run: str, search_mode: bool) -> tuple[str, ...]:
    cut = rjieba.cut_for_search if search_mode else rjieba.cut
    return tuple(w for w in cut(run) if w not in STOP_WORDS)


@lru_cache(maxsize=RUN_CACHE)
def _run_spans(run: str) -> tuple[tuple[int, int, str], ...]:
    """Search-mode tokens of one CJK run with their offsets in it (highlighting)."""
    return tuple((s, e, word) for word, s, e in rjieba.tokenize(run, "search"))


def words_with_offsets(text: str) -> list[tuple[str, int, int]]:
    """Query-time words of already normalised TEXT with their offsets in it, every run
    of CJK characters segmented as :func:`query_tokens` does (places and misspellings
    are read word by word: 江岸 in 江岸司机, not in 新华书店)."""
    _ensure_dictionary()
    return [
        (word, m.start() + s, m.start() + e)
        for m in _CJK_RUN_RE.finditer(text)
        for word, s, e in rjieba.tokenize(m.group())
    ]


def is_dictionary_word(word: str) -> bool:
    """Whether the segmenter knows WORD (its dictionary or ours), not one it made up."""
    _ensure_dictionary()
    return rjieba.has_word(word)


def part_of_speech(word: str) -> str:
    """The segmenter's part-of-speech tag of WORD read alone (ns: a place name, v: a verb;
    x: a word it does not know), or "" when it reads WORD as several words."""
    _ensure_dictionary()
    tagged = rjieba.tag(word)
    return tagged[0][1] if len(tagged) == 1 else ""


def tokens(text: str) -> list[str]:
    """Index-time tokens of ``text`` (search-mode segmentation, duplicates kept)."""
    return _segments(normalize(text), search_mode=True)


def index_text(text: str | list[str] | None) -> str:
    """Tokens joined by spaces: what the engines store with a whitespace analyzer."""
    if not text:
        return ""
    if isinstance(text, list):
        return " ".join(_short_index_text(t) if len(t) <= 64 else _index_text(t) for t in text if t)
    return _short_index_text(text) if len(text) <= 64 else _index_text(text)


def _index_text(text: str) -> str:
    return " ".join(_segments(normalize(text), search_mode=True))


@lru_cache(maxsize=200_000)
def _short_index_text(text: str) -> str:
    """Titles, skills and employer names repeat a lot: cache their analysis."""
    return _index_text(text)


def query_tokens(text: str) -> list[str]:
    """Query-time tokens (precise segmentation, duplicates removed, order kept)."""
    seen: dict[str, None] = {}
    for t in _segments(normalize(text), search_mode=False):
        seen.setdefault(t, None)
    return list(seen)


# --- recall fields ------------------------------------------------------------------


def _texts(text: str | list[str] | None) -> list[str]:
    if not text:
        return []
    return [t for t in (text if isinstance(text, list) else [text]) if t]


def gram_text(text: str | list[str] | None) -> str:
    """Every CJK character and character bigram of ``text`` (space-separated), so any
    piece of a query can be found whatever word the document's segmentation made."""
    return " ".join(g for t in _texts(text) if (g := _grams(t)))


MAX_PREFIX = 20
"""Longest prefix of a Latin word kept in the grams field."""


@lru_cache(maxsize=200_000)
def _grams(text: str) -> str:
    """Titles and skills repeat a lot: their grams are cached like their tokens."""
    out: list[str] = []
    for piece in _TOKEN_RE.findall(normalize(text)):
        if _CJK_RE.match(piece):
            out.extend(piece)
            out.extend(piece[i : i + 2] for i in range(len(piece) - 1))
        else:  # a Latin word's prefixes: java finds JavaScript, service finds services
            out.extend(piece[:n] for n in range(2, min(len(piece), MAX_PREFIX) + 1))
    return " ".join(out)


@lru_cache(maxsize=100_000)
def word_pinyin(word: str) -> str:
    """Full toneless pinyin of a CJK word, syllables joined: 会计 → kuaiji."""
    return "".join(lazy_pinyin(word, style=Style.NORMAL, errors="ignore")).lower()


def pinyin_text(text: str | list[str] | None) -> str:
    """The pinyin of every index-time CJK word of ``text`` (space-separated)."""
    return " ".join(p for t in _texts(text) if (p := _pinyin(t)))


@lru_cache(maxsize=200_000)
def _pinyin(text: str) -> str:
    _ensure_dictionary()
    out = []
    for run in _CJK_RUN_RE.findall(normalize(text)):
        for w in rjieba.cut_for_search(run):
            if len(w) > 1 and (p := word_pinyin(w)):
                out.append(p)
    return " ".join(out)


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    return frozenset(
        line for line in _data("pinyin_syllables.txt").split() if not line.startswith("#")
    )


@lru_cache(maxsize=4096)
def is_pinyin(token: str) -> bool:
    """Whether ``token`` reads as toneless pinyin syllables (kuaiji yes, java no), the only
    Latin words worth looking up in the pinyin field."""
    if not _ALPHA_RE.match(token):
        return False
    syllables = _syllables()
    ends = {0}
    for end in range(1, len(token) + 1):
        if any(token[start:end] in syllables for start in ends if end - start <= 6):
            ends.add(end)
    return len(token) in ends


def syllable_splits(token: str, limit: int = 16) -> list[tuple[str, ...]]:
    """The ways ``token`` reads as toneless pinyin syllables, at most LIMIT (xian: xian and
    xi an; java: none): what a place name typed without its apostrophes may have been."""
    syllables = _syllables()
    splits: list[tuple[str, ...]] = []

    def walk(at: int, read: tuple[str, ...]) -> None:
        if len(splits) >= limit:
            return
        if at == len(token):
            splits.append(read)
            return
        for end in range(min(len(token), at + 6), at, -1):
            if token[at:end] in syllables:
                walk(end, (*read, token[at:end]))

    if _ALPHA_RE.match(token):
        walk(0, ())
    return splits


WORKER = "工"
"""The suffix that makes a worker of what comes before it (叉车工, 搬运工, 维修工)."""


@lru_cache(maxsize=20_000)
def recall_pieces(word: str) -> tuple[str, ...]:
    """The grams a document must hold to contain ``word``'s pieces, finest first.

    The word is covered left to right by its two-character dictionary words (软件工程师 →
    软件 工程 师, 维修工 → 维修 工); a stretch no such word covers is required as its bigrams
    when it is longer than one character (contiguous, e.g. an unknown name), else as the
    character. Finer pieces than a person would name only widen recall; ranking puts
    documents holding the whole word first.

    A worker named by what they work with (叉车工, 搬运工: a dictionary word and 工) is
    looked up as that word alone: 叉车司机 and 叉车操作员 are the same job, and every title
    holding 叉车工 holds 叉车, so nothing found before is lost (电工, 焊工: one character
    before 工 would find too much, and stay whole).
    """
    _ensure_dictionary()
    if len(word) > 2 and word.endswith(WORKER) and rjieba.has_word(word[:-1]):
        return recall_pieces(word[:-1])
    pairs = {w for w in rjieba.cut_for_search(word) if len(w) == 2} if len(word) > 2 else set()
    pieces: list[str] = []
    loose: list[str] = []

    def flush() -> None:
        run = "".join(loose)
        if len(run) == 1:
            pieces.append(run)
        else:
            pieces.extend(run[i : i + 2] for i in range(len(run) - 1))
        loose.clear()

    i = 0
    while i < len(word):
        if word[i : i + 2] in pairs:
            if loose:
                flush()
            pieces.append(word[i : i + 2])
            i += 2
        else:
            loose.append(word[i])
            i += 1
    if loose:
        flush()
    return tuple(dict.fromkeys(pieces))


def _recall_alternatives(alt: Alternative) -> list[Alternative]:
    """The grams form of an alternative (CJK words as their pieces, Latin words as a
    prefix), and the pinyin form of a single Latin word (``kuaiji``); none for typo terms."""
    if any(t.fuzzy or t.via != WORDS for t in alt):
        return []
    terms: dict[Term, None] = {}
    for t in alt:
        if _CJK_RE.match(t.text):
            terms.update((Term(p, via=GRAMS, weight=t.weight), None) for p in recall_pieces(t.text))
        elif 2 <= len(t.text) <= MAX_PREFIX and t.weight == 1.0:
            # typed words only: an English synonym's prefixes would outweigh the words typed
            terms[Term(t.text, via=GRAMS)] = None
        else:
            terms[t] = None
    out: list[Alternative] = [tuple(terms)] if tuple(terms) != alt else []
    if len(alt) == 1 and is_pinyin(alt[0].text):
        out.append((Term(alt[0].text, via=PINYIN, weight=alt[0].weight),))
    return out


# --- query analysis -----------------------------------------------------------------


WORDS, GRAMS, PINYIN = "words", "grams", "pinyin"
"""Where a :class:`Term` is looked up: the word fields (title, skills...), the character
grams field, or the pinyin field (see :meth:`search.documents.IndexSpec.fields_for`)."""


@dataclass(frozen=True)
class Term:
    """One token to look up in the fields ``via`` names. ``fuzzy`` > 0 allows that many
    edits (typos; word fields only). ``weight`` scales its score (a synonym counts less
    than what was typed); SQLite FTS5 cannot weight single terms and ignores it."""

    text: str
    fuzzy: int = 0
    via: str = WORDS
    weight: float = 1.0


Alternative = tuple[Term, ...]
"""All terms required (a multi-token synonym such as ``web 前端``)."""
Clause = tuple[Alternative, ...]
"""Any alternative matches (the word itself, its synonyms, its fuzzy variant)."""


def fuzzy_distance(token: str) -> int:
    """Edits allowed for a Latin token: 0 below 5 letters, 1 up to 8, 2 from 9."""
    if not _ALPHA_RE.match(token) or len(token) < 5:
        return 0
    return 1 if len(token) < 9 else 2


@lru_cache(maxsize=1)
def synonym_table() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Analysed synonym groups: token sequence → every equivalent token sequence."""
    _ensure_dictionary()
    table: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for group in _synonym_lines():
        seqs = []
        for term in group:
            seq = tuple(query_tokens(term))
            if seq and seq not in seqs:
                seqs.append(seq)
        for seq in seqs:
            merged = list(table.get(seq, ()))
            merged += [s for s in seqs if s not in merged]
            table[seq] = tuple(merged)
    for english, chinese in _occupation_pairs():
        key, seq = tuple(query_tokens(english)), tuple(query_tokens(chinese))
        if key and seq:
            merged = list(table.get(key, (key,)))
            table[key] = tuple(merged + [seq] if seq not in merged else merged)
    return table


@lru_cache(maxsize=1)
def _english_job_words() -> tuple[str, ...]:
    """The English terms of the synonym groups that have Chinese ones, shortest first."""
    words = {
        term
        for group in _synonym_lines()
        if any(_CJK_RE.search(t) for t in group)
        for term in group
        if not _CJK_RE.search(term)
    }
    return tuple(sorted(words, key=lambda w: (len(w), w)))


def english_job_words(prefix: str) -> list[str]:
    """English job words of the synonym table starting with PREFIX (fork → forklift,
    forklift driver…), for autocomplete: no title or skill indexed is in English, so the
    suggestions of the index never offer them."""
    typed = normalize(prefix).strip()
    if len(typed) < 2 or _CJK_RE.search(typed):
        return []
    return [word for word in _english_job_words() if word.startswith(typed)]


def _occupation_pairs() -> list[tuple[str, str]]:
    """English occupation name → Chinese job-board name (``data/occupations_en.tsv``,
    derived by ``tools/occupations_en.py``): one way only, so an English query finds
    Chinese jobs without Chinese queries growing English alternatives."""
    pairs = []
    for line in _data("occupations_en.tsv").splitlines():
        if line and not line.startswith("#"):
            english, chinese = line.split("\t")
            pairs.append((english, chinese))
    return pairs


def analyze_query(
    text: str, *, synonyms: bool = True, typos: bool = True, recall: bool = True
) -> tuple[Clause, ...]:
    """Turn user input into required clauses of alternatives (AND of ORs).

    Longest synonym sequences are matched first (a worker word after an English one is
    dropped: WORKER_WORDS); a Latin token with no synonym gets an
    extra fuzzy alternative; every alternative also gets its recall forms (character
    grams for CJK words, pinyin for a Latin word, see :func:`_recall_alternatives`).
    With ``recall=False`` only the word forms are kept. An empty or stop-word-only input
    gives ``()``.
    """
    toks = query_tokens(text)
    table = synonym_table() if synonyms else {}
    clauses: list[Clause] = []
    i = 0
    while i < len(toks):
        for n in (4, 3, 2, 1):
            seq = tuple(toks[i : i + n])
            if len(seq) == n and seq in table:
                alts = [
                    tuple(Term(t, weight=1.0 if s == seq else SYNONYM_FACTOR) for t in s)
                    for s in table[seq]
                ]
                clauses.append(tuple(alts))
                i += n
                if i < len(toks) and toks[i] in WORKER_WORDS and _ALPHA_RE.match(seq[-1]):
                    i += 1  # warehouse worker: the job word's synonyms name its workers
                break
        else:
            tok = toks[i]
            if _names_a_worker(toks, i):
                clauses.append(_worker_clause(tok, recall))
                i += 2
                continue
            alts = [(Term(tok),)]
            dist = fuzzy_distance(tok) if typos else 0
            if dist:
                alts.append((Term(tok, dist),))
                if table:
                    alts += _misspelt_synonyms(tok, dist)
            clauses.append(tuple(alts))
            i += 1
    if recall:
        clauses = [with_recall(c) for c in clauses]
    return tuple(clauses)


TRADE_TAGS = frozenset({"n", "v", "vn", "j"})
"""Parts of speech of what a worker works with or at (钢筋 n, 注塑 v, 质检 j); not 普通
(nz): 普通工 is no trade."""


def _names_a_worker(toks: list[str], i: int) -> bool:
    """Whether TOKS[i] and the 工 after it name a worker the segmenter cut in two: it knows
    叉车工 as one word, but cuts 钢筋工 and 注塑工 into the trade and 工."""
    tok = toks[i]
    return (
        i + 1 < len(toks)
        and toks[i + 1] == WORKER
        and len(tok) >= 2
        and bool(_CJK_RE.match(tok))
        and part_of_speech(tok) in TRADE_TAGS
    )


def _worker_clause(trade: str, recall: bool) -> Clause:
    """A worker named by their trade (钢筋 工) as one clause: the two words as written, or,
    for recall, the trade alone (:func:`recall_pieces`), so 钢筋工 finds 钢筋 jobs as 叉车工
    finds 叉车司机, documents holding both words first; 工 is not required on its own."""
    written: Alternative = (Term(trade), Term(WORKER))
    if not recall:
        return (written,)
    return (written, tuple(Term(p, via=GRAMS) for p in recall_pieces(trade + WORKER)))


@lru_cache(maxsize=20_000)
def _misspelt_synonyms(token: str, dist: int) -> tuple[Alternative, ...]:
    """The synonyms of the one-word entries ``token`` is a typo of (acountant → 会计):
    an English word for a Chinese job is often only in the synonym table, never in a
    document, so the index's own fuzzy matching cannot find it. Cached: finding them
    compares the token with every entry of the table (~1.3 ms a token)."""
    near = Term(token, dist)
    return tuple(
        tuple(Term(t, weight=SYNONYM_FACTOR) for t in seq)
        for key, seqs in synonym_table().items()
        if len(key) == 1 and key[0] != token and fuzzy_ok(key[0], near)
        for seq in seqs
    )


def with_recall(clause: Clause) -> Clause:
    """``clause`` plus the recall forms of its alternatives (duplicates dropped)."""
    alts = dict.fromkeys(clause)
    for alt in clause:
        alts.update(dict.fromkeys(_recall_alternatives(alt)))
    return tuple(alts)


def match_only(clause: Clause) -> tuple[Clause, frozenset[Term]]:
    """``clause`` for a pass that only counts its matches (no scores), with less to read.

    An alternative is dropped when another alternative's terms are all among its own
    (whatever holds all of its terms holds the other's: a synonym's grams 软件 开发 工程 师
    beside the word's 软件 工程 师). Also returned: the CJK word terms whose lookup may skip
    the recall-source fields (title, skills), because an alternative of the clause asks
    the grams field only for characters and bigrams of that word, which every title or
    skill holding the word holds (its grams are made from the same normalised text).
    Weights do not change what matches, so they are ignored.
    """
    keys = [frozenset((t.text, t.fuzzy, t.via) for t in alt) for alt in clause]
    kept = [
        alt
        for i, alt in enumerate(clause)
        if not any(
            keys[j] < keys[i] or (keys[j] == keys[i] and j < i)
            for j in range(len(clause))
            if j != i
        )
    ]
    covered = frozenset(
        alt[0]
        for alt in kept
        if len(alt) == 1
        and alt[0].via == WORDS
        and not alt[0].fuzzy
        and _CJK_RUN_RE.fullmatch(alt[0].text)
        and any(_grams_within(other, alt[0].text) for other in kept)
    )
    return tuple(kept), covered


def is_typed(term: Term) -> bool:
    """Whether ``term`` is a word as the user typed it (not a synonym, typo or recall form)."""
    return term.via == WORDS and not term.fuzzy and term.weight == 1.0


def typed_only(clauses: tuple[Clause, ...]) -> tuple[Clause, ...] | None:
    """``clauses`` with only their alternatives made of the words as typed: the first tier
    of the local backends' relevance ranking (documents matching these rank above those
    only a synonym, typo, piece or pinyin found). None when a clause has no such
    alternative (then there is one tier)."""
    kept = tuple(tuple(alt for alt in c if all(is_typed(t) for t in alt)) for c in clauses)
    return None if any(not c for c in kept) else kept


def _grams_within(alt: Alternative, word: str) -> bool:
    """Whether ``alt`` only asks the grams field for CJK characters and bigrams of ``word``."""
    return (
        all(t.via == GRAMS and not t.fuzzy and len(t.text) <= 2 and t.text in word for t in alt)
        and _CJK_RUN_RE.fullmatch("".join(t.text for t in alt)) is not None
    )


def clause_terms(clauses: tuple[Clause, ...]) -> tuple[set[str], list[Term]]:
    """Exact and fuzzy terms to highlight: the word fields' terms, and the grams' pieces
    (those that are words of the text get marked: 软件 in 软件测试工程师)."""
    exact: set[str] = set()
    fuzzy: list[Term] = []
    for clause in clauses:
        for alt in clause:
            for term in alt:
                if term.via != PINYIN:
                    (fuzzy.append(term) if term.fuzzy else exact.add(term.text))
    return exact, fuzzy


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance (a transposition costs 1), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


# --- highlighting -------------------------------------------------------------------


def _spans(norm: str, cjk_wanted: set[str] | None = None) -> list[tuple[int, int, str]]:
    """(start, end, token) for every index-time token of normalised text, with offsets.

    With ``cjk_wanted``, a CJK run containing none of those strings is skipped: none of its
    tokens (substrings of the run) could be one of them, and segmenting every run of a long
    description was most of a result page's highlighting time."""
    _ensure_dictionary()
    spans = []
    for m in _TOKEN_RE.finditer(norm):
        piece, base = m.group(), m.start()
        if _CJK_RE.match(piece):
            if cjk_wanted is not None and not any(w in piece for w in cjk_wanted):
                continue
            for s, e, word in _run_spans(piece):
                spans.append((base + s, base + e, word))
        else:
            spans.append((m.start(), m.end(), stem(piece)))
    return spans


def highlight(
    text: str,
    exact: set[str],
    fuzzy: list[Term] = (),
    *,
    snippet: int | None = None,
    tag: str = "mark",
) -> str | None:
    """HTML-escaped ``text`` with matched tokens wrapped in ``<tag>``; None if nothing matched.

    Works on the original characters when normalisation kept the length (the usual case:
    NFKC and script conversion are mostly 1:1 for CJK); otherwise the simplified form is
    shown. With
    ``snippet``, returns about that many characters around the first match.
    """
    if not text or not (exact or fuzzy):
        return None
    norm = normalize(text)
    if not fuzzy and not any((t[:-1] if len(t) > 3 and t.isascii() else t) in norm for t in exact):
        return None  # cheap pre-check: most fields of most hits match nothing
    shown = text if len(norm) == len(text) else norm
    marks: list[tuple[int, int]] = []
    fuzzy_terms = tuple(fuzzy)
    for s, e, tok in _spans(norm, {t for t in exact if not t.isascii()}):
        if tok in exact or (fuzzy_terms and _ALPHA_RE.match(tok) and _near_any(tok, fuzzy_terms)):
            marks.append((s, e))
    if not marks:
        return None
    marks.sort()
    merged: list[list[int]] = []
    for s, e in marks:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    lo, hi = 0, len(shown)
    if snippet and len(shown) > snippet:
        lo = max(0, merged[0][0] - snippet // 4)
        hi = min(len(shown), lo + snippet)
    out = ["…" if lo > 0 else ""]
    pos = lo
    for s, e in merged:
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        out.append(html.escape(shown[pos:s]))
        out.append(f"<{tag}>{html.escape(shown[s:e])}</{tag}>")
        pos = e
    out.append(html.escape(shown[pos:hi]))
    if hi < len(shown):
        out.append("…")
    return "".join(out)


def fuzzy_ok(token: str, term: Term) -> bool:
    return (
        abs(len(token) - len(term.text)) <= term.fuzzy
        and edit_distance(token, term.text, term.fuzzy) <= term.fuzzy
    )


@lru_cache(maxsize=50_000)
def _near_any(token: str, fuzzy: tuple[Term, ...]) -> bool:
    """Whether a word of a shown field matches one of the query's fuzzy terms. Cached:
    highlighting asks it for every Latin word of every shown field, and the words of job
    postings recur (up to ~5 ms of a result page's highlighting otherwise)."""
    return any(fuzzy_ok(token, f) for f in fuzzy)


# --- autocomplete -------------------------------------------------------------------


def suggest_keys(text: str, max_starts: int = 4) -> set[str]:
    """Prefix keys for autocomplete: the normalised text, its full pinyin and initials,
    also from the start of each of its first words (so 工程 finds 软件工程师)."""
    norm = normalize(text)
    compact = re.sub(r"\s+", "", norm)
    if not compact:
        return set()
    keys = {compact}
    words = [w for w in _segments(norm, search_mode=False)] or [compact]
    starts = []
    pos = 0
    for w in words:
        i = compact.find(w, pos)
        if i >= 0:
            starts.append(i)
            pos = i + len(w)
    for start in starts[:max_starts]:
        tail = compact[start:]
        keys.add(tail)
        if _CJK_RE.search(tail):
            syl = [s.lower() for s in lazy_pinyin(tail, style=Style.NORMAL, errors="default")]
            syl = [re.sub(r"[^a-z0-9+#]", "", s) for s in syl]
            keys.add("".join(syl))
            keys.add("".join(s[0] for s in syl if s))
    keys.discard("")
    return keys


def prefix_key(prefix: str) -> str:
    """Normalise what the user typed so far the way :func:`suggest_keys` did."""
    return re.sub(r"\s+", "", normalize(prefix))
