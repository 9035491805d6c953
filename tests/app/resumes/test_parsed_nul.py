"""Text read out of a file reaches the résumé without NUL, which no request may carry either."""

from __future__ import annotations

import json

from app.resumes.parsing import PDF, parse_file
from tests.app.resumes.test_upload import make_pdf


def test_nul_in_a_pdfs_text_layer_is_dropped(tmp_path):
    path = tmp_path / "cv.pdf"
    path.write_bytes(make_pdf(["Skills: Ja\x00va, Docker", "Email: li\x00.lei@example.com"]))
    draft = parse_file(path, PDF)
    text = json.dumps(draft, ensure_ascii=False)
    assert "\\u0000" not in text
    assert "li.lei@example.com" in text
