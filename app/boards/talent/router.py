from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.boards.talent import service
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
from app.core.db import SessionDep, read
from app.core.listing import Page
from app.core.schemas import ItemId
from app.core.views import ViewsDep

router = APIRouter(prefix="/talent", tags=["talent"])


@router.get("/services", operation_id="talent_service_list", summary="人才政策与服务列表")
async def list_services(session: SessionDep, q: Annotated[TalentServiceQuery, Query()]) -> Page[TalentServiceSummary]:
    """按城市、行业、类别（落户、人才公寓、培训、人才补贴、人才政策）筛选人才服务；可按最新、热度排序。"""
    return Page[TalentServiceSummary].model_validate(await read(session, service.list_services, q))


@router.get("/services/{service_id}", operation_id="talent_service_get", summary="人才服务详情")
async def get_service(session: SessionDep, views: ViewsDep, service_id: ItemId) -> TalentServicePublic:
    """服务内容、适用对象与联系人（电话已脱敏）。"""
    return views.seen(TalentService, await read(session, service.get_service, service_id))


@router.get("/jobs", operation_id="talent_job_list", summary="招聘岗位列表")
async def list_jobs(session: SessionDep, q: Annotated[JobQuery, Query()]) -> Page[JobSummary]:
    """在招岗位（已过截止日期的不再展示），按城市、行业、学历筛选；可按最新、截止日期、热度排序。"""
    return Page[JobSummary].model_validate(await read(session, service.list_jobs, q))


@router.get("/jobs/{job_id}", operation_id="talent_job_get", summary="招聘岗位详情")
async def get_job(session: SessionDep, views: ViewsDep, job_id: ItemId) -> JobPublic:
    """岗位职责与要求、薪资范围、截止日期与联系人（电话已脱敏）；已截止的岗位返回 404。"""
    return views.seen(Job, await read(session, service.get_job, job_id))


@router.get("/experts", operation_id="talent_expert_list", summary="专家库")
async def list_experts(session: SessionDep, q: Annotated[ExpertQuery, Query()]) -> Page[ExpertSummary]:
    """按城市、行业、研究领域关键词查找专家；可按最新、热度排序。"""
    return Page[ExpertSummary].model_validate(await read(session, service.list_experts, q))


@router.get("/experts/{expert_id}", operation_id="talent_expert_get", summary="专家详情")
async def get_expert(session: SessionDep, views: ViewsDep, expert_id: ItemId) -> ExpertPublic:
    """专家的职称、单位、研究领域、简介、主要成果与联系电话（已脱敏）。"""
    return views.seen(Expert, await read(session, service.get_expert, expert_id))


@router.get("/programmes", operation_id="talent_programme_list", summary="联合培养项目列表")
async def list_programmes(
    session: SessionDep, q: Annotated[TrainingProgrammeQuery, Query()]
) -> Page[TrainingProgrammeSummary]:
    """城市、高校与企业之间的联合培养项目，按城市、行业筛选。"""
    return Page[TrainingProgrammeSummary].model_validate(await read(session, service.list_programmes, q))


@router.get("/programmes/{programme_id}", operation_id="talent_programme_get", summary="联合培养项目详情")
async def get_programme(session: SessionDep, views: ViewsDep, programme_id: ItemId) -> TrainingProgrammePublic:
    """项目介绍、合作单位、起止日期、招收人数与联系人（电话已脱敏）。"""
    return views.seen(TrainingProgramme, await read(session, service.get_programme, programme_id))
