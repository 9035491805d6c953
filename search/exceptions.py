"""Errors raised by the search package.

The app catches :class:`SearchUnavailable` to fall back to the database; everything else
is a programming or data error and should surface.
"""


class SearchError(Exception):
    """Base class for every error raised by ``search``."""


class SearchUnavailable(SearchError):
    """The index cannot be used now: the engine cannot be reached (connection refused,
    timeout, node down), the index is closed, blocked or locked by another writer, or its
    files are missing, unreadable or corrupt (see ``docs/search.md``, "Fallback contract").

    Raised by every backend method that touches the index. The caller may retry later
    or serve the request from the database instead.
    """


class IndexOutdated(SearchUnavailable):
    """The live index was built at another ``SCHEMA_VERSION`` (other fields or another
    analyser), so this code's queries would not match its tokens. A reindex builds a current
    one (``yunpin search reindex``; ``yunpin run`` does it at start-up)."""


class DocumentInvalid(SearchError, ValueError):
    """A document dict is missing a required field or has a value of the wrong shape."""


class InvalidQuery(SearchError, ValueError):
    """A :class:`search.query.SearchQuery` cannot be executed (bad cursor, unknown sort...)."""


class UnknownBackend(SearchError, ValueError):
    """``create_backend`` was given a name it does not know."""
