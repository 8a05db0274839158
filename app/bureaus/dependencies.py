from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.bureaus import service
from app.bureaus.service import PushPrincipal
from app.core.db import WriteSessionDep
from app.core.errors import Unauthorized, raises
from app.core.security import bearer_token, client_ip


@raises(401)
def get_bureau_key(request: Request, session: WriteSessionDep) -> PushPrincipal:
    """The pushing bureau, from `Authorization: Bearer yhn_…` (or `X-API-Key: yhn_…`)."""
    raw = bearer_token(request) or request.headers.get("x-api-key", "").strip()
    if not raw:
        raise Unauthorized("缺少 API 密钥", code="api_key_required")
    principal = service.authenticate(session, raw, client_ip(request))
    # The last-use touch is its own short transaction: it must survive a push that is refused later.
    session.commit()
    return principal


BureauKey = Annotated[PushPrincipal, Depends(get_bureau_key)]
