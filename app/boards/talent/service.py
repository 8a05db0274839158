from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from app.boards.talent.models import Expert, Job, TalentService, TrainingProgramme
from app.boards.talent.schemas import (
    ExpertPublic,
    ExpertQuery,
    ExpertSummary,
    JobPublic,
    JobQuery,
    JobSummary,
    TalentServicePublic,
    TalentServiceQuery,
    TalentServiceSummary,
    TrainingProgrammePublic,
    TrainingProgrammeQuery,
    TrainingProgrammeSummary,
)
from app.core.listing import (
    DeadlineSort,
    common_filters,
    deadline_key,
    get_public,
    json_list_mentions,
    list_public,
    order_deadline,
    sort_order,
)
from app.core.timeutil import today_cn


def list_services(session: Session, q: TalentServiceQuery) -> dict[str, Any]:
    conds = common_filters(TalentService, q)
    if q.category:
        conds.append(TalentService.category == q.category.value)
    order = sort_order(q.sort, TalentService)
    return list_public(session, TalentService, q, conds, order, TalentServiceSummary)


def get_service(session: Session, service_id: int) -> TalentServicePublic:
    return TalentServicePublic.model_validate(get_public(session, TalentService, service_id))


def open_jobs(by_deadline: bool = False) -> list[Any]:
    """A job is shown until its closing date has passed (China's calendar date); without one it stays open.

    Two forms of the same rule. `by_deadline`: a range of the deadline key, so that the "closing soonest" list reads
    the open jobs off its index in order. Otherwise a plain OR, which no index serves: SQLite, offered the range,
    walks the deadline index for it and then sorts every open job for the newest or popular list.
    """
    if by_deadline:
        return [deadline_key(Job.closing_date) >= today_cn()]
    return [sa.or_(col(Job.closing_date).is_(None), col(Job.closing_date) >= today_cn())]


def list_jobs(session: Session, q: JobQuery) -> dict[str, Any]:
    conds = [*common_filters(Job, q), *open_jobs(by_deadline=q.sort == DeadlineSort.deadline)]
    if q.education:
        conds.append(Job.education == q.education)
    order = sort_order(q.sort, Job, order_deadline(Job.closing_date, Job))
    return list_public(session, Job, q, conds, order, JobSummary)


def get_job(session: Session, job_id: int) -> JobPublic:
    return JobPublic.model_validate(get_public(session, Job, job_id, *open_jobs()))


def list_experts(session: Session, q: ExpertQuery) -> dict[str, Any]:
    conds = common_filters(Expert, q)
    if q.field:
        conds.append(json_list_mentions(Expert.fields, q.field))
    return list_public(session, Expert, q, conds, sort_order(q.sort, Expert), ExpertSummary)


def get_expert(session: Session, expert_id: int) -> ExpertPublic:
    return ExpertPublic.model_validate(get_public(session, Expert, expert_id))


def list_programmes(session: Session, q: TrainingProgrammeQuery) -> dict[str, Any]:
    conds = common_filters(TrainingProgramme, q)
    order = sort_order(q.sort, TrainingProgramme)
    return list_public(session, TrainingProgramme, q, conds, order, TrainingProgrammeSummary)


def get_programme(session: Session, programme_id: int) -> TrainingProgrammePublic:
    return TrainingProgrammePublic.model_validate(get_public(session, TrainingProgramme, programme_id))
