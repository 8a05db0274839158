from __future__ import annotations

from fastapi import APIRouter, Request

from app.audit.service import record
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import error_responses
from app.core.redis import RedisRequired
from app.core.security import bearer_token, client_ip
from app.members import service
from app.members.dependencies import CurrentMember
from app.members.privacy import PRIVACY_POLICY_SUMMARY, PRIVACY_POLICY_VERSION
from app.members.schemas import (
    LoginRequest,
    LoginToken,
    MeProfile,
    MeUpdate,
    PhoneBind,
    PrivacyConsent,
    PrivacyPolicyPublic,
)
from app.wechat.gateway import WeChatDep

router = APIRouter(tags=["members"], responses=error_responses(401, 403, 429, 503))


@router.get("/privacy-policy", operation_id="members_privacy_policy", summary="隐私政策")
def privacy_policy() -> PrivacyPolicyPublic:
    """当前隐私政策的版本与要点；会员同意当前版本后才能保存昵称、头像、手机号等个人资料。"""
    return PrivacyPolicyPublic(version=PRIVACY_POLICY_VERSION, summary=PRIVACY_POLICY_SUMMARY)


@router.post("/auth/login", operation_id="members_login", summary="微信登录", dependencies=[RedisRequired])
def login(body: LoginRequest, request: Request, session: WriteSessionDep, wechat: WeChatDep) -> LoginToken:
    """用 wx.login 的 code 换取本服务的登录令牌（session_key 只留在服务端）。code 只能用一次，失败请重新 wx.login。
    可同时提交用户在登录页同意的隐私政策版本。"""
    token, row, member = service.login(session, wechat, body.code, privacy_version=body.privacy_version)
    record(session, actor_type="member", actor_id=member.id, action="member.login", ip=client_ip(request))
    session.commit()
    return LoginToken(
        access_token=token,
        expires_at=row.expires_at,
        current_privacy_version=PRIVACY_POLICY_VERSION,
        member=service.profile(session, member),
    )


@router.post("/auth/renew", operation_id="members_renew", summary="续期登录令牌")
def renew(member: CurrentMember, request: Request, session: WriteSessionDep) -> LoginToken:
    """用仍有效的令牌换一个新令牌（有效期重新计算），旧令牌立即失效。"""
    me = service.own(session, member)
    token, row = service.renew(session, me, bearer_token(request) or "")
    session.commit()
    return LoginToken(
        access_token=token,
        expires_at=row.expires_at,
        current_privacy_version=PRIVACY_POLICY_VERSION,
        member=service.profile(session, me),
    )


@router.post("/auth/logout", operation_id="members_logout", summary="退出登录", status_code=204)
def logout(member: CurrentMember, request: Request, session: WriteSessionDep) -> None:
    """使当前令牌失效。"""
    service.logout(session, bearer_token(request) or "")
    record(session, actor_type="member", actor_id=member.id, action="member.logout", ip=client_ip(request))
    session.commit()


@router.get("/me", operation_id="members_me", summary="我的资料")
def me(member: CurrentMember, session: SessionDep) -> MeProfile:
    """本人资料，包括 openid 与所属机构；这是唯一返回 openid / unionid 的接口。"""
    return service.profile(session, member)


@router.patch("/me", operation_id="members_me_update", summary="修改我的资料")
def update_me(body: MeUpdate, member: CurrentMember, session: WriteSessionDep) -> MeProfile:
    """修改昵称、头像。须先同意隐私政策（否则 403 privacy_consent_required）；昵称经内容安全检测。"""
    me = service.update_profile(session, member, nickname=body.nickname, avatar_url=body.avatar_url)
    session.commit()
    return service.profile(session, me)


@router.post("/me/privacy-consent", operation_id="members_privacy_consent", summary="同意隐私政策")
def consent(body: PrivacyConsent, member: CurrentMember, request: Request, session: WriteSessionDep) -> MeProfile:
    """记录会员同意的隐私政策版本与时间；版本须为当前版本。"""
    me = service.own(session, member)
    service.consent(session, me, body.version)
    record(
        session,
        actor_type="member",
        actor_id=me.id,
        action="member.privacy_consent",
        ip=client_ip(request),
        detail={"version": body.version},
    )
    session.commit()
    return service.profile(session, me)


@router.post("/me/phone", operation_id="members_phone_bind", summary="绑定手机号")
def bind_phone(body: PhoneBind, member: CurrentMember, session: WriteSessionDep, wechat: WeChatDep) -> MeProfile:
    """用手机号快速验证组件的 code 向微信换取手机号并保存。须先同意隐私政策。"""
    me = service.bind_phone(session, wechat, member, body.code)
    session.commit()
    return service.profile(session, me)
