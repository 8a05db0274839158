"""`python -m app.ops backup|restore`: scripted backup and verified restore (see README, Backups)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from app.core.config import get_settings
from app.ops.backup import BackupError, backup, restore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.ops")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup", help="back up DATABASE_URL into a file with a manifest of row counts")
    b.add_argument("--out", type=Path, help="file to write (default var/backups/market-<time>.<ext>)")
    r = sub.add_parser("restore", help="restore a backup into an EMPTY database and verify every table's row count")
    r.add_argument("file", type=Path)
    r.add_argument("--to", required=True, help="database URL to restore into (a new SQLite file or an empty database)")
    args = parser.parse_args(argv)
    url = get_settings().database_url
    try:
        if args.command == "backup":
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            out = args.out or Path("var/backups") / f"market-{stamp}.{'sqlite' if url.startswith('sqlite') else 'dump'}"
            manifest = backup(url, out)
            print(f"backup written: {out} ({sum(manifest.counts.values())} rows in {len(manifest.counts)} tables)")
        else:
            manifest = restore(args.file, args.to)
            print(f"restored and verified: {sum(manifest.counts.values())} rows in {len(manifest.counts)} tables")
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
