"""Every action the app audits, and every key of its data, has a label on the audit-log page.

The codes are collected from the source: each ``audit.record(...)`` call (and the demo's
``AuditEntry(action=...)``) names its action as a string, a conditional of two strings, or
an f-string; an f-string is expanded from the table or enum it is filled from (EXPANDED
below). A new f-string fails the test until it is listed there."""

from __future__ import annotations

import ast
from pathlib import Path

from app.cooperation.service import ACTIONS as COOPERATION_ACTIONS
from app.employers.fast_track import RULE_FIELDS
from app.jobs.service import TRANSITIONS
from app.labels import AUDIT_ACTIONS, AUDIT_DATA_KEYS
from app.models import IdentityState, ReportStatus, ReviewDecision
from app.subsidies.service import REVIEW_MOVES

APP = Path(__file__).resolve().parents[3] / "app"

EXPANDED = {
    # f-string as written: the values its placeholder takes
    'f"job.{action}"': {f"job.{action}" for action in TRANSITIONS},
    'f"subsidy.{action}"': {f"subsidy.{action}" for action in REVIEW_MOVES},
    'f"cooperation.{action}"': {f"cooperation.{action}" for action in COOPERATION_ACTIONS},
    'f"employer.review_{decision.value}"': {f"employer.review_{d.value}" for d in ReviewDecision},
    'f"employer.review_{ReviewDecision.APPROVED.value}"': {"employer.review_approved"},
    # decide() moves a checked check to approved or rejected
    'f"identity.{check.state.value}"': {
        f"identity.{s.value}" for s in (IdentityState.APPROVED, IdentityState.REJECTED)
    },
    # an official decides an open report: upheld or dismissed
    'f"job.report_{item.status.value}"': {
        f"job.report_{s.value}" for s in ReportStatus if s != ReportStatus.OPEN
    },
}

SPREAD = {
    # **keywords as written: the keys they hold
    "audited": {"via"},  # app.accounts.service.create_user's callers
    "{name: values[name] for name in RULE_FIELDS}": set(RULE_FIELDS),
}


def codes(node: ast.expr, where: str) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return codes(node.body, where) | codes(node.orelse, where)
    source = ast.unparse(node).replace("'", '"')
    assert source in EXPANDED, f"{where}: expand {source} in EXPANDED"
    return EXPANDED[source]


def recorded() -> tuple[dict[str, str], dict[str, str]]:
    """Action codes and data keys the source records, each with where it is recorded."""
    actions, keys = {}, {}
    for path in sorted(APP.rglob("*.py")):
        if path == APP / "audit.py":  # where record() is defined: it stores what it is given
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            where = f"{path.relative_to(APP.parent)}:{node.lineno}"
            name = ast.unparse(node.func)
            if name == "audit.record":
                for code in codes(node.args[0], where):
                    actions.setdefault(code, where)
                for keyword in node.keywords:
                    if keyword.arg is None:
                        spread = ast.unparse(keyword.value).replace("'", '"')
                        assert spread in SPREAD, f"{where}: list the keys of **{spread} in SPREAD"
                        keys.update(dict.fromkeys(SPREAD[spread], where))
                    elif keyword.arg != "actor":
                        keys.setdefault(keyword.arg, where)
            elif name == "AuditEntry":
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        for code in codes(keyword.value, where):
                            actions.setdefault(code, where)
    return actions, keys


def test_every_recorded_action_and_data_key_has_a_label():
    actions, keys = recorded()
    assert len(actions) > 60  # the walk found the calls
    missing = {code: where for code, where in actions.items() if code not in AUDIT_ACTIONS}
    assert not missing, f"add these to app.labels.AUDIT_ACTIONS: {missing}"
    unused = set(AUDIT_ACTIONS) - set(actions)
    assert not unused, f"labels for actions nothing records: {unused}"
    missing = {key: where for key, where in keys.items() if key not in AUDIT_DATA_KEYS}
    assert not missing, f"add these to app.labels.AUDIT_DATA_KEYS: {missing}"


def test_the_walk_expands_f_strings_and_conditionals():
    actions, keys = recorded()
    assert {"job.pause", "employer.review_returned", "identity.rejected"} <= set(actions)
    assert {"job.report_upheld", "subsidy.pay", "employer.create", "employer.update"} <= set(
        actions
    )
    assert "identity.checked" in actions and "identity.started" not in actions
    assert {"via", "revoke_when_overdue", "from_user"} <= set(keys)
