"""The employer's pipeline and skills, read in Chinese and in English: a skills reason names as
many skills as it counts (two tags of the job may be one skill in English), a skill the
employer typed in English is said as typed, and the Skills filter takes a skill as the page
shows it in either language."""

from __future__ import annotations

import html
import re

from app.extensions import db
from app.models import Role
from tests import factories
from tests.web import as_user

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh"}


def hiring(skills: list[str], *applicants: list[str]):
    """An employer's job listing SKILLS and one applicant per list of résumé skills."""
    owner = factories.user(Role.EMPLOYER)
    job = factories.job(factories.employer(owner), title="质检员", skills=skills)
    applications = []
    for held in applicants:
        candidate = factories.user(Role.SEEKER)
        resume = factories.resume(candidate, headline="求职者", skills=held)
        applications.append(factories.application(candidate, job, resume_id=resume.id))
    db.session.commit()
    return owner, job, applications


def page(client, url: str, headers: dict) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def skill_reasons(text: str) -> list[tuple[int, int, list[str]]]:
    """Each skills reason on a page as (k, n, names): "all N" is (N, N, names)."""
    found = [
        (int(n), int(n), names.split(", "))
        for n, names in re.findall(r"Has all (\d+) required skills: ([^<]+)", text)
    ]
    found += [
        (int(k), int(n), names.split(", "))
        for k, n, names in re.findall(r"Has (\d+) of (\d+) required skills: ([^<]+)", text)
    ]
    found += [
        (int(n), int(n), names.split("、"))
        for n, names in re.findall(r"具备岗位要求的全部(\d+)项技能：([^<]+)", text)
    ]
    found += [
        (int(k), int(n), names.split("、"))
        for n, k, names in re.findall(r"具备岗位要求的(\d+)项技能中的(\d+)项：([^<]+)", text)
    ]
    return found


def test_the_count_is_the_skills_named_in_both_languages(client):
    owner, job, (full, partial) = hiring(
        ["PLC", "电工证", "低压电工", "设备维修"], ["PLC", "电工", "设备维修"], ["电工", "设备维修"]
    )
    as_user(client, owner)
    for headers in (EN, ZH):
        text = page(client, f"/applications/jobs/{job.id}", headers)
        said = skill_reasons(text)
        assert len(said) == 2, said
        assert all(k == len(names) for k, _n, names in said), said
    en = page(client, f"/applications/review/{full.id}", EN)
    assert "Has all 3 required skills: PLC, Electrician, Equipment maintenance" in en
    zh = page(client, f"/applications/review/{full.id}", ZH)
    assert "具备岗位要求的全部4项技能：PLC、电工证、低压电工、设备维修" in zh
    en = page(client, f"/applications/review/{partial.id}", EN)
    assert "Has 2 of 3 required skills: Electrician, Equipment maintenance" in en
    assert "Missing skill: PLC" in en
    zh = page(client, f"/applications/review/{partial.id}", ZH)
    assert "具备岗位要求的4项技能中的3项：电工证、低压电工、设备维修" in zh
    assert "缺少技能：PLC" in zh


def test_a_skill_typed_in_english_is_said_as_typed(client):
    owner, job, (application,) = hiring(["Forklift", "Warehouse"], ["叉车", "仓库管理"])
    as_user(client, owner)
    for url in (
        f"/applications/jobs/{job.id}",
        f"/applications/review/{application.id}",
        f"/jobs/{job.id}",
    ):
        text = page(client, url, EN)
        assert "Forklift operation" not in text and "Warehousing" not in text, url
    assert "Has all 2 required skills: Forklift, Warehouse" in page(
        client, f"/applications/review/{application.id}", EN
    )


def test_the_skills_filter_takes_a_skill_in_either_language(client):
    owner, job, (inspector, clerk) = hiring(
        ["Excel", "测量工具", "ISO9001", "质量检验"],
        ["质量检验", "测量工具"],
        ["Excel", "JavaScript"],
    )
    as_user(client, owner)

    def found(skills: str, headers=EN) -> set[int]:
        text = page(client, f"/applications/jobs/{job.id}?skills={skills}", headers)
        return {int(i) for i in re.findall(r'name="application_id" value="(\d+)"', text)}

    for wanted in ("Quality%20control", "quality control", "质量检验", "质检", "QC"):
        assert found(wanted) == found(wanted, ZH) == {inspector.id}, wanted
    assert found("Excel") == found("office") == {clerk.id}  # an alias of the same skill
    assert found("测量") == {inspector.id}  # a skill outside the vocabulary: part of a tag
    assert found("Java") == set()  # a vocabulary skill: JavaScript is another one
    assert found("Excel, Quality control") == set()
    assert found("Quality control，测量工具") == {inspector.id}
    assert 'value="Quality control"' in page(
        client, f"/applications/jobs/{job.id}?skills=Quality%20control", EN
    )  # as typed, not lower-cased
