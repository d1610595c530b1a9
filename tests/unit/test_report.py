"""The written incident report: prefill from the timeline, completeness, submit/approve/return."""
from __future__ import annotations

import os
import time as systime
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from frontdesk.domain.incidents.catalogue import load_kinds
from frontdesk.domain.incidents.model import (
    ChecklistStatus,
    EntryKind,
    Incident,
    Level,
    State,
    TimelineEntry,
    close_blockers,
    correction,
)
from frontdesk.domain.incidents.report import (
    REQUIRED_FIELDS,
    AccountLine,
    Report,
    ReportError,
    ReportState,
    advisories,
    approve,
    draft_from_timeline,
    missing_fields,
    return_report,
    revise,
    submit,
)

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "incident_kinds.json"
T0 = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)  # 20:00 on 2026-01-31 in Shanghai
INCIDENT = Incident("inc1", "flooding", Level.SERIOUS, State.RESOLVED, T0, "3栋B1车库")


@pytest.fixture(autouse=True)
def pc_in_utc() -> Iterator[None]:
    """The PC's zone is UTC: the account must still show Shanghai times."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    systime.tzset()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        systime.tzset()


def entry(eid: str, minutes: int, text: str, incident: str = "inc1",
          **data: object) -> TimelineEntry:
    at = T0 + timedelta(minutes=minutes)
    return TimelineEntry(eid, incident, at, at, "王保安", text, EntryKind.NOTE, data=data)


def complete(**changes: object) -> Report:
    base = Report("inc1", T0, "3栋B1车库", (AccountLine("20:00 发现积水"),), ("photos/inc1/1.jpg",),
                  "水管爆裂,已止水", "加强巡查", "李主管")
    return revise(base, **changes) if changes else base


def test_draft_prefills_from_the_effective_timeline() -> None:
    first = entry("e1", 2, "B1车库积水约5厘米")
    fixed = correction(first, "e2", "B1车库积水约10厘米", T0 + timedelta(minutes=30), "李主管")
    entries = [
        first, fixed,
        entry("e3", 10, "疑似消防水管爆裂", unconfirmed=True),
        entry("e4", 5, "   "),
        entry("x1", 3, "别的事件", incident="inc2"),
        entry("e5", 4 * 60 + 30, "保洁清除积水完毕"),  # 00:30 on 02-01, site time
    ]
    draft = draft_from_timeline(INCIDENT, entries, "Asia/Shanghai", signer="李主管")
    assert draft.state is ReportState.DRAFT
    assert draft.occurred_at == T0 and draft.place == "3栋B1车库" and draft.signer == "李主管"
    assert draft.account == (
        AccountLine("20:02 B1车库积水约10厘米"),
        AccountLine("20:10 疑似消防水管爆裂", unconfirmed=True),
        AccountLine("02-01 00:30 保洁清除积水完毕"),
    )
    assert missing_fields(draft) == ["conclusion"]


def test_missing_fields_in_form_order() -> None:
    empty = Report("inc1", None)
    assert missing_fields(empty) == list(REQUIRED_FIELDS)
    assert missing_fields(complete()) == []
    assert missing_fields(complete(account=(AccountLine("  "),), place=" ")) == ["place", "account"]
    assert missing_fields(complete(suggestions="", photo_refs=())) == []
    assert advisories(complete(photo_refs=())) == ["photo_refs"]
    assert advisories(complete()) == []


def test_lists_become_tuples() -> None:
    report = Report("inc1", T0, account=[AccountLine("a")], photo_refs=["p"])  # type: ignore[arg-type]
    assert report.account == (AccountLine("a"),) and report.photo_refs == ("p",)


def test_submit_approve_and_return() -> None:
    with pytest.raises(ReportError, match="missing: conclusion"):
        submit(complete(conclusion=""), T0)
    at = T0 + timedelta(hours=15)
    sent = submit(complete(), at)
    assert sent.state is ReportState.SUBMITTED and sent.submitted_at == at
    with pytest.raises(ReportError, match="cannot be edited"):
        revise(sent, conclusion="x")
    with pytest.raises(ReportError, match="must not be the signer"):
        approve(sent, "李主管", at)
    with pytest.raises(ReportError, match="needs a reason"):
        return_report(sent, "张经理", at, " ")
    back = return_report(sent, "张经理", at + timedelta(hours=1), "补充损失照片")
    assert back.state is ReportState.RETURNED and back.submitted_at is None
    assert back.returned_reason == "补充损失照片"
    more_photos = revise(back, photo_refs=("photos/inc1/1.jpg", "photos/inc1/2.jpg"))
    again = submit(more_photos, at + timedelta(hours=2))
    done = approve(again, "张经理", at + timedelta(hours=3))
    assert done.state is ReportState.APPROVED and done.approved_by == "张经理"
    with pytest.raises(ReportError, match="only a submitted report"):
        approve(done, "王总", at)
    with pytest.raises(ReportError, match="cannot be submitted"):
        submit(done, at)
    with pytest.raises(ReportError, match="use submit"):
        revise(complete(), state=ReportState.APPROVED)


def test_report_state_drives_the_close_gate() -> None:
    """003 流程 9 (提交事件报告、上级审批): where the kind asks for approval, a submitted report
    still blocks closing until a superior approves it; a returned one blocks as unsubmitted."""
    kinds = load_kinds(SHIPPED).kinds
    kind = kinds["phone_surge"]
    assert kind.report_approval
    marks = [ChecklistStatus(i.id, "done") for i in kind.checklist]  # type: ignore[arg-type]
    sent = submit(complete(), T0)
    for report, expected in [(complete(), ["report_not_submitted"]),
                             (sent, ["report_not_approved"]),
                             (approve(sent, "张经理", T0), []),
                             (return_report(sent, "张经理", T0, "重写"), ["report_not_submitted"])]:
        codes = [b.code for b in close_blockers(kind, marks, report.state, True, False)]
        assert codes == expected
    vip = kinds["vip_visit"]  # 000: a written report to operations, no approval step
    vip_marks = [ChecklistStatus(i.id, "done") for i in vip.checklist]  # type: ignore[arg-type]
    assert close_blockers(vip, vip_marks, sent.state, True, False) == []
