"""Résumés: the builder, uploads and parsing, and employers viewing, searching and inviting candidates."""
