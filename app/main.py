"""The ASGI application: `uvicorn app.main:app`."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.boards.finance.router import router as finance_router
from app.boards.policy.router import router as policy_router
from app.boards.resources.router import router as resources_router
from app.boards.showcase.router import router as showcase_router
from app.boards.talent.router import router as talent_router
from app.boards.tech.router import router as tech_router
from app.cities.router import router as cities_router
from app.cooperation.router import router as cooperation_router
from app.core.config import Settings, get_settings
from app.core.errors import ErrorBody, install_error_handlers
from app.core.middleware import BodyLimitMiddleware, RequestIdMiddleware
from app.health.router import router as health_router
from app.home.router import router as home_router
from app.staff.router import router as staff_router

API_PREFIX = "/api/v1"

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
]

ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody, "description": desc}
    for code, desc in [
        (404, "不存在"),
        (413, "内容过大"),
        (422, "参数有误"),
        (429, "请求过于频繁"),
        (500, "服务器错误"),
    ]
}


def api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)
    for r in (
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
    ):
        router.include_router(r)
    return router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    docs = settings.docs_enabled and settings.environment != "production"
    app = FastAPI(
        title="沿沪宁协同创新集市 API",
        version="1.0.0",
        description="沿沪宁协同创新城市联盟（七市一区）科创资源与揭榜挂帅集市的小程序后端。",
        openapi_tags=TAGS,
        docs_url="/docs" if docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
    )
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(api_router())
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"], allow_headers=["*"]
        )
    app.add_middleware(
        BodyLimitMiddleware,
        default_limit=settings.max_body_bytes,
        limits={f"{API_PREFIX}/push": settings.push_max_body_bytes},
    )
    app.add_middleware(RequestIdMiddleware)
    return app


app = create_app()
