"""Resumption of work: employers' reports and the officials' list of enterprises behind the figures."""
