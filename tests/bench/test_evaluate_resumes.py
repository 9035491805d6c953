"""`yunpin eval resume-parse --json` through the app's command group: the JSON contract."""

from __future__ import annotations

import json

from app.cli import main


def test_eval_resume_parse_prints_per_field_accuracy(runner, tmp_path):
    result = runner.invoke(
        main, ["eval", "resume-parse", "--count", "30", "--keep", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["resumes"] == 30
    assert figures["accuracy"] >= 0.9
    assert {"headline", "expected_salary_min", "years_experience", "experience.title"} <= set(
        figures["fields"]
    )
    pdfs, docxs = len(list(tmp_path.glob("*.pdf"))), len(list(tmp_path.glob("*.docx")))
    assert pdfs + docxs == 30 and min(pdfs, docxs) >= 14
