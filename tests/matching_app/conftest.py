import pytest


@pytest.fixture(autouse=True)
def _no_embeddings(app):
    """Features only, except in the test that measures the real model: loading it costs ~3 s."""
    app.config["MATCHING_EMBEDDINGS"] = False
