"""A realistic, reproducible demo data set for one district: 武汉市江岸区 (420102).

Every figure is drawn from seeded generators (app.demo.builder), so two machines get the
same data. Loading is idempotent: it does nothing when the demo accounts already exist.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, Employer, Job, Resume, Role, User
from app.templating import place_name

DISTRICT = "420102"  # 湖北省武汉市江岸区
CITY = "4201"
PARTNER_REGION = "5203"  # 贵州省遵义市, the labor-cooperation origin
PASSWORD = "demo1234"
SEED = 2020


def _place(name: str) -> LazyString:
    """A region's own NAME (as the tree has it) in the language of the page showing it."""
    return LazyString(lambda: place_name(name))


DEMO_ACCOUNTS = [
    ("seeker@yunpin.demo", Role.SEEKER, _l("Job seeker")),
    ("employer@yunpin.demo", Role.EMPLOYER, _l("Employer (owner, verified company)")),
    ("pending@yunpin.demo", Role.EMPLOYER, _l("Employer waiting for document review")),
    (
        "official@yunpin.demo",
        Role.OFFICIAL,
        _l("Official of %(region)s (district level)", region=_place("江岸区")),
    ),
    (
        "city@yunpin.demo",
        Role.OFFICIAL,
        _l("Official of %(region)s (city level)", region=_place("武汉市")),
    ),
    (
        "partner@yunpin.demo",
        Role.OFFICIAL,
        _l("Official of %(region)s, the partner region", region=_place("遵义市")),
    ),
    ("admin@yunpin.demo", Role.ADMIN, _l("Administrator")),
]


def is_loaded() -> bool:
    return db.session.scalar(select(User.id).where(User.email == DEMO_ACCOUNTS[0][0])) is not None


def counts() -> dict[str, int]:
    tables = {
        "users": User,
        "employers": Employer,
        "jobs": Job,
        "resumes": Resume,
        "applications": Application,
    }
    return {
        name: db.session.scalar(select(func.count()).select_from(model))
        for name, model in tables.items()
    }


def load() -> dict[str, int]:
    """Load the district's regions and the demo data once; returns the row counts."""
    # Imported here: the builder reads this module's settings, and the home page imports
    # this module on every visit for DEMO_ACCOUNTS only.
    from app.dashboards.rollups import recompute
    from app.demo.builder import build
    from app.regions.loader import load_regions

    if not is_loaded():
        load_regions(db.session, only_under=DISTRICT)
        build()
        recompute(db.session)  # the officials' dashboards read rollups
        db.session.commit()
    return counts()
