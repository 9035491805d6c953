"""Saved searches and their alerts, favourites (收藏), and who viewed a résumé.

A saved search is the query string of /jobs/ (text and filters), validated by the job
search itself. Alerts list the public jobs published since the last alert that the search
matches, read as the search page reads its box (a place typed becomes the region, English
filler is left out: `app.jobs.search.understand`) and found with the search's SQL form
(`app.jobs.search.database_query`: the words as the engine analyses them, matched with
LIKE), which holds every job published up to the alert, indexed yet or not. Résumé views
are counted in Redis, not in the database: the résumé page is a GET, and GETs never write
(docs/architecture.md).
"""

from __future__ import annotations

import time
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import delete, func, select
from werkzeug.datastructures import MultiDict

from app.database import insert_missing, lock
from app.errors import DomainError
from app.extensions import db
from app.jobs.search import BadSearch, Params, database_query, parse_params, understand
from app.labels import EMPLOYMENT_TYPES, label_getter, occupation_label, salary_range
from app.models import AlertFrequency, Favourite, Job, SavedSearch, User
from app.redis_store import get_redis
from app.templating import place

MAX_SAVED = 20
"""Saved searches per candidate."""
ALERT_JOBS = 20
"""Jobs listed in one alert (the mail links to the whole search)."""
FILTERS = (
    "region",
    "area",
    "category",
    "employment_type",
    "salary_min",
    "salary_max",
    "remote",
    "posted_within",
    "verified",
)
VIEWS_KEPT_S = 90 * 86400


class AlertError(DomainError):
    pass


def clean_filters(query: str, filters: dict) -> tuple[str, dict]:
    """The search as the job search reads it; AlertError (422) naming what is wrong."""
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise AlertError(_l("Unknown filter: %(names)s", names=", ".join(unknown)), 422)
    try:
        params = parse_params(_query_string(query, filters))
    except BadSearch as exc:
        raise AlertError(exc.message, 422) from exc
    kept = {
        k: list(v) if isinstance(v, tuple) else v for k, v in params.args().items() if k in FILTERS
    }
    return params.q, kept


def _query_string(query: str, filters: dict) -> MultiDict:
    """The search as /jobs/ receives it: a filter with several values (areas, occupations,
    employment types) repeats."""
    pairs = [("q", query or "")]
    for name, value in filters.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            pairs.append(
                (name, "1" if item is True else "" if item in (False, None) else str(item))
            )
    return MultiDict(pairs)


def _comparable(filters: dict) -> dict:
    """FILTERS with the order of a filter's several values left out (Wuhan and Jiang'an is
    Jiang'an and Wuhan), and numbers and their digits alike."""
    return {
        name: sorted(map(str, value)) if isinstance(value, list | tuple) else str(value)
        for name, value in filters.items()
    }


def params_of(saved: SavedSearch) -> Params:
    return parse_params(_query_string(saved.query, saved.filters))


def save(
    user: User, name: str, query: str, filters: dict, frequency: AlertFrequency
) -> SavedSearch:
    query, filters = clean_filters(query, filters)
    lock(db.session, user)  # two saves at once: the second sees the first (duplicate, limit)
    same = next(
        (
            s
            for s in saved_of(user)
            if s.query == query and _comparable(s.filters) == _comparable(filters)
        ),
        None,
    )
    if same is not None:
        raise AlertError(_l("You have already saved this search: “%(name)s”.", name=same.name))
    count = db.session.scalar(select(func.count()).where(SavedSearch.user_id == user.id))
    if count >= MAX_SAVED:
        raise AlertError(_l("You can keep %(n)d saved searches at most.", n=MAX_SAVED), 409)
    saved = SavedSearch(
        user_id=user.id,
        name=(name or query or str(_l("All jobs")))[:120],
        query=query,
        filters=filters,
        frequency=frequency,
    )
    db.session.add(saved)
    db.session.flush()
    return saved


