from __future__ import annotations

from fastapi.testclient import TestClient

from app.core.labels import DICTIONARIES, LABELS
from app.home.schemas import DictionariesPublic


class TestDictionaryList:
    def test_every_filter_enum_with_labels(self, client: TestClient) -> None:
        r = client.get("/api/v1/dictionaries")
        assert r.status_code == 200, r.text
        body = r.json()
        assert set(body) == set(DICTIONARIES)
        for name, enum in DICTIONARIES.items():
            assert [o["value"] for o in body[name]] == [m.value for m in enum], name
            assert all((o["label"] and o["label"] != o["value"]) or o["value"] == "pre_ipo" for o in body[name])
        assert {"value": "past", "label": "过去时"} in body["tense"]
        assert {"value": "equity", "label": "作价入股"} in body["transfer_mode"]
        assert {"value": "putuo", "label": "普陀"} in body["city"]
        assert {"value": "expired", "label": "失效"} in body["validity"]

    def test_labels_cover_every_member_and_nothing_else(self) -> None:
        for enum, labels in LABELS.items():
            assert set(labels) == {m.value for m in enum}, enum.__name__
        assert set(DICTIONARIES.values()) == set(LABELS)
        assert set(DictionariesPublic.model_fields) == set(DICTIONARIES)

    def test_filters_accept_every_dictionary_value(self, client: TestClient) -> None:
        checks = {
            "/api/v1/resources/resources": {"kind": "resource_kind", "platform_level": "platform_level"},
            "/api/v1/finance/funds": {"stage": "finance_stage"},
            "/api/v1/finance/products": {"product_type": "product_type"},
            "/api/v1/talent/services": {"category": "talent_category"},
            "/api/v1/showcase/achievements": {"ip_type": "ip_type", "transfer_mode": "transfer_mode"},
            "/api/v1/showcase/events": {"event_type": "event_type", "sort": "deadline_sort"},
            "/api/v1/cooperation/items": {"coop_type": "cooperation_type", "tense": "tense", "city": "city"},
            "/api/v1/policy/policies": {"level": "policy_level", "category": "policy_category", "status": "validity"},
        }
        body = client.get("/api/v1/dictionaries").json()
        for url, params in checks.items():
            for param, dictionary in params.items():
                for option in body[dictionary]:
                    r = client.get(url, params={param: option["value"]})
                    assert r.status_code == 200, (url, param, option, r.text)
