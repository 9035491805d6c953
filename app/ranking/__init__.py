"""Ranking: match scores with reasons, stored embeddings and the candidates' recommendation lists."""
