"""`yunpin eval resume-parse`: per-field accuracy of the résumé parser on a generated corpus.

The corpus (bench/resume_corpus.py) is written to a temporary folder as real PDF and DOCX
files, each parsed by ``app.resumes.parsing.parse_file`` exactly as an upload is, and every
known field compared with what the parser returned. A field is right when it equals the
known value after NFKC, case and space folding; a list of entries is compared entry by entry
in document order (a missing entry makes each of its fields wrong); skills are right when
every skill the résumé lists was found. Prints a table, or JSON with --json.
"""

from __future__ import annotations

import json
import tempfile
import time
import unicodedata
from collections import defaultdict
from datetime import date
from pathlib import Path

import click

from .resume_corpus import generate

SCALARS = [
    "headline",
    "email",
    "phone",
    "expected_salary_min",
    "expected_salary_max",
    "years_experience",
    "education_level",
]
ENTRY_FIELDS = {
    "education": ["school", "degree", "major", "start", "end"],
    "experience": ["company", "title", "start", "end"],
}


def folded(value) -> str:
    return "".join(
        unicodedata.normalize("NFKC", str(value if value is not None else "")).casefold().split()
    )


def score(expected: dict, parsed: dict) -> dict[str, bool]:
    """Field name (education.school, ...) → right or wrong, for one résumé."""
    out = {name: folded(parsed.get(name)) == folded(expected[name]) for name in SCALARS}
    out["skills"] = set(expected["skills"]) <= set(parsed.get("skills") or [])
    for section, keys in ENTRY_FIELDS.items():
        got = parsed.get(section) or []
        for n, entry in enumerate(expected[section]):
            for key in keys:
                right = n < len(got) and folded(got[n].get(key)) == folded(entry[key])
                out[f"{section}.{key}#{n}"] = right
    return out


def evaluate(count: int = 32, seed: int = 14, folder: Path | None = None) -> dict:
    """Generate the corpus, parse every file, and return the accuracy figures."""
    from app.resumes.parsing import parse_file

    with tempfile.TemporaryDirectory(prefix="resume-corpus-") as tmp:
        samples = generate(folder or Path(tmp), count=count, seed=seed, today=date.today())
        right: dict[str, int] = defaultdict(int)
        total: dict[str, int] = defaultdict(int)
        by_tag: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        failures = []
        started = time.perf_counter()
        for sample in samples:
            parsed = parse_file(sample.path, sample.content_type)
            for name, ok in score(sample.expected, parsed).items():
                field = name.split("#")[0]
                total[field] += 1
                right[field] += ok
                for tag in sample.tags:
                    by_tag[tag][0] += ok
                    by_tag[tag][1] += 1
                if not ok:
                    failures.append({"file": sample.name, "field": name})
        seconds = time.perf_counter() - started
    fields = {name: round(right[name] / total[name], 3) for name in sorted(total)}
    return {
        "resumes": len(samples),
        "formats": sorted({s.path.suffix.lstrip(".") for s in samples}),
        "fields_checked": sum(total.values()),
        "accuracy": round(sum(right.values()) / sum(total.values()), 3),
        "fields": fields,
        "by_kind": {tag: round(r / t, 3) for tag, (r, t) in sorted(by_tag.items())},
        "parse_seconds": round(seconds, 2),
        "failures": failures,
    }


@click.command("resume-parse")
@click.option("--count", default=32, show_default=True, help="Résumés to generate (≥ 30).")
@click.option("--seed", default=14, show_default=True)
@click.option(
    "--keep", type=click.Path(file_okay=False, path_type=Path), help="Write the files here."
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_resume_parse_command(count: int, seed: int, keep: Path | None, as_json: bool) -> None:
    """Per-field accuracy of the résumé parser on generated PDF and DOCX résumés."""
    result = evaluate(count, seed, keep)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    click.echo(
        f"{result['resumes']} résumés, {result['fields_checked']} fields: accuracy {result['accuracy']:.1%}"
    )
    for name, value in result["fields"].items():
        click.echo(f"  {name:24} {value:.1%}")
    for tag, value in result["by_kind"].items():
        click.echo(f"  [{tag}] {value:.1%}")
