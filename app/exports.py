"""CSV downloads that Excel opens correctly and safely: every export goes through here.

Excel reads a UTF-8 file as the local code page unless it starts with a byte order mark, so
Chinese names would be garbled without it. A cell starting with = + - @ (or a tab/CR that
Excel strips) is run as a formula, so any text that could come from a user is prefixed
with a quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def csv_response(
    filename: str, header: Sequence[object], rows: Iterable[Sequence[object]], private: bool = False
) -> Response:
    """A download of the table; PRIVATE ones (personal data) are never cached."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if private:
        headers["Cache-Control"] = "private, no-store"
    return Response(to_csv(header, rows).encode("utf-8"), mimetype="text/csv", headers=headers)
