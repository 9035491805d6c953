"""How many data exports an account may ask for, through the pages and the API together
(an outside tester's finding 6: 20 API requests at once built 20 zips)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.accounts.service import create_api_token
from app.extensions import db
from app.models import DataExport, ExportStatus, Role, utcnow
from app.privacy.service import EXPORTS_PER_HOUR
from tests import factories
from tests.concurrency import posted_at_once
from tests.web import as_user, post_form


def exports() -> list[DataExport]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(DataExport).order_by(DataExport.id)))


def test_api_requests_at_once_queue_one_export_and_all_get_it(app):
    seeker = factories.user(Role.SEEKER)
    auth = {"Authorization": "Bearer " + create_api_token(seeker, "t")}
    db.session.commit()
    count = 8
    responses = posted_at_once(app, "/api/v1/me/exports", count, lambda _n, _b: {"headers": auth})
    answers = [(r.status_code, (r.get_json() or {}).get("id")) for r in responses]
    (made,) = exports()
    assert answers == [(202, made.id)] * count
    assert made.status == ExportStatus.PENDING


def test_the_hourly_allowance_is_the_accounts_through_pages_and_api_together(app, client):
    seeker = factories.user(Role.SEEKER)
    auth = {"Authorization": "Bearer " + create_api_token(seeker, "t")}
    db.session.commit()
    for n in range(EXPORTS_PER_HOUR):
        if n % 2:
            assert client.post("/api/v1/me/exports", headers=auth).status_code == 202
        else:
            as_user(client, seeker)
            asked = post_form(
                client, "/settings/privacy/exports", {}, token_from="/settings/privacy"
            )
            assert asked.status_code == 303
        # built (by a worker, in life): the next request asks for a new one
        built = {"status": ExportStatus.READY, "expires_at": utcnow() + timedelta(hours=24)}
        db.session.execute(sa.update(DataExport).values(**built))
        db.session.commit()
    assert len(exports()) == EXPORTS_PER_HOUR

    refused = client.post("/api/v1/me/exports", headers=auth)
    assert refused.status_code == 429
    assert "5 copies of your data an hour" in refused.get_json()["detail"]
    as_user(client, seeker)
    page = post_form(client, "/settings/privacy/exports", {}, token_from="/settings/privacy")
    assert page.status_code == 429
    assert "5 copies of your data an hour" in page.get_data(as_text=True)
    assert len(exports()) == EXPORTS_PER_HOUR

    # An hour later the allowance is back.
    for export in exports():
        export.created_at -= timedelta(hours=1)
    db.session.commit()
    assert client.post("/api/v1/me/exports", headers=auth).status_code == 202
