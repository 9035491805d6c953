"""Yunpin matching: features, scoring, retrieval, explanation and evaluation.

No Flask here: the web app builds `JobProfile`/`CandidateProfile` from its models and calls
`score`, `rank_candidates` or `rank_jobs` (or a `Retriever` for large pools).
"""

from .embeddings import embed_texts
from .encode import Encoded, encode_candidates, encode_jobs
from .profiles import CandidateProfile, JobProfile, MatchContext
from .reasons import Reason
from .result import Match
from .scorer import feature_matrix, rank_candidates, rank_jobs, score, score_arrays

__all__ = [
    "CandidateProfile",
    "Encoded",
    "JobProfile",
    "Match",
    "MatchContext",
    "Reason",
    "Retriever",
    "embed_texts",
    "encode_candidates",
    "encode_jobs",
    "feature_matrix",
    "rank_candidates",
    "rank_jobs",
    "score",
    "score_arrays",
]


def __getattr__(name):  # lazy: hnswlib is only needed by code that retrieves
    if name == "Retriever":
        from .retrieval import Retriever

        return Retriever
    raise AttributeError(name)
