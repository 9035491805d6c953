"""Parsing an uploaded résumé file into draft fields, with a hard time limit.

Enqueued as ``defer("app.resumes.tasks.parse", file_id, job_timeout=PARSE_TIMEOUT)``. Every
outcome ends in a final status: parsed, or failed with an error code. A timeout is caught
here too, so the page never shows a file "pending" forever.
"""

from __future__ import annotations

import logging

from rq.timeouts import BaseTimeoutException

from app.extensions import db
from app.models import ParseStatus, ResumeFile
from app.resumes.parsing import ParseError, parse_file
from app.uploads import path_of
from app.worker import task

log = logging.getLogger(__name__)

PARSE_TIMEOUT = 30
"""Seconds a worker may spend on one file; résumés parse in well under one."""


@task
def parse(file_id: int) -> str:
    item = db.session.get(ResumeFile, file_id)
    if item is None or item.parse_status != ParseStatus.PENDING:
        return "skipped"
    path, content_type = path_of(item.stored_name), item.content_type
    db.session.commit()  # no lock held while parsing
    try:
        item.parsed_fields = parse_file(path, content_type)
        item.parse_status, item.parse_error = ParseStatus.PARSED, None
    except ParseError as error:
        item.parse_status, item.parse_error = ParseStatus.FAILED, error.code
    except BaseTimeoutException:
        item.parse_status, item.parse_error = ParseStatus.FAILED, "timeout"
    except Exception:  # a bug in a parser library must not leave the file pending forever
        log.exception("parsing résumé file %s failed", file_id)
        item.parse_status, item.parse_error = ParseStatus.FAILED, "broken"
    db.session.commit()
    return item.parse_status.value
