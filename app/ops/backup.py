"""Backup and restore with a manifest of row counts, so a restore can be proven complete, not just "no error".

SQLite is copied with its online backup API (a copy of a live WAL database file can be torn); PostgreSQL with
`pg_dump -Fc` from the very snapshot in which the rows were counted.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url

from app.core.db import make_engine

MANIFEST_SUFFIX = ".manifest.json"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Manifest:
    dialect: str
    created_at: str
    revision: list[str]
    counts: dict[str, int]

    def write(self, backup: Path) -> Path:
        path = backup.with_name(backup.name + MANIFEST_SUFFIX)
        path.write_text(json.dumps(self.__dict__, ensure_ascii=False, indent=2, sort_keys=True))
        return path

    @classmethod
    def read(cls, backup: Path) -> Manifest:
        path = backup.with_name(backup.name + MANIFEST_SUFFIX)
        if not path.exists():
            raise BackupError(f"no manifest beside {backup.name}")
        return cls(**json.loads(path.read_text()))


def _counts(conn: Connection) -> dict[str, int]:
    # Table names come from the database's own catalogue, never from input.
    tables = sorted(inspect(conn).get_table_names())
    return {t: int(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()) for t in tables}  # nosec B608


def _revision(conn: Connection) -> list[str]:
    if "alembic_version" not in inspect(conn).get_table_names():
        return []
    return sorted(str(r[0]) for r in conn.execute(text("SELECT version_num FROM alembic_version")))


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def backup(url: str, out: Path) -> Manifest:
    out.parent.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    if url.startswith("sqlite"):
        src = sqlite3.connect(_sqlite_path(url))
        dst = sqlite3.connect(out)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        engine = make_engine(f"sqlite:///{out}")
        with engine.connect() as conn:
            manifest = Manifest("sqlite", now, _revision(conn), _counts(conn))
        engine.dispose()
    else:
        if shutil.which("pg_dump") is None:
            raise BackupError("pg_dump is not installed")
        engine = make_engine(url)
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            manifest = Manifest("postgresql", now, _revision(conn), _counts(conn))
            # The dump reads the snapshot the counts were taken in, so the manifest describes exactly this dump.
            proc = subprocess.run(
                ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(out), _libpq_url(url)],
                capture_output=True,
                text=True,
            )
        engine.dispose()
        if proc.returncode != 0:
            raise BackupError(f"pg_dump failed: {proc.stderr.strip()}")
    manifest.write(out)
    return manifest


def restore(backup_file: Path, url: str) -> Manifest:
    """Restores into an empty database (or SQLite file) and proves it: integrity check and every table's count."""
    manifest = Manifest.read(backup_file)
    if url.startswith("sqlite"):
        if manifest.dialect != "sqlite":
            raise BackupError("a PostgreSQL dump cannot be restored into SQLite")
        target = _sqlite_path(url)
        if target.exists() and target.stat().st_size > 0:
            raise BackupError(f"{target.name} exists; restore into a new file")
        src = sqlite3.connect(backup_file)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    else:
        if manifest.dialect != "postgresql":
            raise BackupError("a SQLite backup cannot be restored into PostgreSQL")
        proc = subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", _libpq_url(url), str(backup_file)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise BackupError(f"pg_restore failed: {proc.stderr.strip()}")
    verify(url, manifest)
    return manifest


def verify(url: str, manifest: Manifest) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                result = conn.execute(text("PRAGMA integrity_check")).scalar_one()
                if result != "ok":
                    raise BackupError(f"integrity check failed: {result}")
            counts = _counts(conn)
            revision = _revision(conn)
    finally:
        engine.dispose()
    if revision != manifest.revision:
        raise BackupError(f"restored revision {revision} differs from the backup's {manifest.revision}")
    expected = {t: n for t, n in manifest.counts.items()}
    if counts != expected:
        diff = {
            t: (expected.get(t), counts.get(t)) for t in set(expected) | set(counts) if expected.get(t) != counts.get(t)
        }
        raise BackupError(f"row counts differ (expected, restored): {diff}")
