"""Test database built by `alembic upgrade head`; every test runs inside a transaction that is rolled back.

SQLite by default (a file per test session and xdist worker). Set TEST_DATABASE_URL to a PostgreSQL URL to run the
same suite there: the database named in it is dropped and re-created (UTF-8 LC_CTYPE, for pg_trgm and search).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

os.environ.setdefault("ENVIRONMENT", "test")

from app.core import db as core_db
from app.core.config import Settings, get_settings
from app.core.db import make_engine
from app.seed.reference import load_reference

ROOT = Path(__file__).resolve().parent.parent


def _worker_suffix() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return f"_{worker}" if worker else ""


def recreate_postgres_database(url: str) -> None:
    target = make_url(url)
    admin = make_engine(target.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(
            text(
                f"CREATE DATABASE \"{target.database}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
        )
    admin.dispose()


def fresh_database_url(tmp_dir: Path, name: str) -> str:
    """A new, empty database of the kind under test."""
    base = os.environ.get("TEST_DATABASE_URL")
    if base and base.startswith("postgresql"):
        url = make_url(base)
        full = url.set(database=f"{url.database}_{name}{_worker_suffix()}").render_as_string(hide_password=False)
        recreate_postgres_database(full)
        return full
    return f"sqlite:///{tmp_dir / (name + '.db')}"


def alembic_config(url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database_url"] = url
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """argon2id at its smallest cost: tests check the rules around the hash, not its cost, and the recommended cost
    (64 MiB, 3 passes, ~0.2 s of CPU) was most of the CPU of every test that logs a staff user in."""
    import app.staff.service as staff_service

    recommended = staff_service.password_hash
    staff_service.password_hash = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    yield
    staff_service.password_hash = recommended


def reference_database(tmp_dir: Path, name: str) -> str:
    """A new database of the kind under test, migrated to head, holding the reference data (cities, taxonomy)."""
    url = fresh_database_url(tmp_dir, name)
    migrate(url)
    engine = make_engine(url).execution_options(sqlite_write=True)
    with Session(engine) as session:
        load_reference(session)
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return reference_database(tmp_path_factory.mktemp("db"), "market_test")


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url)


@pytest.fixture()
def session(engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back; endpoint commits become savepoint releases."""
    with engine.connect() as conn:
        outer = conn.begin()
        with Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
            yield s
        outer.rollback()


@pytest.fixture()
def app(session: Session, settings: Settings) -> Iterator[FastAPI]:
    from app.main import create_app

    application = create_app(settings)

    def _session() -> Iterator[Session]:
        yield session

    application.dependency_overrides[core_db.get_session] = _session
    application.dependency_overrides[core_db.get_write_session] = _session
    application.dependency_overrides[get_settings] = lambda: settings
    yield application


@pytest.fixture()
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


# --- WeChat: the fake WeChat server over real loopback HTTP (app/wechat/fake.py) -----------------------------------
# Without the `fake_wechat` fixture the gateway points at a closed port: every WeChat call fails at once, so content
# checks answer `review` (fail closed) and logins answer 503 wechat_unavailable.
os.environ.setdefault("WECHAT_API_BASE_URL", "http://127.0.0.1:9")

FAKE_WECHAT_READ_TIMEOUT = 1.5


@pytest.fixture(scope="session")
def fake_wechat_server() -> Iterator[object]:
    from app.wechat.fake import FakeState, FakeWeChatServer

    server = FakeWeChatServer(state=FakeState(slow_seconds=FAKE_WECHAT_READ_TIMEOUT + 1.0)).start()
    yield server
    server.stop()


@pytest.fixture()
def fake_wechat(fake_wechat_server: object) -> Iterator[str]:
    """The fake WeChat's base URL; while the test runs, the process's WeChat gateway (app.wechat.gateway) talks to it.

    Its state (codes used, tokens, messages sent, queued failures) is `fake_wechat_server.state`, reset per test.
    """
    from app.wechat.fake import FAKE_APP_ID, FAKE_APP_SECRET, FakeWeChatServer
    from app.wechat.gateway import WeChatGateway, set_gateway
    from app.wechat.token import MemoryTokenStore

    assert isinstance(fake_wechat_server, FakeWeChatServer)
    fake_wechat_server.state.reset()
    gateway = WeChatGateway(
        base_url=fake_wechat_server.base_url,
        app_id=FAKE_APP_ID,
        app_secret=FAKE_APP_SECRET,
        token_store=MemoryTokenStore(),
        read_timeout=FAKE_WECHAT_READ_TIMEOUT,
    )
    previous = set_gateway(gateway)
    yield fake_wechat_server.base_url
    set_gateway(previous)
    gateway.close()


def login_member(client: TestClient, name: str = "alice", *, consent: bool = True) -> tuple[str, dict[str, object]]:
    """Logs a member in through HTTP (POST /api/v1/auth/login) against the fake WeChat (use the `fake_wechat`
    fixture). The same `name` is the same member (openid `ofake_<name>`); names starting with `refuse` get 43101 on
    subscribe messages. Returns (bearer token, the login answer)."""
    import uuid

    from app.members.privacy import PRIVACY_POLICY_VERSION

    body: dict[str, object] = {"code": f"{name}:{uuid.uuid4().hex}"}
    if consent:
        body["privacy_version"] = PRIVACY_POLICY_VERSION
    r = client.post("/api/v1/auth/login", json=body)
    assert r.status_code == 200, r.text
    data: dict[str, object] = r.json()
    return str(data["access_token"]), data


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
