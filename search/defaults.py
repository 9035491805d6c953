"""Constants shared by every backend, each with the reason it has its value."""

KINDS = ("jobs", "resumes")
"""The two document kinds. Every backend keeps one index (and one alias) per kind."""

INDEX_PREFIX = "yunpin"
"""Cluster index names are ``<prefix>-<kind>-v<SCHEMA_VERSION>-<timestamp>`` behind the
alias ``<prefix>-<kind>``; tests pass their own prefix so runs never collide."""

SCHEMA_VERSION = 7
"""Bump when fields or analysis change; a reindex then builds the new layout. An index
built at another version is not used (:class:`search.exceptions.IndexOutdated` saying so)
until it is rebuilt: ``yunpin run`` rebuilds it at start-up, a production deployment runs
``yunpin search reindex``. 2: the ``grams`` and ``pinyin`` recall fields. 3: the embedded
backend's ``salary_band`` column. 4: the embedded backend hashes the stored source instead of
indexing ``content_hash``. 5: simplified text is no longer put through OpenCC's Taiwan phrase
table (程序员 had been indexed as 进程员, 文件 as 文档). 6: nor are 程序 and 文件 inside
traditional text (Hong Kong's 程序員 had been indexed as 进程员). 7: a job's employment type is
indexed as its word among its skills (兼职), and the synonym file's new job words (叉车工, 仓管)
segment titles."""

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
"""Larger pages are refused: deep paging must go through cursors."""

FACET_SIZE = 50
"""Buckets kept per terms facet. Category and region lists are longer than a UI shows."""

SALARY_BANDS = (
    ("<3k", None, 3000),
    ("3k-5k", 3000, 5000),
    ("5k-8k", 5000, 8000),
    ("8k-12k", 8000, 12000),
    ("12k-20k", 12000, 20000),
    ("20k-30k", 20000, 30000),
    ("30k+", 30000, None),
)
"""Monthly salary bands (yuan) for the salary facet, counted on the midpoint of the range
(``[from, to)``), so every job falls in exactly one band."""

SUGGEST_LIMIT = 10

SPELLING_KINDS = ("title", "skill")
"""Autocomplete entries whose words make the spelling vocabulary (search/spelling.py)."""
SPELLING_VOCABULARY = 10_000
"""Entries read, the most frequent first: a typo is corrected towards common words (and
the first misspelt search of a process waits for them to be cut into words: 70-130 µs an
entry, docs/benchmarks/search.md)."""
SPELLING_VOCABULARY_TTL = 600.0
"""Seconds a process keeps its vocabulary before reading it again."""
SPELLING_CANDIDATES = 3
"""Corrections counted per query (one count each) to pick the one finding the most."""
MLT_MAX_TERMS = 12
""""Jobs like this one" ORs at most this many title/skill tokens of the source job."""

GRAMS_BOOST = 0.5
"""Weight of the character-grams recall field: below every word field, so a document
holding the query's whole word outranks one that only holds its pieces."""

PINYIN_BOOST = 1.0
"""Weight of the pinyin field (会计 for ``kuaiji``): as strong as a description word."""

SYNONYM_FACTOR = 0.5
"""Score weight of a synonym (软件开发工程师 for 软件工程师) relative to the words typed, so
what the user asked for ranks first and its synonyms follow."""

FUZZY_FACTOR = 0.3
"""Score weight of a fuzzy (typo) match relative to an exact one."""

HIGHLIGHT_SNIPPET_CHARS = 120
"""Snippet length (characters) for the long text fields of a hit (description, summary,
experience); titles and headlines are highlighted whole."""
EMBEDDED_WRITER_HEAP = 256_000_000
"""tantivy writer memory budget (bytes) for the live index; segments are flushed when it fills."""

EMBEDDED_REINDEX_HEAP = 1_500_000_000
"""Writer memory budget (bytes) while a reindex builds a new generation. Each flush makes a
segment, and tantivy merges only when 8 segments of a size exist, so 1,000,000 jobs under the
live budget ended in about 5 segments; every query pays per segment (200,000 jobs in 7
segments cost 38 % more CPU per query than in 1, p95 +55 %). 1.5 GB holds about a million jobs
in one segment. tantivy takes the memory as documents arrive, so a small rebuild uses little."""

EMBEDDED_FACET_THREADS = 2
"""Threads per embedded backend that count facets while the calling thread runs the page's
search (0: count in the calling thread). Both passes read every match, and tantivy releases
the GIL while it does, so with a second core free a query's latency is about the longer
pass instead of their sum; the CPU a query costs stays the same. Two, so two request
threads of a web process never wait for each other's facet pass."""

SORT_ID_BITS = 32
"""Sort keys pack ``value << 32 | id`` into one i64 so every backend orders ties by id the
same way and a cursor is one integer (ids must stay below 2**32; the "newest" key uses
minutes since the epoch so it fits for millennia)."""

RANK_SNAPSHOT_DEPTH = 1000
"""Relevance results a local backend pins for the next pages (search.snapshots); deeper pages
follow by offset."""

RANK_SNAPSHOT_TTL = 6 * 3600
"""Seconds a pinned ranking is kept; an older page link continues by offset."""
