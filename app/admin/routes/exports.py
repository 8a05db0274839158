"""三张清单导出."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app.admin import exports
from app.admin.deps import Perm, allowed_city, require
from app.admin.render import render
from app.audit.service import record
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import Invalid
from app.core.schemas import CityCode
from app.core.security import client_ip
from app.core.timeutil import CHINA
from app.staff.models import StaffUser

router = APIRouter(prefix="/exports")
Exporter = Annotated[StaffUser, Depends(require(Perm.export))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("")
def index(request: Request, user: Exporter, session: SessionDep) -> Response:
    city = allowed_city(user, None)
    counts = {s.title: len(exports.rows_of(session, user, s, city)) for s in exports.SHEETS}
    return render(request, "exports.html", user, sheets=exports.SHEETS, fixed_city=city, counts=counts)


@router.get("/download")
def download(
    request: Request,
    user: Exporter,
    session: WriteSessionDep,
    lists: Annotated[str, Query(alias="list", max_length=16)] = "all",
    city: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    if city and city not in {c.value for c in CityCode}:
        raise Invalid("没有这个城市", code="unknown_city")
    keys = [s.key for s in exports.SHEETS] if lists == "all" else [lists]
    if any(k not in exports.BY_KEY for k in keys):
        raise Invalid("没有这个清单", code="unknown_list")
    scope = allowed_city(user, city or None)
    data, counts = exports.workbook(session, user, keys, scope)
    record(
        session,
        actor_type="staff",
        actor_id=user.id,
        city_code=scope,
        action="export.lists",
        object_type="lists",
        object_id=lists,
        ip=client_ip(request),
        detail={"city": scope or "all", "rows": counts},
    )
    session.commit()
    name = "三张清单" if lists == "all" else exports.BY_KEY[lists].title
    stamp = datetime.now(CHINA).strftime("%Y%m%d")
    filename = f"{name}-{exports.CITY.get(scope or '', '全部城市')}-{stamp}.xlsx"
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename=lists.xlsx; filename*=UTF-8''{quote(filename)}"},
    )
