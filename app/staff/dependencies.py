from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from app.core.db import WriteSessionDep
from app.core.errors import Forbidden, Unauthorized, raises
from app.core.security import bearer_token
from app.staff import service
from app.staff.models import StaffRole
from app.staff.models import StaffUser as StaffUserModel


@raises(401)
def get_current_staff(request: Request, session: WriteSessionDep) -> StaffUserModel:
    token = bearer_token(request) or request.cookies.get("staff_session")
    if not token:
        raise Unauthorized("请先登录后台", code="staff_login_required")
    user = service.staff_for_token(session, token)
    # The idle-timeout touch must survive even on read-only endpoints.
    session.commit()
    return user


StaffUser = Annotated[StaffUserModel, Depends(get_current_staff)]


def require_roles(*roles: StaffRole) -> Callable[[StaffUserModel], StaffUserModel]:
    @raises(403)
    def check(user: StaffUser) -> StaffUserModel:
        if user.role not in roles:
            raise Forbidden("当前角色无权进行此操作", code="role_forbidden")
        return user

    return check


StaffAdmin = Annotated[StaffUserModel, Depends(require_roles(StaffRole.district_admin, StaffRole.city_admin))]
StaffReviewer = Annotated[
    StaffUserModel,
    Depends(require_roles(StaffRole.district_admin, StaffRole.city_admin, StaffRole.reviewer)),
]
DistrictAdmin = Annotated[StaffUserModel, Depends(require_roles(StaffRole.district_admin))]
