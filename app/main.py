"""The ASGI application: `uvicorn app.main:app`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.admin.app import create_admin_app
from app.boards.finance.router import router as finance_router
from app.boards.policy.router import router as policy_router
from app.boards.resources.router import router as resources_router
from app.boards.showcase.router import router as showcase_router
from app.boards.talent.router import router as talent_router
from app.boards.tech.router import router as tech_router
from app.bureaus.push_router import router as push_router
from app.bureaus.router import router as bureaus_router
from app.bureaus.staff_router import router as push_staff_router
from app.cities.router import router as cities_router
from app.contrib.router import router as contrib_router
from app.cooperation.router import router as cooperation_router
from app.core.cache import ResponseCacheMiddleware
from app.core.config import Settings, get_settings
from app.core.db import get_engine, schema_problem
from app.core.errors import document_dependency_errors, error_responses, install_error_handlers
from app.core.logging import configure_logging
from app.core.middleware import (
    BodyLimitMiddleware,
    RateLimitMiddleware,
    RequestIdMiddleware,
    SecurityHeadersMiddleware,
)
from app.core.ratelimit import RateLimiter
from app.core.redis import get_redis
from app.core.views import ViewCounter, flush_forever
from app.demands.router import applications_router as demand_applications_router
from app.demands.router import router as demands_router
from app.demands.router import staff_router as demands_staff_router
from app.health.router import router as health_router
from app.home.router import router as home_router
from app.managers.router import router as managers_router
from app.members.router import router as members_router
from app.moderation.service import install_quota
from app.my.router import router as my_router
from app.notifications.router import router as notifications_router
from app.orgs.router import router as orgs_router
from app.orgs.router import staff_router as staff_orgs_router
from app.search.router import router as search_router
from app.staff.router import router as staff_router
from app.taxonomy.router import router as taxonomy_router
from app.uploads.router import router as uploads_router

API_PREFIX = "/api/v1"

log = logging.getLogger(__name__)

TAGS = [
    {"name": "home", "description": "首页"},
    {"name": "cities", "description": "一图览全域：七市一区与各市科创云平台"},
    {"name": "policy", "description": "政策发布"},
    {"name": "resources", "description": "资源共享"},
    {"name": "tech", "description": "技术对接：揭榜挂帅、技术经理人、链式联盟"},
    {"name": "finance", "description": "金融服务"},
    {"name": "talent", "description": "人才交流"},
    {"name": "showcase", "description": "成果展示"},
    {"name": "cooperation", "description": "合作清单"},
    {"name": "staff", "description": "后台工作人员登录"},
    {"name": "health", "description": "运行状态"},
    {"name": "members", "description": "会员：微信登录、资料、隐私政策同意"},
    {"name": "orgs", "description": "机构：登记、申请加入、切换代表的机构"},
    {"name": "staff-orgs", "description": "后台：机构认证与加入申请审核"},
    {"name": "notifications", "description": "站内消息与微信订阅消息授权"},
    {"name": "demands", "description": "揭榜挂帅：榜单、我要发榜、我要揭榜、榜单与揭榜审核"},
    {"name": "search", "description": "全站搜索、供需匹配与地图"},
    {"name": "taxonomy", "description": "产业链与上下游"},
    {"name": "bureaus", "description": "数据推送单位与 API 密钥（后台）"},
    {"name": "push", "description": "城市数据推送（API 密钥）：批量推送、推送报告、Excel 模板与导入"},
    {"name": "uploads", "description": "图片与附件上传"},
    {"name": "staff-contrib", "description": "后台：活动发布与报名名单、会员内容审核"},
    {"name": "my", "description": "我的：收藏、订阅、报名、发布与兴趣"},
]

ERROR_RESPONSES = error_responses(400, 404, 409, 413, 422, 429, 500)


def api_routers() -> tuple[APIRouter, ...]:
    """Every domain router, mounted under `/api/v1` in this order."""
    return (
        home_router,
        cities_router,
        policy_router,
        resources_router,
        tech_router,
        finance_router,
        talent_router,
        showcase_router,
        cooperation_router,
        staff_router,
        members_router,
        orgs_router,
        staff_orgs_router,
        notifications_router,
        demands_router,
        demand_applications_router,
        demands_staff_router,
        search_router,
        taxonomy_router,
        bureaus_router,
        push_router,
        push_staff_router,
        uploads_router,
        contrib_router,
        managers_router,
        my_router,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    docs = settings.docs_enabled and settings.environment != "production"

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.environment != "test":
            configure_logging(json_lines=settings.log_json)
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.thread_pool_size
        # Serving half a schema fails request by request in ways nobody can read; refuse to start instead.
        problem = schema_problem(get_engine(settings))
        if problem:
            log.error("refusing to start: %s", problem)
            raise RuntimeError(problem)
        # Tests write the tallies through their own rolled-back session (`views.flush(session)`).
        background = settings.environment != "test"
        flusher = None
        if background and settings.view_flush_seconds > 0:
            flusher = asyncio.create_task(flush_forever(views, get_engine(settings), settings.view_flush_seconds))
        try:
            yield
        finally:
            if flusher is not None:
                flusher.cancel()
            if background and views.pending():
                await asyncio.to_thread(views.flush_to, get_engine(settings))

    app = FastAPI(
        title="沿沪宁协同创新集市 API",
        version="1.0.0",
        description="沿沪宁协同创新城市联盟（七市一区）科创资源与揭榜挂帅集市的小程序后端。",
        openapi_tags=TAGS,
        docs_url="/docs" if docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
        lifespan=lifespan,
    )
    views = app.state.views = ViewCounter()
    install_error_handlers(app)
    app.include_router(health_router)
    for r in api_routers():
        document_dependency_errors(r)
        # Straight onto the app with the prefix: every include rebuilds each route (its dependencies and response
        # models), so going through an intermediate /api/v1 router would build them all twice at every start.
        app.include_router(r, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    if settings.bench_floor and settings.environment != "production":
        app.add_api_route(f"{API_PREFIX}/_floor", _floor, methods=["GET"], include_in_schema=False)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"], allow_headers=["*"]
        )
    cache_on = settings.response_cache if settings.response_cache is not None else settings.environment != "test"
    app.add_middleware(
        ResponseCacheMiddleware,
        redis_url=settings.redis_url,
        ttl=settings.response_cache_ttl,
        enabled=cache_on,
        views=views,
    )
    app.add_middleware(
        BodyLimitMiddleware,
        default_limit=settings.max_body_bytes,
        limits={
            f"{API_PREFIX}/push": settings.push_max_body_bytes,
            f"{API_PREFIX}/uploads": settings.upload_max_body_bytes,
        },
    )
    limiter = RateLimiter(get_redis(settings))
    # Tests reuse member ids across rolled-back transactions: a daily count would leak from one test to the next
    # (tests/test_ratelimit.py installs its own quota to prove the cap).
    install_quota(limiter if settings.environment != "test" else None, settings.content_checks_per_member_per_day)
    app.add_middleware(
        RateLimitMiddleware,
        limiter=limiter,
        per_ip=settings.rate_limit_per_ip,
        per_token=settings.rate_limit_per_token,
        per_push_key=settings.rate_limit_per_push_key,
        push_prefix=f"{API_PREFIX}/push",
    )
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.environment == "production")
    app.add_middleware(RequestIdMiddleware)
    app.mount("/admin", create_admin_app(app))
    return app


_FLOOR = {"items": [{"id": 1, "title": "沿沪宁协同创新集市"}], "total": 1}


async def _floor() -> dict[str, object]:
    """A constant answer through the same middleware: the floor `make bench` compares every figure with. `async` and
    without dependencies, so that no thread-pool hop or session lowers it: the server's true floor, not a flattering
    one."""
    return _FLOOR


app = create_app()
