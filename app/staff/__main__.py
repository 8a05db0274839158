"""`python -m app.staff create-admin --username U [--password P] [--role R] [--city C]`: the first admin."""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlmodel import Session

from app.all_models import metadata  # noqa: F401  (every table known before the first query)
from app.core.db import get_engine
from app.staff.models import StaffRole
from app.staff.service import create_staff


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.staff")
    sub = parser.add_subparsers(dest="cmd", required=True)
    create = sub.add_parser("create-admin", help="create a staff account")
    create.add_argument("--username", required=True)
    create.add_argument("--password", help="omit to be asked")
    create.add_argument("--role", default=StaffRole.district_admin.value, choices=[r.value for r in StaffRole])
    create.add_argument("--city", default=None)
    args = parser.parse_args(argv)
    password = args.password or getpass.getpass("password: ")
    with Session(get_engine().execution_options(sqlite_write=True)) as session:
        user = create_staff(
            session, username=args.username, password=password, role=StaffRole(args.role), city_code=args.city
        )
        session.commit()
        print(f"created staff user {user.username} ({user.role})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
