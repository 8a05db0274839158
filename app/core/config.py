"""One settings class for the whole service, read from the environment (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal, Self

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

    cors_origins: list[str] = Field(default_factory=list)
    docs_enabled: bool = True
    max_body_bytes: int = 1024 * 1024
    push_max_body_bytes: int = 5 * 1024 * 1024
    page_size_max: int = 50
    upload_dir: str = "./var/uploads"
    log_json: bool = False
    sql_echo: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

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
