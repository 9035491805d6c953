"""The API's behaviour: token auth, access rules that mirror the pages, pagination,
idempotent apply, validation errors and the problem+json shape."""

from __future__ import annotations

import re

from app.cli import main
from app.extensions import db
from app.models import ApiToken, Application, JobStatus, Stage, utcnow
from app.queue import DERIVED
from tests import factories

PROBLEM = "application/problem+json"


def is_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and "type" in body
    return body


# Tokens ---------------------------------------------------------------------------------


def test_missing_unknown_and_revoked_tokens_are_401(api, world):
    assert is_problem(api(None).get("/me"), 401)
    assert api(None).get("/me").headers["WWW-Authenticate"].startswith("Bearer")
    assert is_problem(api(None).get("/me", headers={"Authorization": "Bearer nope"}), 401)
    assert api("seeker").get("/me").get_json()["id"] == world.ids["seeker"]
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == world.ids["seeker"]))
    token.revoked_at = utcnow()
    db.session.commit()
    assert is_problem(api("seeker").get("/me"), 401)


def test_tokens_are_created_listed_and_revoked_only_by_their_owner(api, client):
    created = api("seeker").post("/tokens", json={"name": "laptop"})
    assert created.status_code == 201
    secret, token_id = created.get_json()["token"], created.get_json()["id"]
    mine = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=mine).status_code == 200
    assert "token" not in api("seeker").get("/tokens").get_json()["items"][0]
    is_problem(api("owner").delete(f"/tokens/{token_id}"), 404)  # someone else's token
    assert api("seeker").delete(f"/tokens/{token_id}").status_code == 204
    is_problem(client.get("/api/v1/me", headers=mine), 401)


def test_cli_token_works_for_the_api(runner, client, world):
    user = db.session.get(factories.User, world.ids["owner"])
    result = runner.invoke(main, ["users", "token", user.email])
    assert result.exit_code == 0, result.output
    response = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {result.output.strip()}"}
    )
    assert response.get_json()["employer_id"] == world.ids["employer"]


# Access rules ---------------------------------------------------------------------------


def test_jobs_visibility_mirrors_the_job_page(api, world):
    titles = {j["title"] for j in api(None).get("/jobs?limit=100").get_json()["items"]}
    assert (
        "Java开发工程师" in titles and "草稿职位" not in titles and "Unverified job" not in titles
    )
    is_problem(api(None).get(f"/jobs/{world.ids['hidden_job']}"), 404)
    is_problem(api("seeker").get(f"/jobs/{2**40}"), 404)
    mine = api("owner").get("/jobs?mine=true&status=draft").get_json()["items"]
    assert [j["title"] for j in mine] == ["草稿职位"]
    is_problem(api("seeker").get("/jobs?mine=true"), 403)


def test_job_search_filters(api):
    items = api(None).get("/jobs?q=Java&region=4201").get_json()["items"]
    assert {j["title"] for j in items} == {"Java开发工程师", "Java 测试"}
    assert api(None).get("/jobs?q=Java&region=52").get_json()["items"] == []
    # LIKE wildcards are text, not patterns (factory names carry counters, so no digits here).
    assert api(None).get("/jobs?q=%25_qwxz_%25").get_json()["items"] == []


def test_employer_creates_pauses_and_closes_its_job_but_not_others(api, world):
    body = {
        "title": "运维工程师",
        "salary_min": 8000,
        "salary_max": 12000,
        "employment_type": "full_time",
        "region_code": "420102",
        "publish": True,
        "skills": ["Linux"],
    }
    created = api("owner").post("/jobs", json=body)
    assert created.status_code == 201, created.get_json()
    job = created.get_json()
    assert job["status"] == "published"
    duplicate = is_problem(api("owner").post("/jobs", json=body), 409)
    assert duplicate["duplicates"] == [job["id"]]
    assert api("owner").post("/jobs", json={**body, "confirm_duplicate": True}).status_code == 201
    assert (
        api("owner")
        .patch(f"/jobs/{job['id']}", json={"headcount": 3, "confirm_duplicate": True})
        .get_json()["headcount"]
        == 3
    )
    assert api("owner").post(f"/jobs/{job['id']}/pause").get_json()["status"] == "paused"
    is_problem(api("owner").post(f"/jobs/{job['id']}/pause"), 409)
    assert api("owner").post(f"/jobs/{job['id']}/close").get_json()["status"] == "closed"
    is_problem(api("owner").patch(f"/jobs/{job['id']}", json={"headcount": 2}), 409)
    is_problem(api("rival_owner").post(f"/jobs/{job['id']}/close"), 404)
    is_problem(api("seeker").post("/jobs", json=body), 403)


