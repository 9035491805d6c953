"""Who may open which object page: every role against every object route of the foundation.

Invisible objects answer 404 (ids cannot be probed); a page a role may not use answers 403;
anonymous visitors of private pages are sent to log in (302).
"""

from __future__ import annotations

import pytest

from app.broadcasts import service as broadcasts
from app.chat import service as chat
from app.extensions import db
from app.models import EmployerMember, JobStatus, MemberRole, Role, Visibility, utcnow
from tests import factories
from tests.web import csrf_token, login

ROLES = [
    "anonymous",
    "candidate",
    "other_seeker",
    "owner",
    "recruiter",
    "other_employer",
    "official_in",
    "official_out",
    "admin",
]


@pytest.fixture
def world(app):
    """A small world: one employer in 江岸区 with a draft and a published job, one application."""
    users = {
        "candidate": factories.user(Role.SEEKER),
        "other_seeker": factories.user(Role.SEEKER),
        "owner": factories.user(Role.EMPLOYER),
        "recruiter": factories.user(Role.EMPLOYER),
        "other_employer": factories.user(Role.EMPLOYER),
        "official_in": factories.user(Role.OFFICIAL, region_code="420102"),
        "official_out": factories.user(Role.OFFICIAL, region_code="420103"),
        "admin": factories.user(Role.ADMIN),
    }
    employer = factories.employer(users["owner"])
    db.session.add(
        EmployerMember(employer=employer, user_id=users["recruiter"].id, role=MemberRole.RECRUITER)
    )
    factories.employer(users["other_employer"], region_code="420103002")
    published = factories.job(employer)
    draft = factories.job(employer, status=JobStatus.DRAFT, title="草稿岗位")
    hidden_resume = factories.resume(users["candidate"], visibility=Visibility.HIDDEN)
    application = factories.application(users["candidate"], published, resume_id=hidden_resume.id)
    broadcast = broadcasts.create(
        db.session,
        title="政策解读",
        starts_at=utcnow(),
        region_code="420102",
        host=users["official_in"],
    )
    conversation, _made = chat.open_for_job(users["candidate"], published)
    reported, _made = chat.open_for_job(users["other_seeker"], published)
    db.session.flush()
    chat.report(reported, users["other_seeker"], "asked for a deposit")
    db.session.commit()
    return {
        "conversation": conversation,
        "reported": reported,
        "users": users,
        "employer": employer,
        "published": published,
        "draft": draft,
        "resume": hidden_resume,
        "application": application,
        "broadcast": broadcast,
    }


ADMIN_ONLY = {role: 403 for role in ROLES} | {"anonymous": 302, "admin": 200}
SIGNED_IN = {role: 200 for role in ROLES} | {"anonymous": 302}


