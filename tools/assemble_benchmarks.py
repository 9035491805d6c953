"""Writes docs/benchmarks.md from its summary and each area's section (docs/benchmarks/*.md).

Each area keeps its own detailed section next to the code that owns it; readers get one page.
Run after recording a figure: `python tools/assemble_benchmarks.py`.
"""

from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
ORDER = [
    "search",
    "matching",
    "video",
    "broadcast",
    "runtime",
    "officials",
    "regions",
    "transactions",
    "resume-parse",
    "chat",
]


def demote(markdown: str) -> str:
    """One heading level down, so each section nests under the page's own title."""
    lines = []
    in_code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        lines.append("#" + line if line.startswith("#") and not in_code else line)
    return "\n".join(lines).strip() + "\n"


def main() -> None:
    parts = [(DOCS / "benchmarks" / "summary.md").read_text().strip() + "\n"]
    for name in ORDER:
        parts.append(demote((DOCS / "benchmarks" / f"{name}.md").read_text()))
    (DOCS / "benchmarks.md").write_text("\n".join(parts))


if __name__ == "__main__":
    main()
