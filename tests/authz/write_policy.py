"""`python -m tests.authz.write_policy`: probes every operation as every role and writes tests/authz/policy.json.

Read the diff before committing it: the file is the policy, and the matrix test holds the code to it. `gate` says
who gets past each operation's gate; `owned_by_a` says who reaches a real object of organisation A / city A through
each operation whose object the probe can build (tests/authz/probe.py).
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

    from app.core.config import get_settings
    from app.core.db import make_engine
    from app.main import create_app
    from app.seed.reference import load_reference
    from tests.authz.probe import (
        allowed_roles,
        build_world,
        operations,
        owned_operations,
        probe_settings,
        reaching_roles,
        retires_credential,
    )
    from tests.conftest import migrate

    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'authz.db'}"
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    migrate(url)
    engine = make_engine(url).execution_options(sqlite_write=True)
    settings = probe_settings(url)
    app = create_app(settings)
    app.dependency_overrides[get_settings] = lambda: settings
    with Session(engine, expire_on_commit=False) as session:
        load_reference(session)
        session.commit()
        world = build_world(session, persist=session.commit)
        fresh = {
            op.operation_id: build_world(session, f"-r{n}", persist=session.commit).headers
            for n, op in enumerate(operations(app))
            if retires_credential(op)
        }
        with TestClient(app, raise_server_exceptions=False) as client:
            gate = {
                op.operation_id: allowed_roles(client, op, fresh.get(op.operation_id, world.headers))
                for op in operations(app)
            }
            owned = {op.operation_id: reaching_roles(client, op, world) for op in owned_operations(app)}
    out = Path(__file__).parent / "policy.json"
    policy = {"gate": gate, "owned_by_a": owned}
    out.write_text(json.dumps(policy, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    print(f"{len(gate)} operations, {len(owned)} of them probed on objects of A, written to {out.name}")


if __name__ == "__main__":
    main()
