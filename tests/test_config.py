from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.core.config import Settings

REAL = "a-real-secret-of-forty-characters-length!"


def production(**kw: object) -> Settings:
    data: dict[str, object] = dict(
        environment="production",
        secret_key=REAL,
        wechat_app_secret=REAL,
        wechat_api_base_url="https://api.weixin.qq.com",
        database_url="postgresql+psycopg://app@db/market",
    )
    data.update(kw)
    return Settings(**data)  # type: ignore[arg-type]


class TestProductionSettings:
    def test_real_settings_accepted(self) -> None:
        assert production().environment == "production"

    @pytest.mark.parametrize(
        "override",
        [
            {"secret_key": "changethis"},
            {"wechat_app_secret": "changethis"},
            {"secret_key": "short"},
            {"wechat_api_base_url": "http://127.0.0.1:8765"},
            {"database_url": "sqlite:///./var/market.db"},
        ],
    )
    def test_placeholders_and_fake_wechat_refused(self, override: dict[str, object]) -> None:
        with pytest.raises(ValidationError):
            production(**override)

    def test_local_defaults_allowed(self) -> None:
        assert Settings(environment="local").wechat_api_base_url.startswith("http://127.0.0.1")
