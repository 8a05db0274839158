"""Push reports, Excel templates and import, and the other record types (demands, 合作清单)."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, select

from app.bureaus.kinds import KINDS, PushKind
from app.bureaus.xlsx import template_bytes
from app.cooperation.models import CooperationItem
from tests import factories
from tests.contracts import assert_error_shape
from tests.push_helpers import headers, resource_record

PUSH = "/api/v1/push"


def push(client: TestClient, key: str, kind: str, body: dict[str, Any], idem: str | None = None) -> Any:
    return client.post(f"{PUSH}/{kind}", json=body, headers=headers(key, idem))


class TestBatchList:
    def test_lists_own_batches_only(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        _, other = factories.bureau_key(session, "wuxi")
        first = push(client, key, "resource", {"records": [resource_record(1)]}).json()["batch_id"]
        push(client, key, "resource", {"records": [resource_record(2, kind="bad")]})
        push(client, other, "resource", {"records": [resource_record(3)]})
        r = client.get(f"{PUSH}/batches", headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert r.json()["total"] == 2
        assert [b["status"] for b in items] == ["rejected", "applied"]
        assert items[1]["id"] == first and items[1]["counts"]["created"] == 1


class TestBatchGet:
    def test_own_report_and_other_bureau_404(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        _, other = factories.bureau_key(session, "nanjing")
        answer = push(client, key, "resource", {"records": [resource_record(1)]}).json()
        r = client.get(f"{PUSH}/batches/{answer['batch_id']}", headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200, r.text
        assert r.json()["response"] == answer
        r = client.get(f"{PUSH}/batches/{answer['batch_id']}", headers={"Authorization": f"Bearer {other}"})
        assert_error_shape(r, 404, "batch_not_found")


class TestTemplate:
    def test_every_kind_has_a_template(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        for kind in PushKind:
            r = client.get(f"{PUSH}/templates/{kind.value}", headers={"Authorization": f"Bearer {key}"})
            assert r.status_code == 200, r.text
            ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
            heads = [c.value for c in ws[1]]
            assert heads[0] == "*记录编号 (source_id)"
            fields = [h.rsplit("(", 1)[1].rstrip(")") for h in heads]
            assert fields == list(KINDS[kind].record.model_fields)

    def test_requires_key(self, client: TestClient) -> None:
        assert_error_shape(client.get(f"{PUSH}/templates/resource"), 401)


def filled(kind: PushKind, rows: list[dict[str, Any]]) -> bytes:
    wb = load_workbook(io.BytesIO(template_bytes(KINDS[kind])))
    ws = wb.worksheets[0]
    fields = [str(c.value).rsplit("(", 1)[1].rstrip(")") for c in ws[1]]
    for r, row in enumerate(rows, start=3):
        for name, value in row.items():
            ws.cell(row=r, column=fields.index(name) + 1, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class TestImport:
    def test_same_validation_as_json(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        data = filled(
            PushKind.cooperation,
            [
                {
                    "source_id": "C-1",
                    "title": "沪宁产业链协同",
                    "coop_type": "chain",
                    "tense": "present",
                    "partner_cities": "nanjing、suzhou",
                    "start_date": "2026-01-01",
                },
                {"source_id": "C-2", "title": "联合路演", "coop_type": "party", "tense": "future"},
            ],
        )
        files = {"file": ("c.xlsx", data, "application/octet-stream")}
        r = client.post(f"{PUSH}/cooperation/import", files=files, headers=headers(key, "xlsx-import-1"))
        report = assert_error_shape(r, 422, "push_rejected")["detail"]
        assert report["results"][1]["errors"][0]["field"] == "coop_type"
        assert session.exec(select(CooperationItem)).all() == []
        r = client.post(
            f"{PUSH}/cooperation/import", files=files, params={"atomic": "false"}, headers=headers(key, "xlsx-import-2")
        )
        assert r.status_code == 200, r.text
        (item,) = session.exec(select(CooperationItem)).all()
        assert item.partner_cities == ["nanjing", "suzhou"] and item.source_id == "C-1"
        assert str(item.start_date) == "2026-01-01"

    def test_not_a_workbook(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        files = {"file": ("c.xlsx", b"not a workbook", "application/octet-stream")}
        assert_error_shape(
            client.post(f"{PUSH}/resource/import", files=files, headers=headers(key)), 422, "xlsx_invalid"
        )

    def test_wrong_header(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(["名称"])
        ws.append(["说明"])
        ws.append(["x"])
        out = io.BytesIO()
        wb.save(out)
        files = {"file": ("c.xlsx", out.getvalue(), "application/octet-stream")}
        r = client.post(f"{PUSH}/resource/import", files=files, headers=headers(key))
        assert_error_shape(r, 422, "xlsx_header_invalid")


class TestOtherKinds:
    def test_every_kind_accepts_a_minimal_record(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        minimal: dict[PushKind, dict[str, Any]] = {
            PushKind.policy: {"title": "政策", "issuer": "无锡市科技局", "level": "city", "category": "subsidy"},
            PushKind.resource: {"name": "平台", "kind": "platform"},
            PushKind.tech_manager: {"name": "张三"},
            PushKind.alliance: {"name": "新能源联盟", "lead_org": "某院", "chain_code": "new_energy"},
            PushKind.fund: {"name": "基金", "manager": "管理人", "stages": ["seed", "a"]},
            PushKind.financial_product: {"name": "科技贷", "product_type": "tech_loan", "institution": "某银行"},
            PushKind.financing_need: {"title": "融资", "org_name": "某企业", "stage": "angel"},
            PushKind.service_station: {"name": "工作站", "lat": 31.49, "lng": 120.31},
            PushKind.talent_service: {"title": "人才公寓", "category": "housing", "provider": "某局"},
            PushKind.job: {"title": "工程师", "org_name": "某企业"},
            PushKind.expert: {"name": "李四", "affiliation": "某大学"},
            PushKind.training_programme: {"title": "联合培养"},
            PushKind.achievement: {"title": "成果", "owner_name": "某院", "ip_type": "software", "trl": 6},
            PushKind.event: {
                "title": "路演",
                "event_type": "roadshow",
                "organizer": "某局",
                "starts_at": "2026-12-01 09:00",
            },
            PushKind.demand: {"title": "攻关", "demand_type": "tackling", "org_name": "某企业"},
            PushKind.cooperation: {"title": "合作", "coop_type": "chain", "tense": "past"},
        }
        assert set(minimal) == set(PushKind)
        for kind, record in minimal.items():
            r = push(client, key, kind.value, {"records": [{"source_id": "X-1", **record}]})
            assert r.status_code == 200, (kind, r.text)
            assert r.json()["results"][0]["outcome"] == "created", kind
            r = push(client, key, kind.value, {"records": [{"source_id": "X-1", **record}]})
            assert r.json()["results"][0]["outcome"] == "unchanged", (kind, r.text)

    def test_unknown_reference_code(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        record = {"source_id": "A-1", "name": "联盟", "lead_org": "某院", "chain_code": "no_such_chain"}
        r = push(client, key, "alliance", {"records": [record]})
        assert assert_error_shape(r, 422)["detail"]["results"][0]["errors"][0]["field"] == "chain_code"

    def test_naive_times_are_beijing_time(self, client: TestClient, session: Session) -> None:
        from app.boards.showcase.models import Event

        _, key = factories.bureau_key(session)
        record = {
            "source_id": "E-1",
            "title": "路演",
            "event_type": "roadshow",
            "organizer": "某局",
            "starts_at": "2026-12-01T09:00:00",
        }
        assert push(client, key, "event", {"records": [record]}).status_code == 200
        event = session.exec(select(Event)).one()
        assert event.starts_at.hour == 1 and event.starts_at.utcoffset() is not None