def routes(w) -> dict[str, tuple[str, dict[str, int]]]:
    """Route → expected status per role (roles not listed: 404)."""
    everyone_200 = dict.fromkeys(ROLES, 200)
    return {
        "published job": (f"/jobs/{w['published'].id}", everyone_200),
        # The occupation tree is published data, like the regions: the pickers read it.
        "occupation search": ("/occupations/search?q=软件", everyone_200),
        "occupation": ("/occupations/2-02-10-03", everyone_200),
        "occupation children": ("/occupations/2-02-10-00/children", everyone_200),
        "draft job": (f"/jobs/{w['draft'].id}", {"owner": 200, "recruiter": 200}),
        "employer profile": (f"/employers/{w['employer'].id}", everyone_200),
        "application status": (
            f"/applications/{w['application'].id}",
            {"anonymous": 302, "candidate": 200},
        ),
        "hidden résumé, applied": (
            f"/resumes/{w['resume'].id}",
            {
                "anonymous": 302,
                "candidate": 200,
                "owner": 200,
                "recruiter": 200,
                "admin": 200,
                "official_in": 403,
                "official_out": 403,
            },
        ),
        "edit company": (
            "/employers/mine/edit",
            {
                "anonymous": 302,
                "owner": 200,
                "recruiter": 403,
                "other_employer": 200,
                "candidate": 403,
                "other_seeker": 403,
                "official_in": 403,
                "official_out": 403,
                "admin": 403,
            },
        ),
        "résumé search": (
            "/resumes/search",
            {
                "anonymous": 302,
                "owner": 200,
                "recruiter": 200,
                "other_employer": 200,
                "candidate": 403,
                "other_seeker": 403,
                "official_in": 403,
                "official_out": 403,
                "admin": 403,
            },
        ),
        "official's employer page": (
            f"/officials/employers/{w['employer'].id}",
            {
                "anonymous": 302,
                "official_in": 200,
                "admin": 200,
                "candidate": 403,
                "other_seeker": 403,
                "owner": 403,
                "recruiter": 403,
                "other_employer": 403,
            },
        ),
        "administration: accounts": ("/admin/users", ADMIN_ONLY),
        "administration: new account": ("/admin/users/new", ADMIN_ONLY),
        "administration: an account": (f"/admin/users/{w['users']['candidate'].id}", ADMIN_ONLY),
        "administration: audit log": ("/admin/audit", ADMIN_ONLY),
        "administration: audit log CSV": ("/admin/audit?format=csv", ADMIN_ONLY),
        "administration: companies without an owner": ("/admin/employers/ownerless", ADMIN_ONLY),
        "privacy settings": ("/settings/privacy", SIGNED_IN),
        "password and devices": ("/settings/security", SIGNED_IN),
        "privacy notice": ("/privacy", everyone_200),
        "webhooks": (
            "/employers/mine/webhooks",
            {
                "anonymous": 302,
                "owner": 200,
                "other_employer": 200,
                "recruiter": 403,
                "candidate": 403,
                "other_seeker": 403,
                "official_in": 403,
                "official_out": 403,
                "admin": 403,
            },
        ),
        "fast-track rule": (
            "/officials/fast-track",
            {role: 403 for role in ROLES}
            | {"anonymous": 302, "official_in": 200, "official_out": 200, "admin": 200},
        ),
        "sitemap": ("/sitemap.xml", everyone_200),
        "robots.txt": ("/robots.txt", everyone_200),
        "region feed": ("/feeds/regions/420102.atom", everyone_200),
        "broadcast": (f"/broadcasts/{w['broadcast'].id}", everyone_200),
        "broadcast studio": (
            f"/broadcasts/{w['broadcast'].id}/studio",
            {"anonymous": 302, "official_in": 200, "admin": 200},
        ),
        "broadcast figures": (
            f"/broadcasts/{w['broadcast'].id}/figures.json",
            {"anonymous": 302, "official_in": 200, "admin": 200},
        ),
        "officials' broadcast figures": (
            "/officials/broadcasts",
            {role: 403 for role in ROLES}
            | {"anonymous": 302, "official_in": 200, "official_out": 200, "admin": 200},
        ),
        "one broadcast's figures (officials)": (
            f"/officials/broadcasts/{w['broadcast'].id}",
            {role: 403 for role in ROLES}
            | {"anonymous": 302, "official_in": 200, "official_out": 404, "admin": 200},
        ),
        "conversation": (
            f"/conversations/{w['conversation'].id}",
            {"anonymous": 302, "candidate": 200, "owner": 200, "recruiter": 200},
        ),
        "reported conversation": (
            f"/conversations/{w['reported'].id}",
            {
                "anonymous": 302,
                "other_seeker": 200,
                "owner": 200,
                "recruiter": 200,
                "official_in": 200,
                "admin": 200,
            },
        ),
        "conversation polling": (
            f"/conversations/{w['conversation'].id}/messages.json",
            {"anonymous": 302, "candidate": 200, "owner": 200, "recruiter": 200},
        ),
        "my conversations": (
            "/conversations",
            {
                **dict.fromkeys(ROLES, 200),
                "anonymous": 302,
                "official_in": 403,
                "official_out": 403,
                "admin": 403,
            },
        ),
        "unread badge count": (
            "/conversations/unread.json",
            {
                **dict.fromkeys(ROLES, 200),
                "anonymous": 302,
                "official_in": 403,
                "official_out": 403,
                "admin": 403,
            },
        ),
        "reported conversations": (
            "/officials/conversations",
            {
                **dict.fromkeys(ROLES, 403),
                "anonymous": 302,
                "official_in": 200,
                "official_out": 200,
                "admin": 200,
            },
        ),
        **{
            name: (
                path,
                {
                    **dict.fromkeys(ROLES, 403),
                    "anonymous": 302,
                    "candidate": 200,
                    "other_seeker": 200,
                },
            )
            for name, path in (
                ("saved searches", "/saved-searches"),
                ("favourites", "/favourites"),
                ("who viewed my résumé", "/resumes/viewers"),
            )
        },
        "official dashboard": (
            "/officials/",
            {
                "anonymous": 302,
                "official_in": 200,
                "official_out": 200,
                "admin": 200,
                "candidate": 403,
                "other_seeker": 403,
                "owner": 403,
                "recruiter": 403,
                "other_employer": 403,
            },
        ),
    }


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, world, role):
    if role != "anonymous":
        assert login(client, world["users"][role].email, factories.PASSWORD).status_code == 302
    failures = []
    for name, (url, expected) in routes(world).items():
        want = expected.get(role, 404)
        got = client.get(url).status_code
        if got != want:
            failures.append(f"{name} {url}: expected {want}, got {got}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "path",
    ["/jobs/99999999999", "/employers/2147483648", "/resumes/0", "/video/interviews/99999999999"],
)
def test_ids_that_cannot_exist_answer_404(client, path):
    """A number no integer column holds never reaches the database (PostgreSQL would refuse
    the query): 404 at once, on both databases."""
    assert client.get(path).status_code == 404


