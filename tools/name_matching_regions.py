"""Write the English names of matching/data/regions.tsv.gz as the app names places
(`app.regions.english`): 乌鲁木齐市 → Urumqi, 海淀区 → Haidian District. `Match.explain("en")`
reads that column; until 2026-12-04 it held plain pinyin ("Wulumuqi", "Haidian"). `matching`
stays free of the app: this runs when the app's naming changes, and
tests/app/test_place_names.py fails until it has.

    .venv/bin/python tools/name_matching_regions.py
"""

from __future__ import annotations

import gzip
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from app.regions.english import english_name  # noqa: E402

PATH = os.path.join(os.path.dirname(__file__), "..", "matching", "data", "regions.tsv.gz")


def main() -> None:
    with gzip.open(PATH, "rt", encoding="utf-8") as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh]
    # .strip(): cncity.csv writes 垦利区 with a no-break space after it
    text = "".join(f"{code}\t{zh.strip()}\t{english_name(zh.strip())}\n" for code, zh, _ in rows)
    # mtime 0: the same names give the same bytes, so git sees a change only when there is one
    with open(PATH, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    print(f"{len(rows)} places -> {os.path.normpath(PATH)}")


if __name__ == "__main__":
    main()
