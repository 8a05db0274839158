"""`python -m tests.authz.write_policy`: probes every operation as every role and writes tests/authz/policy.json.

Read the diff before committing it: the file is the policy, and the matrix test holds the code to it.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

os.environ.setdefault("ENVIRONMENT", "test")


def main() -> None:
    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from app.core.config import Settings, get_settings
    from app.core.db import make_engine
    from app.main import create_app
    from app.seed.reference import load_reference
    from tests.authz.probe import allowed_roles, operations, retires_credential, role_headers
    from tests.conftest import migrate

    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'authz.db'}"
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    migrate(url)
    engine = make_engine(url).execution_options(sqlite_write=True)
    settings = Settings(environment="test", database_url=url)
    app = create_app(settings)
    app.dependency_overrides[get_settings] = lambda: settings
    with Session(engine, expire_on_commit=False) as session:
        load_reference(session)
        headers = role_headers(session)
        fresh = {
            op.operation_id: role_headers(session, "x" * (n + 1))
            for n, op in enumerate(operations(app))
            if retires_credential(op)
        }
        session.commit()
    with TestClient(app, raise_server_exceptions=False) as client:
        policy = {
            op.operation_id: allowed_roles(client, op, fresh.get(op.operation_id, headers)) for op in operations(app)
        }
    out = Path(__file__).parent / "policy.json"
    out.write_text(json.dumps(policy, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    print(f"{len(policy)} operations written to {out.name}")


if __name__ == "__main__":
    main()
