"""`make fuzz`: schemathesis against a running server over loopback, every operation, as every role.

A fresh SQLite database is migrated and loaded with the demo data plus one account per role; the server is the
production entry point; each role's run is checked against the COMMITTED `openapi/openapi.json`, so a response that
breaks the published contract fails here. Bounded in time; prints the cases run per role and in total.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.wechat.fake import FakeWeChatServer

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "response_schema_conformance",
        "content_type_conformance",
    ]
)


@dataclass
class Role:
    name: str
    token: str | None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(url: str) -> list[Role]:
    """Migrates, loads the demo data and makes one logged-in account per role; returns the roles."""
    from sqlmodel import Session

    from app.core.db import make_engine
    from app.seed.demo import load_demo
    from app.seed.reference import load_reference
    from app.staff.models import StaffRole
    from app.staff.service import create_staff, open_session
    from tests.conftest import migrate
    from tests.factories import member, organization

    migrate(url)
    engine = make_engine(url).execution_options(sqlite_write=True)
    roles = [Role("visitor", None)]
    with Session(engine, expire_on_commit=False) as session:
        load_reference(session)
        load_demo(session)
        _, token = member(session, "fuzz-openid-plain")
        roles.append(Role("member", token))
        org = organization(session, "模糊测试科技有限公司", "91310107MA1G0FUZ0X")
        _, token = member(session, "fuzz-openid-org", org=org)
        roles.append(Role("member_of_org", token))
        for role, city in (
            (StaffRole.district_admin, None),
            (StaffRole.city_admin, "suzhou"),
            (StaffRole.reviewer, None),
        ):
            user = create_staff(
                session, username=f"fuzz_{role.value}", password="fuzz-password-1", role=role, city_code=city
            )
            session.flush()
            token, _ = open_session(session, user)
            roles.append(Role(f"staff_{role.value}", token))
        session.commit()
    engine.dispose()
    return roles


def run(examples: int, max_time: int, workers: int) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-"))
    url = f"sqlite:///{tmp / 'fuzz.db'}"
    roles = prepare(url)
    # Login goes to WeChat: without one the server answers 503 and schemathesis counts it as a server error.
    wechat = FakeWeChatServer().start()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # The fuzzer writes through the API and reads back at once: no response cache between the two.
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ENVIRONMENT": "local",
        "LOG_JSON": "true",
        "RESPONSE_CACHE": "false",
        "WECHAT_API_BASE_URL": wechat.base_url,
        # Limits are tested on their own (tests/test_ratelimit.py); here a 429 would only hide operations.
        "RATE_LIMIT_PER_IP": "0",
        "RATE_LIMIT_PER_TOKEN": "0",
        "RATE_LIMIT_PER_PUSH_KEY": "0",
    }
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "app.serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    total = 0
    failed = False
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print("fuzz: the server did not start", file=sys.stderr)
                return 2
            time.sleep(0.2)
        for role in roles:
            cmd = [
                sys.executable,
                str(ROOT / "fuzz" / "st.py"),
                "run",
                str(ROOT / "openapi" / "openapi.json"),
                "--url",
                base,
                "--checks",
                CHECKS,
                "--max-examples",
                str(examples),
                "--max-time",
                str(max_time),
                "--workers",
                str(workers),
                "--phases",
                "examples,coverage,fuzzing",
                "--no-color",
                "--seed",
                "20261123",
                # Logout and renewal retire the token the role runs with: the rest of its run would be a wall of 401s.
                "--exclude-operation-id-regex",
                "(_logout|_renew)$",
            ]
            if role.token:
                cmd += ["--header", f"Authorization: Bearer {role.token}"]
            proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
            match = re.search(r"(\d+) generated", proc.stdout)
            cases = int(match.group(1)) if match else 0
            total += cases
            ok = proc.returncode == 0
            verdict = "ok" if ok else "FAILED"
            print(f"fuzz: {role.name:<22} {cases:>6} cases  {verdict}")
            if not ok:
                failed = True
                print(proc.stdout[-20000:])
    finally:
        server.terminate()
        server.wait(timeout=30)
        wechat.stop()
        log.close()
    errors = (tmp / "server.log").read_text().count('"status": 500')
    print(f"fuzz: {total} cases in all, {errors} server errors logged")
    return 1 if failed or errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m fuzz")
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", "10")))
    parser.add_argument("--max-time", type=int, default=int(os.environ.get("FUZZ_MAX_TIME", "60")))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    sys.exit(run(args.examples, args.max_time, args.workers))


if __name__ == "__main__":
    main()
