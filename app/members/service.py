"""Login with a wx.login code, our own opaque tokens, the profile and the privacy consent."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core.errors import Forbidden, Invalid, Unauthorized
from app.core.models import utcnow
from app.core.security import new_token, token_digest
from app.members.models import Member, MemberSession, OrgMembership
from app.members.privacy import PRIVACY_POLICY_VERSION
from app.members.schemas import MembershipPublic, MeProfile
from app.orgs.models import Organization
from app.wechat.gateway import WeChatGateway, WxSession

TOKEN_TTL = timedelta(days=7)


class ConsentRequired(Forbidden):
    code = "privacy_consent_required"
    message = "请先阅读并同意隐私政策"


def own(session: Session, member: Member) -> Member:
    """The member's row in this (write) session: `CurrentMember` was loaded by the request's read session."""
    row = session.get(Member, member.id)
    if row is None:
        raise Unauthorized("登录已失效，请重新登录", code="token_invalid")
    return row


def needs_consent(member: Member) -> bool:
    return member.privacy_version != PRIVACY_POLICY_VERSION


def require_consent(member: Member) -> None:
    if needs_consent(member):
        raise ConsentRequired(detail={"current_version": PRIVACY_POLICY_VERSION})


def _check_version(version: str) -> None:
    if version != PRIVACY_POLICY_VERSION:
        raise Invalid(
            "隐私政策已更新，请阅读最新版本后再同意",
            code="privacy_version_outdated",
            detail={"current_version": PRIVACY_POLICY_VERSION},
        )


def _member_for(session: Session, wx: WxSession) -> Member:
    member = session.exec(select(Member).where(Member.openid == wx.openid)).first()
    if member is not None:
        return member
    try:
        # Two first logins of one user at once: the loser of the unique openid re-reads the winner's row.
        with session.begin_nested():
            member = Member(openid=wx.openid)
            session.add(member)
            session.flush()
        return member
    except IntegrityError:
        found = session.exec(select(Member).where(Member.openid == wx.openid)).first()
        if found is None:
            raise
        return found


def login(
    session: Session, gateway: WeChatGateway, code: str, *, privacy_version: str | None = None
) -> tuple[str, MemberSession, Member]:
    """code2Session (once, before the database is touched), then the member and a new token."""
    if privacy_version is not None:
        _check_version(privacy_version)
    wx = gateway.code2session(code)
    member = _member_for(session, wx)
    now = utcnow()
    if privacy_version is not None and needs_consent(member):
        member.privacy_version, member.privacy_consented_at = privacy_version, now
    # The unionid is personal data: kept only once the member has consented.
    if wx.unionid and not needs_consent(member):
        member.unionid = wx.unionid
    member.last_login_at = now
    session.add(member)
    token, row = _open_session(session, member, wx.session_key)
    return token, row, member


def _open_session(session: Session, member: Member, session_key: str) -> tuple[str, MemberSession]:
    token = new_token("mbr")
    row = MemberSession(
        token_hash=token_digest(token),
        member_id=member.id,  # type: ignore[arg-type]
        wechat_session_key=session_key,
        expires_at=utcnow() + TOKEN_TTL,
    )
    session.add(row)
    session.flush()
    return token, row


def _revoke(session: Session, token: str) -> MemberSession | None:
    """One conditional UPDATE: of two requests with one token, only one revokes it."""
    digest = token_digest(token)
    now = utcnow()
    result = session.exec(
        sa.update(MemberSession)
        .where(
            col(MemberSession.token_hash) == digest,
            col(MemberSession.revoked_at).is_(None),
            col(MemberSession.expires_at) > now,
        )
        .values(revoked_at=now)
    )
    if result.rowcount != 1:
        return None
    return session.exec(select(MemberSession).where(MemberSession.token_hash == digest)).first()


def renew(session: Session, member: Member, token: str) -> tuple[str, MemberSession]:
    """A new token with a new expiry for a still-valid one; the old token stops working."""
    old = _revoke(session, token)
    if old is None:
        raise Unauthorized("登录已失效，请重新登录", code="token_invalid")
    return _open_session(session, member, old.wechat_session_key)


def logout(session: Session, token: str) -> None:
    _revoke(session, token)


def consent(session: Session, member: Member, version: str) -> Member:
    _check_version(version)
    if needs_consent(member):
        member.privacy_version, member.privacy_consented_at = version, utcnow()
        session.add(member)
    return member


def update_profile(session: Session, member: Member, *, nickname: str | None, avatar_url: str | None) -> Member:
    """Consent first; the nickname is checked by WeChat before the write transaction starts (no lock held while
    waiting for WeChat). A risky nickname is a 422; it is shown to nobody but its owner."""
    require_consent(member)
    if nickname is not None:
        from app.moderation.service import check_member_texts

        check_member_texts(member, nickname)
    me = own(session, member)
    if nickname is not None:
        me.nickname = nickname
    if avatar_url is not None:
        me.avatar_url = avatar_url
    session.add(me)
    return me


def bind_phone(session: Session, gateway: WeChatGateway, member: Member, code: str) -> Member:
    require_consent(member)
    phone = gateway.phone_number(code)
    me = own(session, member)
    me.phone = phone
    session.add(me)
    return me


def memberships(session: Session, member: Member) -> list[MembershipPublic]:
    rows = session.exec(
        select(OrgMembership, Organization)
        .join(Organization, col(Organization.id) == col(OrgMembership.org_id))
        .where(OrgMembership.member_id == member.id)
        .order_by(col(OrgMembership.id))
    ).all()
    return [
        MembershipPublic(
            org_id=org.id,
            org_name=org.name,
            credit_code=org.credit_code,
            verification=org.verification,
            role=m.role,
            acting=org.id == member.acting_org_id,
        )
        for m, org in rows
    ]


def profile(session: Session, member: Member) -> MeProfile:
    return MeProfile.model_validate(
        {
            **member.model_dump(),
            "privacy_consent_required": needs_consent(member),
            "memberships": memberships(session, member),
        }
    )
