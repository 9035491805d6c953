"""WSGI entry point: ``gunicorn wsgi:app``."""

import os

# Set before numpy loads: a web process runs a request per thread already, and BLAS threads
# of its own for each ranking made ranking pages about twice as slow on a busy machine
# (docs/benchmarks/matching.md, page cost).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from app import create_app  # noqa: E402

app = create_app()
