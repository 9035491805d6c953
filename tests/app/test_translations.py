"""Every string the code marks for translation has its Chinese text, and the compiled catalogue
the app loads says the same as the one we edit: a string added without either shows up as
English on a Chinese page, which the page tests only catch on the pages they open."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "app" / "translations" / "zh" / "LC_MESSAGES"


def marked_strings() -> set[tuple[str | tuple, str | None]]:
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add((message if isinstance(message, str) else message[0], context))
    return found


def test_every_marked_string_has_its_chinese_text():
    with open(CATALOGUE / "messages.po", "rb") as po:
        catalogue = read_po(po)
    untranslated = []
    for message, context in marked_strings():
        entry = catalogue.get(message, context=context)
        text = entry.string if entry else None
        if not text or (isinstance(text, tuple) and not all(text)):
            untranslated.append(message)
    assert not untranslated, f"no Chinese text in messages.po for: {sorted(untranslated)}"


def test_the_compiled_catalogue_matches_the_one_we_edit():
    with open(CATALOGUE / "messages.po", "rb") as po, open(CATALOGUE / "messages.mo", "rb") as mo:
        edited, compiled = read_po(po), read_mo(mo)

    def texts(catalogue) -> dict:
        # read_mo gives a plural's forms as lists, read_po as tuples
        def key(value):
            return tuple(value) if isinstance(value, list | tuple) else value

        return {(key(m.id), m.context): key(m.string) for m in catalogue if m.id and m.string}

    stale = texts(edited).items() - texts(compiled).items()
    assert not stale, f"compile the catalogue (make translations): {sorted(stale)[:10]}"