def test_administration_changes_are_for_administrators_only(client, world):
    """The POSTs of administration: every other role is refused before anything changes."""
    target = world["users"]["candidate"]
    for role in ROLES:
        if role == "admin":
            continue
        if role != "anonymous":
            login(client, world["users"][role].email, factories.PASSWORD)
        token = csrf_token(client, "/auth/login" if role == "anonymous" else "/")
        posts = {
            "/admin/users/new": {"name": "x", "email": "x@example.com", "role": "admin"},
            f"/admin/users/{target.id}": {"name": "x", "role": "admin", "active": "y"},
            f"/admin/employers/{world['employer'].id}/owner": {"email": target.email},
        }
        for url, data in posts.items():
            status = client.post(url, data={**data, "csrf_token": token}).status_code
            assert status == (302 if role == "anonymous" else 403), (role, url, status)
        client.post("/auth/logout", data={"csrf_token": token})
    db.session.refresh(target)
    assert target.role == Role.SEEKER and target.membership is None


API_RESUME_SEARCH = {
    "anonymous": 401,
    "owner": 200,
    "recruiter": 200,
    "other_employer": 200,
    "unverified_employer": 403,
    "candidate": 403,
    "other_seeker": 403,
    "official_in": 403,
    "official_out": 403,
    "admin": 403,
}


def test_api_resume_search_is_for_verified_employers_members(client, world):
    """`GET /api/v1/resumes`: members of verified employers only (candidates made their
    résumés public to them); an unverified company's members are refused, not shown less."""
    from app.accounts.service import create_api_token

    unverified = factories.user(Role.EMPLOYER)
    factories.employer(unverified, verified=False)
    users = {**world["users"], "unverified_employer": unverified}
    tokens = {role: create_api_token(user, "access") for role, user in users.items()}
    db.session.commit()
    failures = []
    for role, want in API_RESUME_SEARCH.items():
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
        got = client.get("/api/v1/resumes?q=java", headers=headers).status_code
        if got != want:
            failures.append(f"{role}: expected {want}, got {got}")
    assert not failures, "\n".join(failures)
