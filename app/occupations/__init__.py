"""Occupations by name: the CSCO 2022 tree (matching.occupations) for pickers and forms."""
