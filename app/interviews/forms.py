"""The employer's proposal of interview times.

Every problem is found at once and said beside the field it is about (a time already past, the
same time as another, a time the clocks skip), with what was typed kept, so one round of
corrections is enough. `service.propose` checks the same rules again when it stores the times:
they are the service's (`to_utc`, `HORIZON`, `DURATIONS`), this form only places the answers.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import ValidationError

from app.interviews.service import (
    DURATIONS,
    HORIZON,
    MAX_SLOTS,
    SchedulingError,
    to_utc,
    valid_timezone,
)
from app.models import utcnow


class SlotsField(Field):
    """The repeated `slot` inputs, as typed (blank ones included, so each keeps its place),
    with the problems of each in `problems[n]`."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = [value.strip() for value in valuelist]

    def _value(self) -> str:
        return ""

    def typed(self, n: int) -> str:
        return self.data[n] if self.data and n < len(self.data) else ""

    def problems_of(self, n: int) -> list[str]:
        return getattr(self, "problems", {}).get(n, [])


class ScheduleForm(FlaskForm):
    slot = SlotsField()
    duration = StringField()
    timezone = StringField()

    def validate_duration(self, field: StringField) -> None:
        if field.data not in {str(minutes) for minutes in DURATIONS}:
            raise ValidationError(_l("Choose a duration from the list."))

    def validate_timezone(self, field: StringField) -> None:
        if not valid_timezone(field.data or ""):
            raise ValidationError(_l("Choose a valid time zone."))

    def validate_slot(self, field: SlotsField) -> None:
        field.problems = problems = {}
        typed = [(n, value) for n, value in enumerate(field.data or []) if value]
        if not typed:
            problems[0] = [_l("Propose at least one time.")]
        elif len(field.data) > MAX_SLOTS:
            problems[0] = [_l("Propose between 1 and %(n)d time slots.", n=MAX_SLOTS)]
        zone = self.timezone.data or ""
        seen: dict[datetime, int] = {}
        for n, value in typed[:MAX_SLOTS]:
            problem, moment = slot_problem(value, zone)
            if problem is None and moment is not None:
                if moment in seen:
                    problem = _l("The same time as time %(n)d.", n=seen[moment] + 1)
                seen.setdefault(moment, n)
            if problem is not None:
                problems.setdefault(n, []).append(problem)
        field.errors.extend(message for listed in problems.values() for message in listed)

    def proposal(self) -> tuple[list[datetime], str, int]:
        """The checked form as `service.propose` takes it: start times, zone, minutes."""
        starts = [datetime.fromisoformat(value) for value in self.slot.data if value]
        return starts, self.timezone.data, int(self.duration.data)


def slot_problem(value: str, zone: str) -> tuple[str | None, datetime | None]:
    """What is wrong with one typed time in ZONE, if anything, and the moment it names in
    UTC (None when the zone is not valid: then only the typing is checked)."""
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        return _l("Enter a date and time, e.g. 2026-12-01T14:30."), None
    if not valid_timezone(zone):
        return None, None
    try:
        moment = to_utc(local, zone)
    except SchedulingError as skipped:  # the clocks skip it
        return skipped.message, None
    except OverflowError:  # a time in year 1 or 9999 crossed the calendar's edge
        return _l("Choose a time within a year from now."), None
    if moment <= utcnow():
        return _l("This time has already passed."), moment
    if moment > utcnow() + HORIZON:
        return _l("Choose a time within a year from now."), moment
    return None, moment
