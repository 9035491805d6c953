"""``yunpin bench freshness``: how soon a write is found by search and reflected in
recommendations, on a fresh instance while the demo's first backlog drains.

A fresh ``yunpin run`` is started (bench/instance.py). From the moment its first page is
served, this process writes through the service layer at a fixed rate, alternating a job
published by the demo employer and a résumé saved by a demo candidate, and measures:

- write → search: until ``/jobs/?q=<the job's title>`` on the web server lists the job;
- write → recommendations: until the candidate's stored list was recomputed after the save;
- the demo backlog: until every queued job and every mark present when the first page was
  served has been handled, and every demo candidate has a recommendation list;
- derived jobs per second: flushes (index, embeddings) and other derived jobs finished over
  the run, divided by its length.
"""

from __future__ import annotations

import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import click

from app.database import writing

from .instance import Instance, separate_workers_option, start
from .stats import echo_figures, percentile

TITLES = ["数控焊工", "仓库管理员", "软件测试工程师", "电气工程师", "收银员", "育婴师", "叉车司机"]
PROBE_EVERY = 0.05
GIVE_UP = 120.0


@click.command("freshness")
@click.option("--writes", default=200, show_default=True, type=click.IntRange(2, 100_000))
@click.option("--rate", default=10.0, show_default=True, type=click.FloatRange(0.1, 1000))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@separate_workers_option
@click.option("--keep", is_flag=True, help="Keep the instance folder (its run.log) afterwards.")
@click.option("--json", "as_json", is_flag=True)
def freshness_command(
    writes: int, rate: float, workers: int, separate_workers: int, keep: bool, as_json: bool
) -> None:
    """Write→search and write→recommendations latency on a fresh `yunpin run`."""
    folder = Path(tempfile.mkdtemp(prefix="yunpin-freshness-"))
    instance = start(folder, "--workers", str(workers), separate_workers=separate_workers)
    try:
        figures = measure(instance, writes, rate)
    finally:
        instance.stop()
        if not keep:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
    echo_figures(figures, as_json)


def measure(instance: Instance, writes: int, rate: float) -> dict:
    app = instance.app()
    with app.app_context():
        backlog = Backlog(app)
        finished_before = backlog.finished()
        started = time.monotonic()
        search_ms, recommendation_ms = [], []
        probes = []
        writer = Writer(app)
        for n in range(writes):
            due = started + n / rate
            time.sleep(max(0.0, due - time.monotonic()))
            if n % 2 == 0:
                job_id, title, at = writer.job(n)
                probe = threading.Thread(
                    target=_search_probe, args=(instance.url, job_id, title, at, search_ms)
                )
            else:
                user_id, at, wall = writer.resume(n)
                probe = threading.Thread(
                    target=_recommendation_probe, args=(app, user_id, at, wall, recommendation_ms)
                )
            probe.start()
            probes.append(probe)
            backlog.check()
        for probe in probes:
            probe.join(GIVE_UP)
        while not backlog.check() and time.monotonic() - started < GIVE_UP:
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        missing_search = (writes + 1) // 2 - len(search_ms)
        missing_recommendations = writes // 2 - len(recommendation_ms)
        return {
            "writes": writes,
            "rate": rate,
            "write_to_search_p50_ms": _p(search_ms, 50),
            "write_to_search_p95_ms": _p(search_ms, 95),
            "write_to_recommendations_p95_ms": _p(recommendation_ms, 95),
            "derived_jobs_per_s": round((backlog.finished() - finished_before) / elapsed, 1),
            "backlog_drain_s": (
                round(backlog.drained_at - instance.first_page_at, 2)
                if backlog.drained_at
                else None
            ),
            "write_to_search_max_ms": round(max(search_ms), 1) if search_ms else None,
            "not_found_in_time": missing_search + missing_recommendations,
        }


def _p(values: list[float], p: float) -> float | None:
    return round(percentile(values, p), 1) if values else None