def test_a_job_carries_its_occupation_experience_and_education(api):
    body = {
        "title": "电工",
        "salary_min": 6000,
        "salary_max": 9000,
        "employment_type": "full_time",
        "region_code": "420102",
        "category": "电工",  # by name, as people type it
        "min_experience_years": 2,
        "education_level": "vocational",
    }
    created = api("owner").post("/jobs", json=body)
    assert created.status_code == 201, created.get_json()
    job = created.get_json()
    assert job["category"] == "6-31-01-03" and job["min_experience_years"] == 2
    assert job["education_level"] == "vocational"
    assert (
        api("owner").patch(f"/jobs/{job['id']}", json={"category": ""}).get_json()["category"] == ""
    )
    for wrong in (
        {"category": "不存在的职业"},
        {"education_level": "phd"},
        {"min_experience_years": -1},
    ):
        problem = is_problem(api("owner").post("/jobs", json={**body, **wrong}), 422)
        assert set(problem["errors"]) == set(wrong), problem


def test_unverified_employer_cannot_publish(api, world):
    owner = db.session.get(factories.Employer, world.ids["unverified"]).members[0].user
    from app.accounts.service import create_api_token

    token = create_api_token(owner, "t")
    db.session.commit()
    response = api(None).post(
        "/jobs",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "title": "新职位",
            "salary_min": 3000,
            "salary_max": 5000,
            "employment_type": "part_time",
            "region_code": "420102",
            "publish": True,
        },
    )
    is_problem(response, 409)


def test_employer_profile_visibility_follows_official_scope(api, world):
    assert api(None).get(f"/employers/{world.ids['employer']}").status_code == 200
    is_problem(api(None).get(f"/employers/{world.ids['unverified']}"), 404)
    assert api("official").get(f"/employers/{world.ids['unverified']}").status_code == 200
    is_problem(api("far_official").get(f"/employers/{world.ids['unverified']}"), 404)


def test_only_the_owner_edits_the_company(api, world):
    updated = api("owner").patch(
        "/employers/me", json={"address": "江岸区1号", "website": "https://a.example"}
    )
    assert updated.get_json()["address"] == "江岸区1号"
    is_problem(api("seeker").patch("/employers/me", json={"address": "x"}), 403)
    errors = is_problem(api("owner").patch("/employers/me", json={"region_code": "999999"}), 422)[
        "errors"
    ]
    assert "region_code" in errors


def test_the_api_reads_a_company_website_as_the_profile_form_does(api, world):
    owner = api("owner")
    typed = owner.patch("/employers/me", json={"website": " example.com "})
    assert typed.status_code == 200 and typed.get_json()["website"] == "https://example.com"
    for bad in ("javascript:alert(1)", "not a website", "ftp://example.com"):
        errors = is_problem(owner.patch("/employers/me", json={"website": bad}), 422)["errors"]
        assert errors["website"] == ["Enter a website address, such as example.com."], bad
    assert owner.get("/employers/me").get_json()["website"] == "https://example.com"
    cleared = owner.patch("/employers/me", json={"website": ""})
    assert cleared.status_code == 200 and cleared.get_json()["website"] is None


def test_candidates_see_only_their_own_applications(api, world):
    own = api("seeker").get("/applications").get_json()["items"]
    assert [a["id"] for a in own] == [world.ids["application"]]
    assert "match_score" not in own[0]
    is_problem(api("seeker").get(f"/applications/{world.ids['their_application']}"), 404)
    is_problem(api("seeker").post(f"/applications/{world.ids['their_application']}/withdraw"), 404)
    is_problem(api("owner").get("/applications"), 403)


def test_employers_move_only_their_own_applicants(api, world):
    mine, theirs = world.ids["application"], world.ids["their_application"]
    moved = api("owner").post(
        f"/applications/{mine}/stage", json={"stage": "screening", "message": "Hi"}
    )
    assert moved.status_code == 200 and moved.get_json()["stage"] == "screening"
    is_problem(api("owner").post(f"/applications/{theirs}/stage", json={"stage": "screening"}), 404)
    is_problem(api("seeker").post(f"/applications/{mine}/stage", json={"stage": "hired"}), 403)
    bulk = api("owner").post(
        f"/jobs/{world.ids['java']}/applications/move",
        json={"application_ids": [mine, theirs], "stage": "interview"},
    )
    assert bulk.get_json() == {"moved": 1}
    assert db.session.get(Application, theirs).stage == Stage.NEW
    ranked = api("owner").get(f"/jobs/{world.ids['java']}/applications").get_json()["items"]
    assert ranked[0]["id"] == mine and ranked[0]["match_score"] is not None
    is_problem(api("owner").get(f"/jobs/{world.ids['rival_job']}/applications"), 404)


