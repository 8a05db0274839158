"""`python -m tests.stubserver`: the API on a free loopback port for the mini-program's Node tests (no pytest).

It makes a fresh SQLite database in a temporary directory (or, when TEST_DATABASE_URL names a PostgreSQL database,
a fresh `<that name>_stub_<pid>` beside it, dropped at exit) (migrated, reference data, a few public records of every
board), starts the fake WeChat when the project has one, creates a district-admin staff account, binds 127.0.0.1
port 0, and prints ONE JSON line on stdout before serving:

    {"base_url": "http://127.0.0.1:PORT", "staff": {"username": ..., "password": ...},
     "member_tokens": {"alice": ..., "bob": ...}, "fake_wechat": URL or null}

It stops on SIGTERM/SIGINT or when its stdin closes (the parent test process went away), and removes its directory.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any


def _start_fake_wechat() -> Any:
    try:
        from app.wechat.fake import FakeWeChatServer  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return FakeWeChatServer().start()


def _seed(database_url: str) -> tuple[dict[str, str], dict[str, str]]:
    from sqlmodel import Session

    from app.core.db import make_engine
    from app.seed.reference import load_reference
    from app.staff.models import StaffRole
    from app.staff.service import create_staff
    from tests import factories
    from tests.conftest import migrate

    migrate(database_url)
    engine = make_engine(database_url).execution_options(sqlite_write=True)
    password = secrets.token_urlsafe(12)
    with Session(engine) as session:
        load_reference(session)
        factories.policy(session, title="普陀区支持储能电池研发的若干政策")
        factories.policy(session, title="苏州市芯片设计企业补贴办法", city_code="suzhou", issuer="苏州市科学技术局")
        factories.resource(session)
        factories.resource(
            session, name="南京大学先进材料平台", city_code="nanjing", kind="platform", lat=32.05, lng=118.78
        )
        factories.tech_manager(session)
        factories.alliance(session)
        factories.fund(session)
        factories.financial_product(session)
        factories.financing_need(session)
        factories.service_station(session)
        factories.talent_service(session)
        factories.job(session)
        factories.expert(session)
        factories.training_programme(session)
        factories.achievement(session)
        factories.event(session)
        factories.cooperation_item(session)
        factories.demand(session)
        create_staff(session, username="stubadmin", password=password, role=StaffRole.district_admin)
        # Members with a token already, for tests of what does not depend on the WeChat login.
        tokens = {name: factories.member(session, f"ostub_{name}")[1] for name in ("alice", "bob")}
        session.commit()
    engine.dispose()
    return {"username": "stubadmin", "password": password}, tokens


def _database_url(workdir: Path) -> str:
    base = os.environ.get("TEST_DATABASE_URL", "")
    if base.startswith("postgresql"):
        from sqlalchemy.engine import make_url

        from tests.conftest import recreate_postgres_database

        url = make_url(base)
        full = url.set(database=f"{url.database}_stub_{os.getpid()}").render_as_string(hide_password=False)
        recreate_postgres_database(full)
        return full
    return f"sqlite:///{workdir / 'market.db'}"


def _drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from app.core.db import make_engine

    target = make_url(url)
    admin = make_engine(target.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.stubserver")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (for debugging)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="market-stub-"))
    fake = None
    database_url = ""
    try:
        database_url = _database_url(workdir)
        os.environ.update(
            {
                "ENVIRONMENT": "test",
                "DATABASE_URL": database_url,
                "UPLOAD_DIR": str(workdir / "uploads"),
                "REDIS_URL": "",
            }
        )
        os.environ.pop("REDIS_URL")
        fake = _start_fake_wechat()
        if fake is not None:
            os.environ["WECHAT_API_BASE_URL"] = fake.base_url
        staff, tokens = _seed(database_url)

        import uvicorn

        from app.core.config import get_settings
        from app.main import create_app

        get_settings.cache_clear()
        app = create_app(get_settings())
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=3))

        def _watch_stdin() -> None:
            while sys.stdin.read(1024):
                pass
            server.should_exit = True

        threading.Thread(target=_watch_stdin, daemon=True).start()
        # Uvicorn re-raises a captured SIGTERM/SIGINT once it has shut down; with the default handlers that would
        # kill the process before the clean-up below. These no-op handlers are what it restores and re-raises to.
        signal.signal(signal.SIGTERM, lambda *_: None)
        signal.signal(signal.SIGINT, lambda *_: None)
        info = {
            "base_url": f"http://127.0.0.1:{port}",
            "staff": staff,
            "member_tokens": tokens,
            "fake_wechat": fake.base_url if fake is not None else None,
        }
        print(json.dumps(info), flush=True)
        server.run(sockets=[sock])
    finally:
        if fake is not None:
            fake.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
            _drop_database(database_url)


if __name__ == "__main__":
    main()
