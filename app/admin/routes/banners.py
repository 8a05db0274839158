"""首页横幅: staff put banners on the mini-program's home page, for one city or (district staff) for all."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from app.admin.deps import Perm, allowed_city, require, scope_conds
from app.admin.forms import fields_of, form_values, parse_form
from app.admin.registry import Editable
from app.admin.render import redirect, render
from app.admin.security import check_csrf
from app.audit.service import record
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import Invalid, NotFound
from app.core.schemas import CityCode, ItemId
from app.core.security import client_ip
from app.home.models import Banner
from app.staff.models import StaffUser

router = APIRouter(prefix="/banners")
Editor = Annotated[StaffUser, Depends(require(Perm.boards))]
ENTRY = Editable("banner", "home", "首页横幅", Banner)
FORM_EXCLUDE = {"extra"}


def _fields() -> list[Any]:
    return [f for f in fields_of(ENTRY) if f.name not in FORM_EXCLUDE]


def _get(session: Session, user: StaffUser, banner_id: int) -> Banner:
    row = session.exec(select(Banner).where(col(Banner.id) == banner_id, *scope_conds(user, Banner))).first()
    if row is None:
        raise NotFound()
    return row


def _data(form: Any) -> dict[str, Any]:
    data = parse_form(ENTRY, form)
    for name in FORM_EXCLUDE:
        data.pop(name, None)
    return data


def _city(user: StaffUser, wanted: Any) -> str | None:
    city = allowed_city(user, wanted if isinstance(wanted, str) else None)
    if city is not None and city not in {c.value for c in CityCode}:
        raise Invalid(detail=[{"field": "city_code", "label": "城市", "message": "没有这个城市"}])
    return city


@router.get("")
def index(request: Request, user: Editor, session: SessionDep) -> Response:
    rows = session.exec(
        select(Banner).where(*scope_conds(user, Banner)).order_by(col(Banner.sort), col(Banner.id))
    ).all()
    return render(request, "banners.html", user, rows=rows)


@router.get("/new")
def new_form(request: Request, user: Editor) -> Response:
    return render(
        request,
        "banner_form.html",
        user,
        fields=_fields(),
        values={"active": "True"},
        row=None,
        errors=[],
        fixed_city=allowed_city(user, None),
    )


@router.post("/new", dependencies=[Depends(check_csrf)])
async def create(request: Request, user: Editor, session: WriteSessionDep) -> Response:
    form = await request.form()
    try:
        data = _data(form)
        row = Banner(**data, city_code=_city(user, form.get("city_code") or None))
    except Invalid as exc:
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return render(
            request,
            "banner_form.html",
            user,
            fields=_fields(),
            values=values,
            row=None,
            errors=exc.detail,
            fixed_city=allowed_city(user, None),
            status_code=422,
        )
    session.add(row)
    session.flush()
    record(
        session,
        actor_type="staff",
        actor_id=user.id,
        city_code=row.city_code,
        action="banner.create",
        object_type="banner",
        object_id=row.id,
        ip=client_ip(request),
    )
    session.commit()
    return redirect("/admin/banners", "横幅已保存")


@router.get("/{banner_id}")
def edit_form(request: Request, user: Editor, session: SessionDep, banner_id: ItemId) -> Response:
    row = _get(session, user, banner_id)
    return render(
        request,
        "banner_form.html",
        user,
        fields=_fields(),
        values=form_values(ENTRY, row),
        row=row,
        errors=[],
        fixed_city=allowed_city(user, None),
    )


@router.post("/{banner_id}", dependencies=[Depends(check_csrf)])
async def update(request: Request, user: Editor, session: WriteSessionDep, banner_id: ItemId) -> Response:
    row = _get(session, user, banner_id)
    form = await request.form()
    try:
        data = _data(form)
    except Invalid as exc:
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return render(
            request,
            "banner_form.html",
            user,
            fields=_fields(),
            values=values,
            row=row,
            errors=exc.detail,
            fixed_city=allowed_city(user, None),
            status_code=422,
        )
    result = session.exec(
        sa.update(Banner).where(col(Banner.id) == banner_id, *scope_conds(user, Banner)).values(**data)
    )
    if result.rowcount == 0:
        raise NotFound()
    record(
        session,
        actor_type="staff",
        actor_id=user.id,
        city_code=row.city_code,
        action="banner.update",
        object_type="banner",
        object_id=banner_id,
        ip=client_ip(request),
    )
    session.commit()
    return redirect("/admin/banners", "横幅已保存")


@router.post("/{banner_id}/active", dependencies=[Depends(check_csrf)])
def toggle(
    request: Request,
    user: Editor,
    session: WriteSessionDep,
    banner_id: ItemId,
    active: Annotated[bool, Form()],
) -> Response:
    result = session.exec(
        sa.update(Banner)
        .where(col(Banner.id) == banner_id, col(Banner.active).is_not(active), *scope_conds(user, Banner))
        .values(active=active)
    )
    if result.rowcount:
        row = _get(session, user, banner_id)
        record(
            session,
            actor_type="staff",
            actor_id=user.id,
            city_code=row.city_code,
            action="banner.show" if active else "banner.hide",
            object_type="banner",
            object_id=banner_id,
            ip=client_ip(request),
        )
    else:
        _get(session, user, banner_id)  # another city's banner is not found
    session.commit()
    return redirect("/admin/banners", "已上线" if active else "已下线")