def test_apply_is_idempotent_and_withdraw_works(api, world):
    job = world.ids["java"]
    first = api("other_seeker").post(f"/jobs/{job}/applications")
    assert first.status_code == 201
    again = api("other_seeker").post(f"/jobs/{job}/applications", json={})
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    withdrawn = api("other_seeker").post(f"/applications/{first.get_json()['id']}/withdraw")
    assert withdrawn.get_json()["stage"] == "withdrawn"
    is_problem(api("other_seeker").post(f"/applications/{first.get_json()['id']}/withdraw"), 409)
    is_problem(api("seeker").post(f"/jobs/{world.ids['hidden_job']}/applications"), 404)
    answers = is_problem(api("seeker").post(f"/jobs/{world.ids['rival_job']}/applications"), 422)
    assert answers["detail"]


def test_resume_put_then_get_and_contact_masking(api, world):
    put = api("seeker").put(
        "/resume", json={"headline": "后端开发", "skills": ["Go"], "contact_phone": "13800001111"}
    )
    assert put.status_code == 200 and put.get_json()["skills"] == ["Go"]
    assert api("seeker").get("/resume").get_json()["headline"] == "后端开发"
    resume_id = put.get_json()["id"]
    # The rival employer sees the public résumé, but the contacts stay masked until they apply.
    seen = api("rival_owner").get(f"/resumes/{resume_id}").get_json()
    assert seen["contact_phone"] == "138****1111"
    assert api("owner").get(f"/resumes/{resume_id}").get_json()["contact_phone"] == "13800001111"
    is_problem(api("other_seeker").get(f"/resumes/{resume_id}"), 404)


def test_notifications_list_and_mark_read(api, world):
    items = api("seeker").get("/notifications?unread=true").get_json()["items"]
    assert len(items) == 1 and items[0]["text"]
    is_problem(api("owner").post(f"/notifications/{items[0]['id']}/read"), 404)
    assert api("seeker").post(f"/notifications/{items[0]['id']}/read").get_json()["read_at"]
    assert api("seeker").post("/notifications/read").get_json() == {"marked": 0}


# Pagination -----------------------------------------------------------------------------


