"""Backup and restore, proven by a restore, an integrity check and every table's row count."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.core.db import make_engine
from app.ops.__main__ import main as ops_main
from app.ops.backup import BackupError, Manifest, backup, restore, verify
from app.seed.reference import load_reference
from tests.conftest import fresh_database_url, migrate


@pytest.fixture()
def populated(tmp_path: Path) -> str:
    url = fresh_database_url(tmp_path, "backup_src")
    migrate(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_reference(session)
        session.commit()
    engine.dispose()
    return url


def _empty_target(tmp_path: Path, name: str) -> str:
    return fresh_database_url(tmp_path, name)


class TestBackupRestore:
    def test_restore_has_every_row(self, populated: str, tmp_path: Path) -> None:
        suffix = "sqlite" if populated.startswith("sqlite") else "dump"
        out = tmp_path / f"b.{suffix}"
        manifest = backup(populated, out)
        assert manifest.counts["city"] == 8
        assert sum(manifest.counts.values()) > 8
        assert manifest.revision, "the backup records the schema revision"

        target = _empty_target(tmp_path, "backup_dst")
        restored = restore(out, target)
        assert restored.counts == manifest.counts

    def test_verify_catches_a_difference(self, populated: str, tmp_path: Path) -> None:
        out = tmp_path / "b2.bak"
        manifest = backup(populated, out)
        target = _empty_target(tmp_path, "backup_dst2")
        restore(out, target)
        verify(target, manifest)
        engine = make_engine(target)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version"))
        engine.dispose()
        with pytest.raises(BackupError, match="revision"):
            verify(target, manifest)
        one_more = Manifest(manifest.dialect, manifest.created_at, [], {**manifest.counts, "city": 9})
        with pytest.raises(BackupError, match="row counts differ"):
            verify(target, one_more)

    def test_manifest_is_required(self, tmp_path: Path) -> None:
        lonely = tmp_path / "lonely.sqlite"
        lonely.write_bytes(b"")
        with pytest.raises(BackupError, match="no manifest"):
            Manifest.read(lonely)


class TestCommandLine:
    def test_backup_then_restore(
        self, populated: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from app.core.config import get_settings

        monkeypatch.setenv("DATABASE_URL", populated)
        get_settings.cache_clear()
        try:
            out = tmp_path / "cli.bak"
            assert ops_main(["backup", "--out", str(out)]) == 0
            target = _empty_target(tmp_path, "backup_cli")
            assert ops_main(["restore", str(out), "--to", target]) == 0
            assert "restored and verified" in capsys.readouterr().out
            # A second restore into the now non-empty target is refused, not merged.
            if target.startswith("sqlite"):
                assert ops_main(["restore", str(out), "--to", target]) == 1
        finally:
            get_settings.cache_clear()
            os.environ.pop("DATABASE_URL", None)
