from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import col, select

from app.core.db import SessionDep
from app.core.errors import Unauthorized, raises
from app.core.models import utcnow
from app.core.security import bearer_token, token_digest
from app.members.models import Member, MemberSession


def _member_from_token(request: Request, session: SessionDep) -> Member | None:
    token = bearer_token(request)
    if token is None:
        return None
    row = session.exec(
        select(Member)
        .join(MemberSession, col(MemberSession.member_id) == col(Member.id))
        .where(
            MemberSession.token_hash == token_digest(token),
            col(MemberSession.revoked_at).is_(None),
            col(MemberSession.expires_at) > utcnow(),
        )
    ).first()
    # End the read transaction now, returning its connection to the pool: a write endpoint also holds a write
    # session, and two connections held per request for its whole length starve the pool under load.
    session.commit()
    if row is None:
        raise Unauthorized("登录已失效，请重新登录", code="token_invalid")
    return row


@raises(401)
def get_optional_member(request: Request, session: SessionDep) -> Member | None:
    return _member_from_token(request, session)


@raises(401)
def get_current_member(request: Request, session: SessionDep) -> Member:
    member = _member_from_token(request, session)
    if member is None:
        raise Unauthorized()
    return member


OptionalMember = Annotated[Member | None, Depends(get_optional_member)]
CurrentMember = Annotated[Member, Depends(get_current_member)]
