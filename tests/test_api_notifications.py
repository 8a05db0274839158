"""The inbox, subscribe-message credits, and their delivery through the fake WeChat."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.core.db import make_engine
from app.members.models import Member
from app.notifications import service
from app.notifications.models import Notification, SubscribeCredit
from app.notifications.service import deliver_pending, notify
from app.wechat.fake import FakeWeChatServer
from app.wechat.gateway import get_gateway
from tests import factories
from tests.conftest import bearer, fresh_database_url, login_member, migrate
from tests.contracts import assert_error_shape

TPL = "tmpl_fake_notice"
GRANTS = "/api/v1/me/subscriptions/wechat-grants"


def credits_of(session: Session, member_id: int) -> int:
    row = session.exec(
        select(SubscribeCredit).where(SubscribeCredit.member_id == member_id, SubscribeCredit.template_id == TPL)
    ).first()
    return row.credits if row else 0


class TestNotificationsList:
    def test_own_messages_newest_first(self, client: TestClient, session: Session) -> None:
        a, token = factories.member(session, "ofake_a")
        b, _ = factories.member(session, "ofake_b")
        first = notify(session, a.id, "demand.approved", "榜单已通过审核")
        second = notify(session, a.id, "application.new", "收到新的揭榜申请", "某大学申请揭榜", "demand:1")
        notify(session, b.id, "demand.approved", "别人的消息")
        session.flush()
        r = client.get("/api/v1/me/notifications", headers=bearer(token))
        assert r.status_code == 200, r.text
        assert [n["id"] for n in r.json()["items"]] == [second.id, first.id]
        assert r.json()["items"][0]["link"] == "demand:1"
        assert "push_status" not in r.json()["items"][0] and "member_id" not in r.json()["items"][0]

    def test_unread_only(self, client: TestClient, session: Session) -> None:
        a, token = factories.member(session, "ofake_a")
        n1 = notify(session, a.id, "k", "一")
        notify(session, a.id, "k", "二")
        session.flush()
        service.mark_read(session, a.id, n1.id)  # type: ignore[arg-type]
        r = client.get("/api/v1/me/notifications", params={"unread_only": True}, headers=bearer(token))
        assert [n["title"] for n in r.json()["items"]] == ["二"]

    def test_needs_login(self, client: TestClient) -> None:
        assert_error_shape(client.get("/api/v1/me/notifications"), 401)


class TestNotificationsUnreadCount:
    def test_counts_own_unread(self, client: TestClient, session: Session) -> None:
        a, token = factories.member(session, "ofake_a")
        b, _ = factories.member(session, "ofake_b")
        notify(session, a.id, "k", "一")
        notify(session, a.id, "k", "二")
        notify(session, b.id, "k", "三")
        session.flush()
        assert client.get("/api/v1/me/notifications/unread-count", headers=bearer(token)).json() == {"unread": 2}


class TestNotificationsRead:
    def test_mark_one_read_and_not_anothers(self, client: TestClient, session: Session) -> None:
        a, token = factories.member(session, "ofake_a")
        b, _ = factories.member(session, "ofake_b")
        mine = notify(session, a.id, "k", "一")
        theirs = notify(session, b.id, "k", "二")
        session.flush()
        r = client.post(f"/api/v1/me/notifications/{mine.id}/read", headers=bearer(token))
        assert r.status_code == 200, r.text
        assert r.json()["read_at"]
        assert_error_shape(client.post(f"/api/v1/me/notifications/{theirs.id}/read", headers=bearer(token)), 404)
        session.refresh(theirs)
        assert theirs.read_at is None
        assert_error_shape(client.post("/api/v1/me/notifications/99999999/read", headers=bearer(token)), 404)


class TestNotificationsReadAll:
    def test_only_own(self, client: TestClient, session: Session) -> None:
        a, token = factories.member(session, "ofake_a")
        b, _ = factories.member(session, "ofake_b")
        notify(session, a.id, "k", "一")
        notify(session, a.id, "k", "二")
        theirs = notify(session, b.id, "k", "三")
        session.flush()
        r = client.post("/api/v1/me/notifications/read-all", headers=bearer(token))
        assert r.status_code == 200, r.text
        assert r.json() == {"updated": 2}
        session.refresh(theirs)
        assert theirs.read_at is None


class TestNotificationsWechatGrants:
    def test_accept_adds_reject_zeroes(self, client: TestClient, session: Session) -> None:
        _, token = factories.member(session, "ofake_a")
        for _ in range(2):
            r = client.post(GRANTS, json={"results": {TPL: "accept", "other_tpl": "accept"}}, headers=bearer(token))
            assert r.status_code == 200, r.text
        assert {c["template_id"]: c["credits"] for c in r.json()["items"]} == {TPL: 2, "other_tpl": 2}
        assert r.json()["notice_template_id"] == TPL
        r = client.post(GRANTS, json={"results": {TPL: "reject"}}, headers=bearer(token))
        assert {c["template_id"]: c["credits"] for c in r.json()["items"]} == {TPL: 0, "other_tpl": 2}
        _, other = factories.member(session, "ofake_b")
        assert client.get(GRANTS, headers=bearer(other)).json()["items"] == []

    def test_body_checked(self, client: TestClient, session: Session) -> None:
        _, token = factories.member(session, "ofake_a")
        assert_error_shape(client.post(GRANTS, json={"results": {TPL: "maybe"}}, headers=bearer(token)), 422)
        assert_error_shape(client.post(GRANTS, json={"results": {}}, headers=bearer(token)), 422)
        assert_error_shape(
            client.post(GRANTS, json={"results": {"bad id!": "accept"}}, headers=bearer(token)),
            422,
            "template_id_invalid",
        )


class TestSubscribeDelivery:
    """notify() spends a credit; deliver_pending() sends through the fake WeChat after the commit."""

    def test_one_message_per_credit_then_inbox_alone(
        self, client: TestClient, session: Session, fake_wechat: str, fake_wechat_server: FakeWeChatServer
    ) -> None:
        token, body = login_member(client, "alice")
        member_id = body["member"]["id"]  # type: ignore[index]
        client.post(GRANTS, json={"results": {TPL: "accept"}}, headers=bearer(token))
        client.post(GRANTS, json={"results": {TPL: "accept"}}, headers=bearer(token))
        notes = [
            notify(session, member_id, "demand.approved", f"榜单第{i}条已通过审核的很长很长的标题文字")
            for i in range(3)
        ]
        session.flush()
        assert [n.push_status for n in notes] == ["pending", "pending", "none"]
        assert deliver_pending(session, get_gateway()) == {"sent": 2, "refused": 0, "failed": 0}
        sent = fake_wechat_server.state.sent
        assert [m["touser"] for m in sent] == ["ofake_alice", "ofake_alice"]
        assert len(sent[0]["data"]["thing1"]["value"]) <= 20
        assert credits_of(session, member_id) == 0
        assert deliver_pending(session, get_gateway()) == {"sent": 0, "refused": 0, "failed": 0}
        r = client.get("/api/v1/me/notifications", headers=bearer(token))
        assert r.json()["total"] == 3

    def test_refused_43101_zeroes_credits(
        self, client: TestClient, session: Session, fake_wechat: str, fake_wechat_server: FakeWeChatServer
    ) -> None:
        token, body = login_member(client, "refuse-bob")
        member_id = body["member"]["id"]  # type: ignore[index]
        for _ in range(3):
            client.post(GRANTS, json={"results": {TPL: "accept"}}, headers=bearer(token))
        note = notify(session, member_id, "k", "新消息")
        session.flush()
        assert deliver_pending(session, get_gateway()) == {"sent": 0, "refused": 1, "failed": 0}
        session.refresh(note)
        assert note.push_status == "refused" and note.read_at is None
        assert credits_of(session, member_id) == 0
        assert notify(session, member_id, "k", "之后只有站内信").push_status == "none"

    def test_wechat_error_gives_credit_back(
        self, client: TestClient, session: Session, fake_wechat: str, fake_wechat_server: FakeWeChatServer
    ) -> None:
        token, body = login_member(client, "carol")
        member_id = body["member"]["id"]  # type: ignore[index]
        client.post(GRANTS, json={"results": {TPL: "accept"}}, headers=bearer(token))
        fake_wechat_server.state.queue("subscribe_send", errcode=47003)
        notify(session, member_id, "k", "一")
        session.flush()
        assert deliver_pending(session, get_gateway()) == {"sent": 0, "refused": 0, "failed": 1}
        assert credits_of(session, member_id) == 1
        fake_wechat_server.state.queue("subscribe_send", errcode=-1)
        notify(session, member_id, "k", "二")
        session.flush()
        assert deliver_pending(session, get_gateway())["failed"] == 1
        assert credits_of(session, member_id) == 1
        notify(session, member_id, "k", "三")
        session.flush()
        assert deliver_pending(session, get_gateway())["sent"] == 1
        assert fake_wechat_server.state.sent[-1]["data"]["thing1"] == {"value": "三"}

    def test_sent_after_commit_by_itself(
        self, tmp_path: Path, fake_wechat: str, fake_wechat_server: FakeWeChatServer
    ) -> None:
        url = fresh_database_url(tmp_path, "outbox")
        migrate(url)
        engine = make_engine(url)
        try:
            with Session(engine.execution_options(sqlite_write=True)) as s:
                m = Member(openid="ofake_dave", privacy_version="1.0")
                s.add(m)
                s.flush()
                service.add_credit(s, m.id, TPL)  # type: ignore[arg-type]
                s.commit()
                notify(s, m.id, "k", "提交后自动发送")  # type: ignore[arg-type]
                assert fake_wechat_server.state.sent == []
                s.commit()
            service._executor.submit(lambda: None).result(timeout=30)  # the delivery queued before this one is done
            assert [x["touser"] for x in fake_wechat_server.state.sent] == ["ofake_dave"]
            with Session(engine) as s:
                assert s.exec(select(Notification.push_status)).all() == ["sent"]
        finally:
            engine.dispose()


class TestNotifyOrg:
    """The one way every domain (demands, contributions, managers) tells an organisation's members."""

    def test_every_member_of_the_org_and_nobody_else(self, session: Session) -> None:
        org = factories.organization(session, "常州某新材料公司", "91320400MA1X000001")
        other = factories.organization(session, "无锡某公司", "91320200MA1X000002")
        admin, _ = factories.member(session, "openid-org-admin", org=org)
        staff, _ = factories.member(session, "openid-org-staff", org=org, role="member")
        outsider, _ = factories.member(session, "openid-outsider", org=other)
        service.notify_org(session, org.id, "demand.approved", "榜单已发布", "正文", "demand:1")
        service.notify_org(session, None, "demand.approved", "无机构的记录", "", "")
        session.flush()
        rows = session.exec(select(Notification.member_id, Notification.kind, Notification.link)).all()
        assert sorted(rows) == sorted(
            [(admin.id, "demand.approved", "demand:1"), (staff.id, "demand.approved", "demand:1")]
        )
        assert outsider.id not in {r[0] for r in rows}
