"""Shared steps for the employer tests: logging in as someone and sending files."""

from __future__ import annotations

import io

from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64
PE = b"MZ\x90\x00" + b"\x00" * 64


def file(content: bytes, name: str) -> tuple:
    return (io.BytesIO(content), name)


def submitted_employer(region_code: str = "420102001001", verified: bool = False):
    """An employer (with owner) in REGION_CODE whose documents are ready to submit."""
    employer = factories.employer(region_code=region_code, verified=verified, legal_rep_name="王五")
    return employer, employer.members[0].user