def filters_said(saved: SavedSearch) -> list[str]:
    """SAVED's filters in the reader's words, in the order of the search page's sheet: its
    name is only the text searched ("nurse Wuhan"), which says nothing of the rest."""
    params = params_of(saved)
    said = [place(code) for code in params.area or ((params.region,) if params.region else ())]
    said += [occupation_label(code) for code in params.category]
    said += [label_getter(EMPLOYMENT_TYPES)(kind) for kind in params.employment_type]
    low, high = params.salary_min, params.salary_max
    if low is not None and high is not None:
        said.append(salary_range(low, high))
    elif low is not None:
        said.append(_l("at least %(salary)s", salary=salary_range(low, None)))
    elif high is not None:
        said.append(_l("at most %(salary)s", salary=salary_range(None, high)))
    if params.posted_within:
        said.append(
            lazy_ngettext(
                "posted in the last day",
                "posted in the last %(num)d days",
                params.posted_within,
            )
        )
    if params.remote:
        said.append(_l("Remote only"))
    if params.verified:
        said.append(_l("Verified employers only"))
    return [str(words) for words in said]


def saved_of(user: User) -> list[SavedSearch]:
    return db.session.scalars(
        select(SavedSearch)
        .where(SavedSearch.user_id == user.id)
        .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())
    ).all()


def new_matches(saved: SavedSearch, until: datetime) -> list[Job]:
    """Public jobs the search matches, published after the last alert and up to UNTIL. The
    box is read for its owner, as the page read it for them: their home region tells namesakes
    apart (Jiang'an: 江岸区 in Wuhan, 江安县 in Yibin)."""
    searched, _reading = understand(params_of(saved), saved.user.region_code or "")
    return db.session.scalars(
        database_query(searched)
        .where(Job.published_at > saved.alerted_until, Job.published_at <= until)
        .order_by(Job.published_at.desc(), Job.id.desc())
        .limit(ALERT_JOBS)
    ).all()


# Favourites -----------------------------------------------------------------------------


def favour(user: User, job: Job) -> bool:
    """Add JOB to USER's favourites; False when it already was one."""
    return bool(insert_missing(db.session, Favourite, [{"user_id": user.id, "job_id": job.id}]))


def unfavour(user: User, job_id: int) -> bool:
    result = db.session.execute(
        delete(Favourite).where(Favourite.user_id == user.id, Favourite.job_id == job_id)
    )
    return bool(result.rowcount)


def is_favourite(user: User, job_id: int) -> bool:
    return db.session.get(Favourite, (user.id, job_id)) is not None


def favourites_of(user: User) -> list[Job]:
    return db.session.scalars(
        select(Job)
        .join(Favourite, Favourite.job_id == Job.id)
        .where(Favourite.user_id == user.id)
        .order_by(Favourite.created_at.desc())
    ).all()


# Who viewed my résumé -------------------------------------------------------------------


def _views_key(user_id: int) -> str:
    return f"yunpin:resume-views:{user_id}"


def note_view(candidate_id: int, employer_id: int) -> None:
    """An employer's member opened a résumé of CANDIDATE_ID: remember the latest time per
    employer (a sorted set in Redis; entries older than 90 days are dropped)."""
    redis = get_redis(current_app)
    key = _views_key(candidate_id)
    now = time.time()
    with redis.pipeline() as pipe:
        pipe.zadd(key, {str(employer_id): now})
        pipe.zremrangebyscore(key, 0, now - VIEWS_KEPT_S)
        pipe.expire(key, VIEWS_KEPT_S)
        pipe.execute()


def viewers(candidate_id: int, limit: int = 50) -> list[tuple[int, datetime]]:
    """(employer id, last viewed, UTC) for CANDIDATE_ID, most recent first."""
    redis = get_redis(current_app)
    rows = redis.zrevrange(_views_key(candidate_id), 0, limit - 1, withscores=True)
    return [(int(member), datetime.utcfromtimestamp(score)) for member, score in rows]


# Unsubscribing --------------------------------------------------------------------------


def _unsubscribe_serializer():
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="yunpin-alert-unsubscribe")


def unsubscribe_token(saved: SavedSearch) -> str:
    """The signed part of the one-click unsubscribe link of SAVED's alert mails."""
    return _unsubscribe_serializer().dumps(saved.id)


def read_unsubscribe(token: str) -> int | None:
    from itsdangerous import BadData

    try:
        value = _unsubscribe_serializer().loads(token)
    except BadData:
        return None
    return value if isinstance(value, int) else None
