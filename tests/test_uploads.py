"""Uploads: multipart in, magic-byte type check, size limits, owner-only private files, served back."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import Settings, get_settings
from app.uploads import service, sniff
from app.uploads.models import Upload, UploadKind
from tests import factories
from tests.contracts import assert_error_shape

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    return buf.getvalue()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def upload_settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={
            "upload_dir": str(tmp_path / "uploads"),
            "upload_image_max_bytes": 4096,
            "upload_attachment_max_bytes": 8192,
        }
    )


@pytest.fixture()
def uclient(app: FastAPI, client: TestClient, upload_settings: Settings) -> Iterator[TestClient]:
    app.dependency_overrides[get_settings] = lambda: upload_settings
    yield client


def stored_files(s: Settings) -> list[Path]:
    root = Path(s.upload_dir)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post(client: TestClient, token: str | None, name: str, data: bytes, kind: str = "image", **form: str) -> object:
    headers = auth(token) if token else {}
    return client.post(
        "/api/v1/uploads",
        headers=headers,
        files={"file": (name, data, "application/octet-stream")},
        data={"kind": kind, **form},
    )


class TestUploadCreate:
    def test_image_is_stored_and_described(
        self, uclient: TestClient, session: Session, upload_settings: Settings
    ) -> None:
        m, token = factories.member(session, "up-a")
        r = uclient.post(
            "/api/v1/uploads",
            headers=auth(token),
            files={"file": ("工厂照片.png", PNG, "text/plain")},
            data={"kind": "image"},
        )
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["kind"] == "image" and body["visibility"] == "private" and body["is_mine"] is True
        # The client's Content-Type (text/plain) is ignored: the type comes from the bytes.
        assert body["content_type"] == "image/png"
        assert body["filename"] == "工厂照片.png"
        assert body["size"] == len(PNG)
        assert body["url"] == f"/api/v1/uploads/{body['id']}/content"
        row = session.get(Upload, body["id"])
        assert row is not None and row.member_id == m.id
        files = stored_files(upload_settings)
        assert len(files) == 1 and files[0].read_bytes() == PNG
        assert "工厂照片" not in str(files[0])

    def test_office_document_and_pdf_as_attachments(self, uclient: TestClient, session: Session) -> None:
        _, token = factories.member(session, "up-b")
        r = post(uclient, token, "技术指标.docx", docx_bytes(), kind="attachment")
        assert r.status_code == 201, r.text  # type: ignore[attr-defined]
        assert r.json()["content_type"].endswith("wordprocessingml.document")  # type: ignore[attr-defined]
        r = post(uclient, token, "说明.PDF", PDF, kind="attachment")
        assert r.status_code == 201, r.text  # type: ignore[attr-defined]
        assert r.json()["content_type"] == "application/pdf"  # type: ignore[attr-defined]

    @pytest.mark.parametrize(
        ("name", "data", "kind", "code"),
        [
            ("virus.jpg", EXE, "image", "upload_type_unsupported"),
            ("report.pdf", PDF, "image", "upload_type_unsupported"),
            ("photo.jpg", PNG, "image", "upload_type_mismatch"),
            ("photo", PNG, "image", "upload_type_mismatch"),
            ("fake.docx", b"PK\x03\x04not really a zip", "attachment", "upload_type_unsupported"),
            ("archive.docx", b"", "attachment", "upload_empty"),
        ],
    )
    def test_type_is_checked_by_content(
        self,
        uclient: TestClient,
        session: Session,
        upload_settings: Settings,
        name: str,
        data: bytes,
        kind: str,
        code: str,
    ) -> None:
        _, token = factories.member(session, "up-c")
        r = post(uclient, token, name, data, kind=kind)
        assert_error_shape(r, 422, code)
        assert stored_files(upload_settings) == []
        assert session.exec(Upload.__table__.select()).all() == []  # type: ignore[attr-defined]

    def test_too_large_is_413_and_leaves_nothing(
        self, uclient: TestClient, session: Session, upload_settings: Settings
    ) -> None:
        _, token = factories.member(session, "up-d")
        big = PNG + b"\x00" * upload_settings.upload_image_max_bytes
        body = assert_error_shape(post(uclient, token, "big.png", big), 413, "upload_too_large")
        assert "4 KB" in body["message"]
        assert body["detail"] == {"limit_bytes": 4096, "kind": "image"}
        assert stored_files(upload_settings) == []
        # The same bytes fit the larger attachment limit.
        r = post(uclient, token, "big.png", big, kind="attachment")
        assert r.status_code == 201, r.text  # type: ignore[attr-defined]

    def test_upload_route_accepts_bodies_beyond_the_default_cap(
        self, client: TestClient, session: Session, app: FastAPI, tmp_path: Path, settings: Settings
    ) -> None:
        app.dependency_overrides[get_settings] = lambda: settings.model_copy(update={"upload_dir": str(tmp_path)})
        _, token = factories.member(session, "up-e")
        big = PNG + b"\x00" * (settings.max_body_bytes + 1024)
        r = post(client, token, "big.png", big)
        assert r.status_code == 201, r.text  # type: ignore[attr-defined]
        # Any other route keeps the default cap.
        r = client.post("/api/v1/staff/login", content=b"{" + b" " * (settings.max_body_bytes + 10) + b"}")
        assert_error_shape(r, 413, "payload_too_large")

    def test_login_and_kind_required(self, uclient: TestClient, session: Session) -> None:
        assert_error_shape(post(uclient, None, "a.png", PNG), 401)
        _, token = factories.member(session, "up-f")
        assert_error_shape(post(uclient, token, "a.png", PNG, kind="video"), 422, "validation_error")
        r = uclient.post("/api/v1/uploads", headers=auth(token), data={"kind": "image"})
        assert_error_shape(r, 422, "validation_error")

    def test_path_in_the_name_is_dropped(self, uclient: TestClient, session: Session) -> None:
        _, token = factories.member(session, "up-g")
        r = post(uclient, token, "../../etc/<x>.png", PNG)
        assert r.status_code == 201, r.text  # type: ignore[attr-defined]
        assert r.json()["filename"] == "_x_.png"  # type: ignore[attr-defined]


class TestUploadGet:
    def test_private_only_for_its_owner(self, uclient: TestClient, session: Session) -> None:
        _, owner = factories.member(session, "get-a")
        _, other = factories.member(session, "get-b")
        uid = post(uclient, owner, "私密.pdf", PDF, kind="attachment").json()["id"]  # type: ignore[attr-defined]
        r = uclient.get(f"/api/v1/uploads/{uid}", headers=auth(owner))
        assert r.status_code == 200, r.text
        assert r.json()["filename"] == "私密.pdf"
        assert_error_shape(uclient.get(f"/api/v1/uploads/{uid}", headers=auth(other)), 404, "upload_not_found")
        assert_error_shape(uclient.get(f"/api/v1/uploads/{uid}"), 404, "upload_not_found")
        assert_error_shape(uclient.get("/api/v1/uploads/2147483647", headers=auth(owner)), 404)

    def test_public_for_everyone_without_the_owners_file_name(self, uclient: TestClient, session: Session) -> None:
        _, owner = factories.member(session, "get-c")
        _, other = factories.member(session, "get-d")
        uid = post(uclient, owner, "张三身份证.png", PNG, visibility="public").json()["id"]  # type: ignore[attr-defined]
        for headers in (auth(other), {}):
            r = uclient.get(f"/api/v1/uploads/{uid}", headers=headers)
            assert r.status_code == 200, r.text
            assert r.json()["is_mine"] is False
            assert r.json()["filename"] == f"图片{uid}.png"


class TestUploadContent:
    def test_bytes_served_to_owner_only(self, uclient: TestClient, session: Session) -> None:
        _, owner = factories.member(session, "con-a")
        _, other = factories.member(session, "con-b")
        uid = post(uclient, owner, "图.png", PNG).json()["id"]  # type: ignore[attr-defined]
        r = uclient.get(f"/api/v1/uploads/{uid}/content", headers=auth(owner))
        assert r.status_code == 200, r.text
        assert r.content == PNG
        assert r.headers["content-type"] == "image/png"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["content-disposition"].startswith("inline;")
        assert "no-store" in r.headers["cache-control"]
        assert_error_shape(uclient.get(f"/api/v1/uploads/{uid}/content", headers=auth(other)), 404)
        assert_error_shape(uclient.get(f"/api/v1/uploads/{uid}/content"), 404)

    def test_public_attachment_downloads_for_anyone(self, uclient: TestClient, session: Session) -> None:
        _, owner = factories.member(session, "con-c")
        uid = post(uclient, owner, "方案.pdf", PDF, kind="attachment", visibility="public").json()["id"]  # type: ignore[attr-defined]
        r = uclient.get(f"/api/v1/uploads/{uid}/content")
        assert r.status_code == 200, r.text
        assert r.content == PDF
        assert r.headers["content-disposition"].startswith("attachment;")
        assert "方案" not in r.headers["content-disposition"]


class TestUploadDelete:
    def test_another_member_cannot_delete(
        self, uclient: TestClient, session: Session, upload_settings: Settings
    ) -> None:
        _, owner = factories.member(session, "del-a")
        _, other = factories.member(session, "del-b")
        uid = post(uclient, owner, "a.png", PNG, visibility="public").json()["id"]  # type: ignore[attr-defined]
        assert_error_shape(uclient.delete(f"/api/v1/uploads/{uid}", headers=auth(other)), 404, "upload_not_found")
        assert_error_shape(uclient.delete(f"/api/v1/uploads/{uid}"), 401)
        assert len(stored_files(upload_settings)) == 1
        assert uclient.get(f"/api/v1/uploads/{uid}/content", headers=auth(owner)).content == PNG

    def test_owner_deletes_row_and_file(self, uclient: TestClient, session: Session, upload_settings: Settings) -> None:
        _, owner = factories.member(session, "del-c")
        uid = post(uclient, owner, "a.png", PNG).json()["id"]  # type: ignore[attr-defined]
        r = uclient.delete(f"/api/v1/uploads/{uid}", headers=auth(owner))
        assert r.status_code == 204, r.text
        assert stored_files(upload_settings) == []
        assert_error_shape(uclient.get(f"/api/v1/uploads/{uid}", headers=auth(owner)), 404)
        assert_error_shape(uclient.delete(f"/api/v1/uploads/{uid}", headers=auth(owner)), 404)


class TestClaim:
    """The hook 发榜/揭榜 use: a form may reference only its member's own live uploads."""

    def test_own_uploads_become_refs_and_public(self, uclient: TestClient, session: Session) -> None:
        m, token = factories.member(session, "claim-a")
        a = post(uclient, token, "指标.pdf", PDF, kind="attachment").json()["id"]  # type: ignore[attr-defined]
        b = post(uclient, token, "图.jpg", JPEG).json()["id"]  # type: ignore[attr-defined]
        rows = service.claim(session, m.id, [b, a, b])
        assert [u.id for u in rows] == [b, a]
        refs = service.attachment_refs(rows)
        assert refs[1] == {
            "upload_id": str(a),
            "kind": "attachment",
            "name": "指标.pdf",
            "content_type": "application/pdf",
            "url": f"/api/v1/uploads/{a}/content",
        }
        assert service.publish(session, [a, b]) == 2
        assert service.publish(session, [a, b]) == 0
        session.expire_all()
        assert uclient.get(f"/api/v1/uploads/{a}/content").status_code == 200

    def test_others_deleted_or_wrong_kind_refused(self, uclient: TestClient, session: Session) -> None:
        m, token = factories.member(session, "claim-b")
        _, other = factories.member(session, "claim-c")
        theirs = post(uclient, other, "x.pdf", PDF, kind="attachment").json()["id"]  # type: ignore[attr-defined]
        mine = post(uclient, token, "y.pdf", PDF, kind="attachment").json()["id"]  # type: ignore[attr-defined]
        gone = post(uclient, token, "z.png", PNG).json()["id"]  # type: ignore[attr-defined]
        uclient.delete(f"/api/v1/uploads/{gone}", headers=auth(token))
        with pytest.raises(service.Invalid) as err:
            service.claim(session, m.id, [mine, theirs, gone])
        assert err.value.code == "upload_not_owned"
        assert err.value.detail[0]["ids"] == [theirs, gone]
        with pytest.raises(service.Invalid):
            service.claim(session, m.id, [mine], kinds=[UploadKind.image])

    def test_ids_from_attachment_urls(self) -> None:
        urls = [
            "http://127.0.0.1:8000/api/v1/uploads/12/content",
            "/api/v1/uploads/7/content?x=1",
            "https://example.com/api/v1/uploads/99/other",
            "https://example.com/file.pdf",
            "/api/v1/uploads/12/content",
        ]
        assert service.upload_ids_in(urls) == [12, 7]


class TestSniff:
    def test_formats(self) -> None:
        assert sniff.sniff(PNG) is sniff.PNG
        assert sniff.sniff(JPEG) is sniff.JPEG
        assert sniff.sniff(b"GIF89a....") is sniff.GIF
        assert sniff.sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") is sniff.WEBP
        assert sniff.sniff(EXE) is None
        assert sniff.resolve(sniff.OLE, "a.xls") is not None
        assert sniff.resolve(sniff.OLE, "a.pdf") is None

    def test_clean_filename(self) -> None:
        assert sniff.clean_filename("C:\\Users\\张三\\方案.pdf", "pdf") == "方案.pdf"
        assert sniff.clean_filename("...", "png") == "file.png"
        long = "长" * 200 + ".pdf"
        cleaned = sniff.clean_filename(long, "pdf")
        assert len(cleaned) == 100 and cleaned.endswith(".pdf")
