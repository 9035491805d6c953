"""A wheel carries every file the packages hold, not just the Python.

An editable install reads data from the checkout, so a pattern missing from
``[tool.setuptools.package-data]`` only shows once the app runs from a wheel (no regions, no
occupation table, untranslated pages). Building a wheel needs a network for the build
backend and takes seconds, so this applies the configuration the way setuptools does
(namespace discovery, then each pattern globbed in each package's folder) to the files git
tracks. A real build agreed with it when this was written: ``pip wheel . --no-deps``.
"""

import fnmatch
import glob
import os
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setuptools_config() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["tool"]["setuptools"]


def _packages(find: dict) -> dict[str, Path]:
    """Like ``packages.find`` in pyproject.toml (namespaces on by default there): every folder
    under a matching root whose name has no dot is a package."""
    assert find.get("namespaces", True) and not find.get("exclude") and "where" not in find
    packages = {}
    for dirpath, dirnames, _ in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if "." not in d]
        name = Path(dirpath).relative_to(ROOT).as_posix().replace("/", ".")
        if name != "." and any(fnmatch.fnmatchcase(name, p) for p in find["include"]):
            packages[name] = Path(dirpath)
    return packages


def _shipped(config: dict) -> set[str]:
    patterns = config["package-data"]
    shipped = set()
    for name, folder in _packages(config["packages"]["find"]).items():
        for pattern in ["*.py", *patterns.get("*", []), *patterns.get(name, [])]:
            for path in glob.glob(str(folder / pattern), recursive=True):
                if os.path.isfile(path):
                    shipped.add(Path(path).relative_to(ROOT).as_posix())
    return shipped


def test_every_tracked_file_of_a_package_is_in_the_wheel():
    config = _setuptools_config()
    roots = sorted({p.rstrip("*").rstrip(".") for p in config["packages"]["find"]["include"]})
    tracked = subprocess.run(
        ["git", "ls-files", "--", *roots], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert any(f.startswith("matching/data/") for f in tracked)  # the listing worked

    left_out = sorted(set(tracked) - _shipped(config))

    assert left_out == []


def test_the_data_the_code_loads_is_shipped():
    shipped = _shipped(_setuptools_config())

    for path in [
        "app/data/regions/cities.csv.gz",
        "app/translations/zh/LC_MESSAGES/messages.mo",
        "app/templates/base.html",
        "app/static/vendor/maps/cities/1301.json.gz",
        "matching/data/csco22_vectors.npz",
        "matching/data/match_model.cand2job.txt",
        "search/data/synonyms.txt",
        "migrations/alembic.ini",
        "migrations/versions/0001_initial_schema.py",
    ]:
        assert (ROOT / path).is_file(), path
        assert path in shipped, path
