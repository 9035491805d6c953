"""Seeded synthetic jobs (Chinese and English) for the search benchmark and the search tests.

Fast and reproducible: the same ``(n, seed)`` always gives the same documents. Titles come
from real occupations (China's CSCO job-board names and common English ones), skills
per occupation family, 30 large cities with their real 12-digit division codes.

The vocabularies are data, in ``bench/data/search_corpus.json``: ``families`` (each with its
draw ``weight``, CSCO ``category`` prefix, ``titles`` and ``skills``), ``cities`` (name,
province code, city code), the words that make titles, employer names, benefits and
descriptions, and the ``query_terms`` and suggestion ``prefixes`` of the query mix.
Reordering or editing them changes every generated document and query.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from importlib.resources import files
from typing import Any

_DATA = json.loads(files(__package__).joinpath("data/search_corpus.json").read_text("utf-8"))

FAMILIES: dict[str, tuple[list[str], list[str], str]] = {
    name: (f["titles"], f["skills"], f["category"]) for name, f in _DATA["families"].items()
}
FAMILY_WEIGHTS: list[int] = [f["weight"] for f in _DATA["families"].values()]
CITIES: list[tuple[str, str, str]] = [tuple(c) for c in _DATA["cities"]]
LEVELS: list[str] = _DATA["levels"]
COMPANY_WORDS: list[str] = _DATA["company_words"]
COMPANY_HEADS: list[str] = _DATA["company_heads"]
BENEFITS: list[str] = _DATA["benefits"]
EMPLOYMENT: list[str] = _DATA["employment"]
TEMPLATES: list[str] = _DATA["templates"]
EDU: list[str] = _DATA["education"]
QUERY_TERMS: list[str] = _DATA["query_terms"]
PREFIXES: list[str] = _DATA["prefixes"]
BASE_TIME = 1_767_225_600  # 2026-01-01 UTC


def employers(rng: random.Random, n: int) -> list[tuple[int, str, bool]]:
    out = []
    for i in range(n):
        city = CITIES[i % len(CITIES)][0]
        name = f"{city}{rng.choice(COMPANY_HEADS)}{rng.choice(COMPANY_HEADS)}{rng.choice(COMPANY_WORDS)}有限公司"
        out.append((i + 1, name, rng.random() < 0.6))
    return out


def generate_jobs(n: int, seed: int = 42, start_id: int = 1) -> Iterator[dict[str, Any]]:
    """Yield ``n`` job documents shaped like :class:`search.documents.JobDocument`."""
    rng = random.Random(seed)
    emps = employers(rng, max(50, n // 200))
    fams = list(FAMILIES.items())
    for i in range(n):
        fam, (titles, skills, cat) = rng.choices(fams, FAMILY_WEIGHTS)[0]
        title = rng.choice(LEVELS) + rng.choice(titles)
        sk = rng.sample(skills, min(len(skills), rng.randint(2, 5)))
        city, prov, city_code = rng.choice(CITIES)
        county = city_code[:4] + f"{rng.randint(1, 12):02d}" + "000000"
        town = county[:6] + f"{rng.randint(1, 20):03d}" + "000"
        path = [prov, city_code, county, town]
        code = town if rng.random() < 0.7 else town[:9] + f"{rng.randint(1, 30):03d}"
        if code != town:
            path.append(code)
        emp_id, emp_name, verified = rng.choice(emps)
        low = rng.choice([2500, 3500, 4500, 6000, 8000, 10000, 12000, 15000, 20000, 25000, 30000])
        high = low + rng.choice([1000, 2000, 3000, 5000, 8000, 10000])
        b = rng.sample(BENEFITS, 3)
        desc = rng.choice(TEMPLATES).format(
            city=city,
            company=emp_name,
            title=title,
            skill0=sk[0],
            skill1=sk[1],
            skill2=sk[-1],
            years=rng.randint(1, 8),
            b0=b[0],
            b1=b[1],
            b2=b[2],
            edu=rng.choice(EDU),
        )
        yield {
            "id": start_id + i,
            "title": title,
            "description": desc,
            "skills": sk,
            "category": f"{cat}-{rng.randint(0, 3):02d}",
            "employment_type": rng.choice(EMPLOYMENT),
            "region_code": code,
            "region_path": path,
            "salary_min": low,
            "salary_max": high,
            "salary_period": "month",
            "remote": rng.random() < 0.08,
            "posted_at": BASE_TIME + rng.randint(0, 180 * 86400),
            "employer_id": emp_id,
            "employer_name": emp_name,
            "employer_verified": verified,
            "status": "open" if rng.random() < 0.95 else "closed",
        }


def query_mix(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """A fixed mix of SearchQuery keyword arguments: 1-3 terms, 0-4 filters, facets on."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        terms = " ".join(rng.sample(QUERY_TERMS, rng.choice([1, 1, 2, 2, 3])))
        q: dict[str, Any] = {"text": terms, "facets": True, "size": 20}
        filters = rng.sample(
            ["region", "salary", "employment_type", "remote", "posted", "verified", "category"],
            rng.choice([0, 1, 1, 2, 2, 3, 4]),
        )
        for f in filters:
            if f == "region":
                city = rng.choice(CITIES)
                q["region"] = city[2] if rng.random() < 0.7 else city[1]
            elif f == "salary":
                q["salary_min"] = rng.choice([5000, 8000, 12000])
                q["salary_max"] = q["salary_min"] + rng.choice([5000, 10000, 20000])
            elif f == "employment_type":
                q["employment_type"] = rng.choice(["full_time", "part_time", "internship"])
            elif f == "remote":
                q["remote"] = True
            elif f == "posted":
                q["posted_within_days"] = rng.choice([7, 30, 90])
                q["now"] = BASE_TIME + 180 * 86400
            elif f == "verified":
                q["verified_only"] = True
            elif f == "category":
                q["category"] = rng.choice(list(FAMILIES.values()))[2] + "-00"
        q["sort"] = rng.choice(["relevance"] * 6 + ["newest", "salary"])
        out.append(q)
    return out
