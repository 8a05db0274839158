"""The 揭榜挂帅 state machines: which action moves a 榜单 or a 揭榜 application from which states to which.

Pure (no database). Services turn each transition into ONE conditional UPDATE
(`… WHERE status IN (:sources)`) and, when the row count is 0, ask `illegal()` for the 409 to raise.

`published` ends at the deadline by itself: a published demand whose deadline has passed is *effectively*
`closed` (see `effective_status`); queries compute that in SQL and the next write to the demand stores it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from app.core.errors import Conflict
from app.demands.models import ApplicationStatus, DemandStatus


class DemandAction(StrEnum):
    edit = "edit"  # 修改（草稿或被驳回后）
    submit = "submit"  # 提交审核（含被驳回后重新提交）
    approve = "approve"  # 审核通过 → 发布
    reject = "reject"  # 审核驳回
    close = "close"  # 截止（到期自动）
    withdraw = "withdraw"  # 撤回
    award = "award"  # 揭榜成功：已签约/攻关中
    complete = "complete"  # 验收完成


_S = DemandStatus

DEMAND_TRANSITIONS: dict[DemandAction, tuple[frozenset[DemandStatus], DemandStatus]] = {
    # Editing keeps the status: a rejected demand stays rejected (with its reason) until it is resubmitted.
    DemandAction.edit: (frozenset({_S.draft, _S.rejected}), _S.draft),
    DemandAction.submit: (frozenset({_S.draft, _S.rejected}), _S.pending_review),
    DemandAction.approve: (frozenset({_S.pending_review}), _S.published),
    DemandAction.reject: (frozenset({_S.pending_review}), _S.rejected),
    DemandAction.close: (frozenset({_S.published}), _S.closed),
    DemandAction.withdraw: (
        frozenset({_S.draft, _S.pending_review, _S.rejected, _S.published, _S.closed}),
        _S.withdrawn,
    ),
    DemandAction.award: (frozenset({_S.published, _S.closed}), _S.awarded),
    DemandAction.complete: (frozenset({_S.awarded}), _S.completed),
}

DEMAND_LABELS: dict[DemandStatus, str] = {
    _S.draft: "草稿",
    _S.pending_review: "待审核",
    _S.rejected: "已驳回",
    _S.published: "揭榜中",
    _S.closed: "已截止",
    _S.awarded: "已签约/攻关中",
    _S.completed: "已验收",
    _S.withdrawn: "已撤回",
}


class ApplicationAction(StrEnum):
    approve = "approve"  # 内容审核通过（被转人工审核的揭榜）
    reject = "reject"  # 内容审核不通过
    shortlist = "shortlist"  # 入围
    select = "select"  # 揭榜成功
    decline = "decline"  # 未入选
    withdraw = "withdraw"  # 撤回


_A = ApplicationStatus

APPLICATION_TRANSITIONS: dict[ApplicationAction, tuple[frozenset[ApplicationStatus], ApplicationStatus]] = {
    ApplicationAction.approve: (frozenset({_A.pending_review}), _A.submitted),
    ApplicationAction.reject: (frozenset({_A.pending_review}), _A.rejected),
    ApplicationAction.shortlist: (frozenset({_A.submitted}), _A.shortlisted),
    ApplicationAction.select: (frozenset({_A.submitted, _A.shortlisted}), _A.selected),
    ApplicationAction.decline: (frozenset({_A.pending_review, _A.submitted, _A.shortlisted}), _A.not_selected),
    ApplicationAction.withdraw: (frozenset({_A.pending_review, _A.submitted, _A.shortlisted}), _A.withdrawn),
}

# An organisation has at most one of these per demand (a partial unique index enforces it).
LIVE_APPLICATION_STATUSES: frozenset[ApplicationStatus] = frozenset(
    {_A.pending_review, _A.submitted, _A.shortlisted, _A.selected}
)
# What the poster sees: applications that passed the content check.
POSTER_VISIBLE_APPLICATION_STATUSES: frozenset[ApplicationStatus] = frozenset(
    {_A.submitted, _A.shortlisted, _A.selected, _A.not_selected, _A.withdrawn}
)

APPLICATION_LABELS: dict[ApplicationStatus, str] = {
    _A.pending_review: "审核中",
    _A.rejected: "未通过审核",
    _A.submitted: "已提交",
    _A.shortlisted: "已入围",
    _A.selected: "揭榜成功",
    _A.not_selected: "未入选",
    _A.withdrawn: "已撤回",
}


class IllegalTransition(Conflict):
    code = "illegal_transition"
    message = "当前状态下不能进行此操作"


def sources(action: DemandAction) -> frozenset[DemandStatus]:
    return DEMAND_TRANSITIONS[action][0]


def target(action: DemandAction) -> DemandStatus:
    return DEMAND_TRANSITIONS[action][1]


def app_sources(action: ApplicationAction) -> frozenset[ApplicationStatus]:
    return APPLICATION_TRANSITIONS[action][0]


def app_target(action: ApplicationAction) -> ApplicationStatus:
    return APPLICATION_TRANSITIONS[action][1]


def effective_status(status: str, deadline: datetime | None, now: datetime) -> DemandStatus:
    """The status a reader sees: a published demand whose deadline has passed is closed."""
    st = DemandStatus(status)
    if st is DemandStatus.published and deadline is not None and deadline <= now:
        return DemandStatus.closed
    return st


def accepts_applications(status: str, deadline: datetime | None, now: datetime) -> bool:
    return effective_status(status, deadline, now) is DemandStatus.published


def can(action: DemandAction, status: str, deadline: datetime | None = None, now: datetime | None = None) -> bool:
    st = DemandStatus(status)
    if now is not None:
        st = effective_status(st, deadline, now)
    if action is DemandAction.close:
        return DemandStatus(status) is DemandStatus.published and st is DemandStatus.closed
    return st in sources(action)


def next_status(
    action: DemandAction, status: str, deadline: datetime | None = None, now: datetime | None = None
) -> DemandStatus:
    """The status after `action`, or IllegalTransition (409, code `demand_<action>_not_allowed`)."""
    if not can(action, status, deadline, now):
        raise illegal(action, status, deadline, now)
    if action is DemandAction.edit:
        return DemandStatus(status)
    return target(action)


def illegal(
    action: DemandAction, status: str, deadline: datetime | None = None, now: datetime | None = None
) -> IllegalTransition:
    st = effective_status(status, deadline, now) if now is not None else DemandStatus(status)
    return IllegalTransition(
        f"榜单当前为“{DEMAND_LABELS[st]}”，不能{_DEMAND_VERBS[action]}",
        code=f"demand_{action.value}_not_allowed",
        detail={"status": st.value, "action": action.value},
    )


def app_can(action: ApplicationAction, status: str) -> bool:
    return ApplicationStatus(status) in app_sources(action)


def app_next_status(action: ApplicationAction, status: str) -> ApplicationStatus:
    if not app_can(action, status):
        raise app_illegal(action, status)
    return app_target(action)


def app_illegal(action: ApplicationAction, status: str) -> IllegalTransition:
    st = ApplicationStatus(status)
    return IllegalTransition(
        f"揭榜申请当前为“{APPLICATION_LABELS[st]}”，不能{_APP_VERBS[action]}",
        code=f"application_{action.value}_not_allowed",
        detail={"status": st.value, "action": action.value},
    )


_DEMAND_VERBS: dict[DemandAction, str] = {
    DemandAction.edit: "修改",
    DemandAction.submit: "提交审核",
    DemandAction.approve: "审核通过",
    DemandAction.reject: "驳回",
    DemandAction.close: "截止",
    DemandAction.withdraw: "撤回",
    DemandAction.award: "确定揭榜方",
    DemandAction.complete: "验收",
}

_APP_VERBS: dict[ApplicationAction, str] = {
    ApplicationAction.approve: "审核通过",
    ApplicationAction.reject: "驳回",
    ApplicationAction.shortlist: "入围",
    ApplicationAction.select: "选定",
    ApplicationAction.decline: "设为未入选",
    ApplicationAction.withdraw: "撤回",
}
