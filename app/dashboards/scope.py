"""The one place that limits what an official sees to their region subtree.

Every official page, export and API call builds its queries from a ``Scope``: the root is
the official's own region (admins: the whole country, the empty prefix) and the focus is
the node they drilled down to, always inside the root. No officials' page filters by region
any other way, so isolation between counties is proved by testing this module's users.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, request
from flask_login import current_user

from app.extensions import db
from app.models import (
    Application,
    Broadcast,
    CooperationAgreement,
    Employer,
    Job,
    JobFair,
    Region,
    Role,
    RollupCount,
    SubsidyClaim,
    SubsidyPolicy,
    User,
    in_subtree,
)

CODE_LENGTHS = (2, 4, 6, 9, 12)


def child_length(code: str) -> int:
    """Code length of CODE's children (a village is its own finest level)."""
    for length in CODE_LENGTHS:
        if length > len(code):
            return length
    return len(code)


def within(column: sa.ColumnElement[str], code: str) -> sa.ColumnElement[bool]:
    return in_subtree(column, code) if code else sa.true()


@dataclass(frozen=True)
class Scope:
    root: str
    focus: str

    @classmethod
    def of(cls, user: User, requested: str | None = None) -> Scope:
        """USER's scope focused on REQUESTED; a node outside the root is answered 404."""
        if user.role == Role.ADMIN:
            root = ""
        elif user.role == Role.OFFICIAL and user.region_code:
            root = user.region_code
        else:
            abort(403)
        focus = (requested or "").strip() or root
        # An admin's root is the whole country: the empty code. Codes are ASCII digits:
        # isdigit() alone also passes "4201٠٢" and "4201０２", which name no region.
        if focus and (
            not focus.startswith(root)
            or not (focus.isascii() and focus.isdigit())
            or len(focus) not in CODE_LENGTHS
        ):
            abort(404)
        return cls(root, focus)

    def covers(self, code: str | None) -> bool:
        return code is not None and code.startswith(self.focus)

    # Queries, all limited to the focus subtree.

    def employers(self) -> sa.Select:
        return sa.select(Employer).where(within(Employer.region_code, self.focus))

    def jobs(self) -> sa.Select:
        return sa.select(Job).where(within(Job.region_code, self.focus))

    def applications(self) -> sa.Select:
        """Applications to jobs located in the subtree."""
        return (
            sa.select(Application)
            .join(Job, Application.job_id == Job.id)
            .where(within(Job.region_code, self.focus))
        )

    def fairs(self) -> sa.Select:
        return sa.select(JobFair).where(within(JobFair.region_code, self.focus))

    def broadcasts(self) -> sa.Select:
        """Broadcasts for regions in the subtree (national ones: the admins' whole country)."""
        return sa.select(Broadcast).where(within(Broadcast.region_code, self.focus))

    def agreements(self) -> sa.Select:
        """Agreements with either end in the subtree (each side sees its own flows)."""
        return sa.select(CooperationAgreement).where(
            sa.or_(
                within(CooperationAgreement.origin_code, self.focus),
                within(CooperationAgreement.destination_code, self.focus),
            )
        )

    def policies(self) -> sa.Select:
        return sa.select(SubsidyPolicy).where(within(SubsidyPolicy.region_code, self.focus))

    def claims(self) -> sa.Select:
        """Claims by employers located in the subtree."""
        return (
            sa.select(SubsidyClaim)
            .join(Employer, SubsidyClaim.employer_id == Employer.id)
            .where(within(Employer.region_code, self.focus))
        )

    def rollup_rows(self, metrics: list[str]) -> sa.Select:
        """Rollup rows of the focus's children (see app.models.rollups)."""
        return sa.select(RollupCount).where(
            RollupCount.metric.in_(metrics),
            RollupCount.level == child_length(self.focus),
            within(RollupCount.region_code, self.focus),
        )

    def region_options(self, session) -> list[Region]:
        """The focus's children, for drill-down links."""
        condition = Region.parent_code == self.focus if self.focus else Region.level == 1
        return session.scalars(sa.select(Region).where(condition).order_by(Region.code)).all()

    def breadcrumbs(self, session) -> list[Region]:
        """Nodes from the root down to the focus."""
        codes = [
            self.focus[:n] for n in CODE_LENGTHS if len(self.root) <= n <= len(self.focus) and n > 0
        ]
        if not codes:
            return []
        found = {
            r.code: r for r in session.scalars(sa.select(Region).where(Region.code.in_(codes)))
        }
        return [found[c] for c in codes if c in found]


def current_scope() -> Scope:
    return Scope.of(current_user, request.args.get("region"))


def scoped_get(model, ident, code_of):
    """The object if its region (CODE_OF(obj)) is in the official's scope, else 404."""
    item = db.get_or_404(model, ident)
    if not Scope.of(current_user).covers(code_of(item)):
        abort(404)
    return item
