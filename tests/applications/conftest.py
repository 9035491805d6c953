import pytest


@pytest.fixture(autouse=True)
def _no_embeddings(app):
    """Scores from features only: loading the sentence model would slow every test."""
    app.config["MATCHING_EMBEDDINGS"] = False
