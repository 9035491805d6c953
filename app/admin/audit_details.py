"""An audit entry's data as an administrator reads it: labelled values, names for codes.

The log stores codes and ids ({"from_user": 3, "role": "official"}) and the CSV keeps them:
that is what a program reads. The page says them in the reader's language, looking up the
accounts and places a page of entries names once for the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.jobs.reports import REASONS
from app.labels import (
    AUDIT_ACTIONS,
    AUDIT_DATA_KEYS,
    CANCEL_REASONS,
    DOCUMENT_KINDS,
    IDENTITY_STATES,
    JOB_STATUSES,
    MEMBER_ROLES,
    ROLES,
    SOURCES,
    STAGES,
    SUBSIDY_RULES,
    VERIFICATION_STATES,
)
from app.models import User
from app.templating import datetime_with_zone, money, place_names
from app.webhooks.forms import EVENT_LABELS

VIA = {
    # where a person did it (the via= of app.privacy and app.accounts)
    "page": _l("Privacy notice page"),
    "settings": _l("Settings"),
    "api": _l("API"),
    "register": _l("Registration"),
    "resume": _l("Résumé"),
    "member_invite": _l("Colleague invitation"),
}

VALUE_LABELS: dict[str, dict] = {
    # by key, or by "area.key" where the same key holds another area's codes
    "role": ROLES | MEMBER_ROLES,
    "to_stage": STAGES,
    "state": IDENTITY_STATES,
    "source": SOURCES,
    "kind": DOCUMENT_KINDS,
    "rule": SUBSIDY_RULES,
    "events": EVENT_LABELS,
    "via": VIA,
    "job.previous": JOB_STATUSES,
    "employer.previous": VERIFICATION_STATES,
    "job.reason": REASONS,
    "interview.reason": CANCEL_REASONS,
    "export.reason": AUDIT_ACTIONS,  # the action that cancelled the export
}

USER_KEYS = frozenset({"user_id", "from_user", "to_user"})
"""Keys whose value is an account id, shown as the account's email."""
TIME_KEYS = frozenset({"post_check_due_at", "starts_at", "slots", "broadcast.previous"})
"""Keys (or "area.key") whose values are ISO times."""
UNNAMED_CODES = frozenset({"fields", "room_id"})
"""Keys holding codes no label names (column names, a room's token): shown as code."""
STRINGIFIED = {"True": True, "False": False, "None": None}
"""admin.user_change keeps its old and new values as text (str(True) is "True")."""


class Detail(NamedTuple):
    label: str
    value: str
    coded: bool  # shown as stored: a code no label names


def page_details(entries: list) -> list[list[Detail]]:
    """The details of each of ENTRIES; the accounts and regions they name are read once."""
    user_ids, region_codes = set(), set()
    for entry in entries:
        for key, value in _flat(entry.data):
            if key in USER_KEYS and isinstance(value, int):
                user_ids.add(value)
            elif key == "region_code" and isinstance(value, str):
                region_codes.add(value)
    emails = {}
    if user_ids:
        found = db.session.execute(sa.select(User.id, User.email).where(User.id.in_(user_ids)))
        emails = dict(found.all())
    names = {"emails": emails, "places": place_names(region_codes)}
    return [details(entry.action, entry.data, names) for entry in entries]


def details(action: str, data: dict[str, Any], names: dict) -> list[Detail]:
    """DATA's non-empty values by label; NAMES holds the page's "emails" and "places"."""
    area = action.split(".", 1)[0]
    shown = []
    for key, value in (data or {}).items():
        if value in (None, "", [], {}):
            continue
        if key == "changes" and isinstance(value, dict):  # admin.user_change: old and new
            for name, (old, new) in value.items():
                before, coded_before = _value(area, name, STRINGIFIED.get(old, old), names)
                after, coded_after = _value(area, name, STRINGIFIED.get(new, new), names)
                label = str(AUDIT_DATA_KEYS.get(name, name))
                shown.append(Detail(label, f"{before} → {after}", coded_before or coded_after))
            continue
        text, coded = _value(area, key, value, names)
        shown.append(Detail(str(AUDIT_DATA_KEYS.get(key, key)), text, coded))
    return shown


def _value(area: str, key: str, value: Any, names: dict) -> tuple[str, bool]:
    if value is None:
        return "–", False
    if isinstance(value, bool):
        return (_("Yes") if value else _("No")), False
    if isinstance(value, list):
        parts = [_value(area, key, item, names) for item in value]
        return ", ".join(text for text, _coded in parts), any(coded for _text, coded in parts)
    if key in USER_KEYS:
        return names["emails"].get(value, f"#{value}"), False
    if key == "region_code":
        return names["places"].get(value, str(value)), value not in names["places"]
    if key in TIME_KEYS or f"{area}.{key}" in TIME_KEYS:
        try:
            return datetime_with_zone(datetime.fromisoformat(value)), False
        except (TypeError, ValueError):  # not a time after all: shown as stored
            return str(value), False
    if key == "amount":
        return money(value), False
    table = VALUE_LABELS.get(f"{area}.{key}", VALUE_LABELS.get(key))
    if table is not None and value in table:
        return str(table[value]), False
    return str(value), table is not None or key in UNNAMED_CODES


def _flat(data: dict[str, Any]):
    """DATA's keys and values, those of admin.user_change's changes included."""
    for key, value in (data or {}).items():
        if key == "changes" and isinstance(value, dict):
            for name, pair in value.items():
                yield from ((name, STRINGIFIED.get(item, item)) for item in pair)
        else:
            yield key, value
