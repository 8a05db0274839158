"""One settings class for the whole service, read from the environment (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal, Self

from fastapi import Depends
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER = "changethis"
WECHAT_PRODUCTION_BASE_URL = "https://api.weixin.qq.com"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    environment: Literal["local", "test", "production"] = "local"
    database_url: str = "sqlite:///./var/market.db"
    # Several processes share rate limits, idempotency keys and the WeChat access token only through Redis.
    redis_url: str | None = None
    secret_key: SecretStr = SecretStr(PLACEHOLDER)

    wechat_app_id: str = "wxfake0000000000"
    wechat_app_secret: SecretStr = SecretStr(PLACEHOLDER)
    wechat_api_base_url: str = "http://127.0.0.1:8765"
    wechat_connect_timeout: float = 2.0
    wechat_read_timeout: float = 3.0
    # The subscribe-message template of inbox notices (thing1 title, thing2 detail, time3 time), from mp.weixin.qq.com.
    wechat_notice_template_id: str = "tmpl_fake_notice"

    cors_origins: list[str] = Field(default_factory=list)
    docs_enabled: bool = True
    max_body_bytes: int = 1024 * 1024
    push_max_body_bytes: int = 5 * 1024 * 1024
    page_size_max: int = 50
    upload_dir: str = "./var/uploads"
    upload_image_max_bytes: int = 5 * 1024 * 1024
    upload_attachment_max_bytes: int = 20 * 1024 * 1024
    # Requests per minute; 0 turns a limit off. Many phones share a carrier's IP, so the per-IP limit is generous;
    # a member's or staff member's token and a bureau's key have their own budgets.
    rate_limit_per_ip: int = 3000
    rate_limit_per_token: int = 300
    rate_limit_per_push_key: int = 120
    # msgSecCheck calls one member may cause per day.
    content_checks_per_member_per_day: int = 200
    log_json: bool = False
    sql_echo: bool = False
    # Threads each process runs blocking work in (sync endpoints, reads, argon2, WeChat calls), and the database
    # connections it keeps open for them / may open beyond those for a while. Kept, because a connection opened per
    # use costs more than the query (a PostgreSQL backend forked; SQLite's schema parsed, its page cache cold). None:
    # 20 + 10 on PostgreSQL; 8 + 4 on SQLite (never production), where every open connection holds its own page
    # cache in the worker's memory (issue 8 caps a worker at 200 MB). Requests are let in to the database only as many
    # at a time as the two serve (app/core/db.py).
    thread_pool_size: int = 20
    db_pool_size: int | None = None
    db_max_overflow: int | None = None
    # Reads (`app.core.db.read`: the public lists and details) one process runs in the database at once; the others
    # wait on the event loop. Few: a process has one core's worth of Python to give, and each read beyond what keeps
    # it busy only adds threads fighting for the GIL and backends for the database's cores (README, Benchmarks: 14
    # against 2). More where the database is a network hop away and a read waits longer than it computes.
    db_concurrent_reads: int = Field(default=2, ge=1)
    # `make bench` only: serves a constant JSON at /api/v1/_floor (hidden from OpenAPI), the server's own floor.
    bench_floor: bool = False
    # Cache of anonymous public reads (app/core/cache.py); None = on everywhere except the test environment.
    response_cache: bool | None = None
    response_cache_ttl: float = 60.0
    # Detail views are tallied in memory and written in batches this often (app/core/views.py); 0 = only at shutdown.
    view_flush_seconds: float = 1.0

    @property
    def upload_max_body_bytes(self) -> int:
        """The request body cap on the upload route: the largest file plus room for the multipart framing."""
        return max(self.upload_image_max_bytes, self.upload_attachment_max_bytes) + 64 * 1024

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def pool_size(self) -> int:
        return self.db_pool_size if self.db_pool_size is not None else (8 if self.is_sqlite else 20)

    @property
    def pool_overflow(self) -> int:
        return self.db_max_overflow if self.db_max_overflow is not None else (4 if self.is_sqlite else 10)

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> Self:
        if self.environment != "production":
            return self
        problems = []
        for name in ("secret_key", "wechat_app_secret"):
            value = getattr(self, name).get_secret_value()
            if value == PLACEHOLDER or len(value) < 16:
                problems.append(f"{name.upper()} must be set to a real secret of at least 16 characters")
        if self.wechat_api_base_url.rstrip("/") != WECHAT_PRODUCTION_BASE_URL:
            problems.append(f"WECHAT_API_BASE_URL must be {WECHAT_PRODUCTION_BASE_URL} in production")
        if self.is_sqlite:
            problems.append("DATABASE_URL must point at PostgreSQL in production")
        if problems:
            raise ValueError("; ".join(problems))
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()


# Endpoints and dependencies take the settings through this alias, so that tests (and each app) can override them.
SettingsDep = Annotated[Settings, Depends(get_settings)]