class Writer:
    """Writes through the service layer, as the pages and the API do."""

    def __init__(self, app) -> None:
        from sqlalchemy import select

        from app.extensions import db
        from app.models import EmployerMember, Resume, User

        self.db = db
        owner = db.session.scalar(select(User).where(User.email == "employer@yunpin.demo"))
        self.owner = owner
        self.employer_id = db.session.scalar(
            select(EmployerMember.employer_id).where(EmployerMember.user_id == owner.id)
        )
        self.candidates = list(
            db.session.scalars(select(Resume.user_id).where(Resume.is_default.is_(True)))
        )

    def job(self, n: int) -> tuple[int, str, float]:
        self.db.session.rollback()  # end any reading transaction first
        with writing():  # as a POST does: the transaction takes the write lock first
            return self._job(n)

    def resume(self, n: int) -> tuple[int, float, object]:
        self.db.session.rollback()
        with writing():
            return self._resume(n)

    def _job(self, n: int) -> tuple[int, str, float]:
        from app.jobs import service
        from app.models import Employer, EmploymentType, Job, JobStatus

        employer = self.db.session.get(Employer, self.employer_id)
        title = f"{TITLES[n % len(TITLES)]} YP{n:05d}{int(time.time()) % 100000:05d}"
        job = Job(employer_id=employer.id, status=JobStatus.PUBLISHED)
        service.fill(
            job,
            {
                "title": title,
                "description": "基准测试岗位：负责日常工作，按劳取酬。",
                "skills": ["沟通"],
                "salary_min": 5000,
                "salary_max": 8000,
                "salary_period": "month",
                "employment_type": EmploymentType.FULL_TIME.value,
                "headcount": 1,
                "region_code": employer.region_code,
            },
        )
        service.save(job, self.owner, confirmed_duplicate=True)
        self.db.session.commit()
        return job.id, title, time.monotonic()

    def _resume(self, n: int) -> tuple[int, float, object]:
        from app.models import User, utcnow
        from app.resumes import service

        user = self.db.session.get(User, self.candidates[n % len(self.candidates)])
        resume = service.default_resume(user)
        service.save(user, resume, {"summary": f"{resume.summary or ''} 更新{n}"[-500:]})
        wall = utcnow()
        self.db.session.commit()
        return user.id, time.monotonic(), wall


def _search_probe(base: str, job_id: int, title: str, at: float, out: list[float]) -> None:
    url = f"{base}/jobs/?" + urllib.parse.urlencode({"q": title})
    marker = f"/jobs/{job_id}".encode()
    while time.monotonic() - at < GIVE_UP:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                page = response.read()
            if marker + b'"' in page:
                out.append((time.monotonic() - at) * 1000)
                return
        except OSError:
            pass
        time.sleep(PROBE_EVERY)


def _recommendation_probe(app, user_id: int, at: float, wall, out: list[float]) -> None:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import RecommendationList

    with app.app_context():
        while time.monotonic() - at < GIVE_UP:
            computed = db.session.scalar(
                select(RecommendationList.computed_at).where(RecommendationList.user_id == user_id)
            )
            db.session.rollback()
            if computed is not None and _naive(computed) >= _naive(wall):
                out.append((time.monotonic() - at) * 1000)
                return
            time.sleep(PROBE_EVERY)


def _naive(moment):
    return moment.replace(tzinfo=None)


class Backlog:
    """The background work present when the first page was served: queued jobs and marks."""

    def __init__(self, app) -> None:
        from rq import Queue

        from app.queue import DERIVED, INDEX, MAIN, queue_name
        from app.redis_store import get_redis

        self.app = app
        self.redis = get_redis(app)
        self.queues = [
            Queue(queue_name(app, kind), connection=self.redis) for kind in (INDEX, MAIN, DERIVED)
        ]
        self.jobs = {
            job_id
            for queue in self.queues
            for job_id in (*queue.job_ids, *queue.started_job_registry.get_job_ids())
        }
        prefix = f"{app.config['RQ_QUEUE']}:marks:"
        self.marks = {
            key: dict(self.redis.hgetall(key)) for key in (prefix + "search", prefix + "embeddings")
        }
        self.lists_wanted = self._lists_wanted()
        self.drained_at: float | None = None

    def _lists_wanted(self) -> set[int]:
        """Candidates whose recommendation list the backlog computes (one per default résumé
        without a list yet): the embeddings flush leaves them to jobs of their own, queued
        after this snapshot, so they are followed here by their result."""
        from sqlalchemy import select

        from app.extensions import db
        from app.models import RecommendationList, Resume

        owners = select(Resume.user_id).where(Resume.is_default.is_(True))
        listed = select(RecommendationList.user_id)
        wanted = set(db.session.scalars(owners.where(Resume.user_id.not_in(listed))))
        db.session.rollback()
        return wanted

    def check(self) -> bool:
        """Whether it has drained (noting when it first did)."""
        if self.drained_at is not None:
            return True
        from rq.job import Job, JobStatus

        ids = sorted(self.jobs)
        for job_id, job in zip(ids, Job.fetch_many(ids, connection=self.redis), strict=True):
            if job is None or job.get_status() in (JobStatus.FINISHED, JobStatus.FAILED):
                self.jobs.discard(job_id)
        for key, members in self.marks.items():
            for member, version in list(members.items()):
                if self.redis.hget(key, member) != version:
                    del members[member]
        if self.lists_wanted and not self.jobs and not any(self.marks.values()):
            from sqlalchemy import select

            from app.extensions import db
            from app.models import RecommendationList

            listed = select(RecommendationList.user_id).where(
                RecommendationList.user_id.in_(self.lists_wanted)
            )
            self.lists_wanted -= set(db.session.scalars(listed))
            db.session.rollback()
        if not self.jobs and not any(self.marks.values()) and not self.lists_wanted:
            self.drained_at = time.monotonic()
            return True
        return False

    def finished(self) -> int:
        return sum(q.finished_job_registry.count for q in self.queues)