def test_cursor_walks_every_job_once(api, world, worker):
    employer = db.session.get(factories.Employer, world.ids["employer"])
    for n in range(23):
        factories.job(employer, title=f"Job {n}")
    db.session.commit()
    worker(DERIVED)  # the list is a search: wait for the index
    total = len(
        db.session.scalars(
            db.select(factories.Job).where(factories.Job.status == JobStatus.PUBLISHED)
        ).all()
    )
    seen, cursor = [], None
    while True:
        page = api(None).get("/jobs?limit=5" + (f"&cursor={cursor}" if cursor else "")).get_json()
        seen += [j["id"] for j in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == total - 1  # all but the unverified employer's


def test_bad_cursor_and_limits_are_400(api):
    is_problem(api(None).get("/jobs?cursor=forged"), 400)
    body = is_problem(api(None).get("/jobs?limit=101"), 400)
    assert "limit" in body["errors"]
    is_problem(api(None).get("/jobs?limit=abc"), 400)


# Validation and errors -------------------------------------------------------------------


def test_validation_errors_name_each_field(api):
    response = api("owner").post(
        "/jobs",
        json={
            "title": "x" * 121,
            "salary_min": 2**63,
            "salary_max": "10",
            "employment_type": "slave",
            "region_code": "42\x00",
            "remote": "yes",
            "surprise": 1,
        },
    )
    errors = is_problem(response, 422)["errors"]
    assert set(errors) == {
        "title",
        "salary_min",
        "salary_max",
        "employment_type",
        "region_code",
        "remote",
        "surprise",
    }
    cross = api("owner").post(
        "/jobs",
        json={
            "title": "T",
            "salary_min": 9,
            "salary_max": 1,
            "employment_type": "full_time",
            "region_code": "420102",
        },
    )
    assert "salary_max" in is_problem(cross, 422)["errors"]


def test_malformed_bodies(api):
    owner = api("owner")
    is_problem(owner.post("/jobs", data="{nope", content_type="application/json"), 400)
    is_problem(
        owner.post("/jobs", data="title=x", content_type="application/x-www-form-urlencoded"), 415
    )
    is_problem(owner.post("/jobs", data="NaN", content_type="application/json"), 400)
    is_problem(owner.post("/jobs", data="[" * 100000, content_type="application/json"), 400)
    is_problem(owner.post("/jobs", json=[1, 2]), 422)
    is_problem(owner.post("/jobs", data="x" * (300 * 1024), content_type="application/json"), 413)
    is_problem(owner.put("/jobs"), 405)
    assert "POST" in owner.put("/jobs").headers["Allow"]
    assert "region" in is_problem(owner.get("/jobs?region="), 400)["errors"]
    is_problem(owner.get("/nowhere"), 404)


def test_rate_limit_answers_429(app, world):
    from app import create_app

    config = {**app.config, "RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "3 per minute"}
    limited = create_app(config).test_client()
    statuses = [limited.get("/api/v1/stages").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[-1] == 429
    assert limited.get("/api/v1/stages").mimetype == PROBLEM


def test_made_up_tokens_share_their_address_allowance(app, world):
    """Only a valid token has an allowance of its own; any other counts against the address."""
    from app import create_app

    config = {**app.config, "RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "3 per minute"}
    limited = create_app(config).test_client()
    statuses = [
        limited.get("/api/v1/stages", headers={"Authorization": f"Bearer made-up-{n}"}).status_code
        for n in range(5)
    ]
    assert statuses[-1] == 429
    assert limited.get("/api/v1/stages").status_code == 429
    valid = {"Authorization": f"Bearer {world.tokens['seeker']}"}
    assert limited.get("/api/v1/stages", headers=valid).status_code == 200


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_openapi_documents_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (path, method.upper())
        for path, operations in spec["paths"].items()
        for method in operations
        if method != "parameters"
    }
    for rule in app.url_map.iter_rules():
        # The event stream is described in docs/chat.md, not as a JSON resource (issue #15).
        if rule.rule.startswith("/api/v1/") and rule.endpoint not in (
            "api-docs.openapi_json",
            "chat.stream",
        ):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (openapi_path(rule.rule[len("/api/v1") :]), method) in documented, rule
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "Problem" in spec["components"]["schemas"]


def test_ids_beyond_an_integer_column_are_404_for_every_method(api, world):
    too_big = 2**31
    is_problem(api("owner").patch(f"/jobs/{too_big}", json={"headcount": 2}), 404)
    is_problem(api("owner").post(f"/jobs/{too_big}/pause"), 404)
    is_problem(api("owner").get(f"/jobs/{too_big}/applications"), 404)
    is_problem(api("seeker").post(f"/applications/{too_big}/withdraw"), 404)
    is_problem(api("seeker").delete(f"/tokens/{too_big}"), 404)
    is_problem(api(None).get("/employers/0"), 404)


def test_errors_name_fields_by_path_and_bad_cursors_by_parameter(api):
    errors = is_problem(
        api("seeker").put("/resume", json={"headline": "h", "education": [{"school": " "}]}),
        422,
    )["errors"]
    assert errors == {"education[0].school": ["This field is required."]}
    bad = is_problem(api("owner").get("/jobs?mine=true&cursor=forged"), 400)
    assert list(bad["errors"]) == ["cursor"]
    anonymous = is_problem(api(None).get("/jobs?mine=true"), 401)
    assert anonymous["detail"]


def test_pages_keep_their_html_error_pages(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    is_problem(client.get("/api/v1/no-such-resource"), 404)


def test_ranking_applicants_reads_without_storing_scores(api, world):
    """The ranked list is computed for the reader; the score stored at apply time stays."""
    applied = api("seeker").post(f"/jobs/{world.ids['java']}/applications").get_json()
    db.session.get(Application, applied["id"]).match_score = 0.0123
    db.session.commit()
    ranked = api("owner").get(f"/jobs/{world.ids['java']}/applications").get_json()["items"]
    shown = next(item for item in ranked if item["id"] == applied["id"])
    db.session.expire_all()
    assert db.session.get(Application, applied["id"]).match_score == 0.0123
    assert shown["match_score"] != 1.2
