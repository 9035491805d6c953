"""Subsidies: officials publish policies with a budget, employers claim, officials review."""
