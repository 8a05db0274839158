"""栏目维护: list, create, edit, publish and unpublish the records of every board."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from sqlmodel import Session, select

from app.admin import service
from app.admin.deps import Perm, allowed_city, require
from app.admin.forms import fields_of, form_values, parse_form
from app.admin.registry import BOARD_NAMES, EDITABLES, Editable, editable
from app.admin.render import redirect, render
from app.admin.security import check_csrf
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import Invalid
from app.core.schemas import ItemId
from app.core.security import client_ip
from app.staff.models import StaffUser
from app.taxonomy.models import Chain, Industry

router = APIRouter(prefix="/boards")
Editor = Annotated[StaffUser, Depends(require(Perm.boards))]
STATUS_LABELS = {
    "": "全部",
    "draft": "草稿",
    "published": "已发布",
    "unpublished": "已下线",
    "pending": "待核验",
    "verified": "已核验",
    "rejected": "已驳回",
}


@router.get("")
def index(request: Request, user: Editor) -> Response:
    groups: dict[str, list[tuple[str, str]]] = {}
    for e in EDITABLES:
        groups.setdefault(BOARD_NAMES[e.board], []).append((e.key, e.name))
    return render(request, "boards_index.html", user, groups=groups)


@router.get("/{key}")
def records(
    request: Request,
    user: Editor,
    session: SessionDep,
    key: str,
    status: Annotated[str, Query(max_length=16)] = "",
    q: Annotated[str, Query(max_length=50)] = "",
    city: Annotated[str, Query(max_length=16)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    entry = editable(key)
    f = service.RecordFilter(status=status, q=q, city=city, page=page)
    rows, total = service.list_records(session, user, entry, f)
    return render(
        request,
        "boards_list.html",
        user,
        entry=entry,
        rows=rows,
        total=total,
        f=f,
        statuses=STATUS_LABELS,
        page_size=service.PAGE_SIZE,
        fixed_city=allowed_city(user, None),
    )


def _form_page(
    request: Request,
    user: StaffUser,
    session: Session,
    entry: Editable,
    values: dict[str, str],
    row: Any = None,
    errors: Any = None,
    status_code: int = 200,
) -> Response:
    industries = session.exec(select(Industry).order_by(Industry.code)).all()
    chains = session.exec(select(Chain).order_by(Chain.code)).all()
    return render(
        request,
        "boards_form.html",
        user,
        entry=entry,
        fields=fields_of(entry),
        values=values,
        row=row,
        errors=errors or [],
        industries=industries,
        chains=chains,
        fixed_city=allowed_city(user, None),
        status_code=status_code,
    )


@router.get("/{key}/new")
def new_form(request: Request, user: Editor, session: SessionDep, key: str) -> Response:
    return _form_page(request, user, session, editable(key), {})


@router.post("/{key}/new", dependencies=[Depends(check_csrf)])
async def create(request: Request, user: Editor, session: WriteSessionDep, key: str) -> Response:
    entry = editable(key)
    form = await request.form()
    city = form.get("city_code")
    try:
        data = parse_form(entry, form)
        row = service.create_record(
            session, user, entry, data, city if isinstance(city, str) else None, ip=client_ip(request)
        )
    except Invalid as exc:
        session.rollback()
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return _form_page(request, user, session, entry, values, errors=exc.detail, status_code=422)
    session.commit()
    return redirect(f"/admin/boards/{key}/{row.id}", "已保存为草稿")


@router.post("/{key}/publication", dependencies=[Depends(check_csrf)])
def publication(
    request: Request,
    user: Editor,
    session: WriteSessionDep,
    key: str,
    action: Annotated[str, Form(pattern="^(publish|unpublish)$")],
    ids: Annotated[list[int], Form(max_length=500)],
) -> Response:
    entry = editable(key)
    n = service.set_publication(session, user, entry, ids, action == "publish", ip=client_ip(request))
    session.commit()
    verb = "发布" if action == "publish" else "下线"
    return redirect(f"/admin/boards/{key}", f"已{verb} {n} 条")


@router.get("/{key}/{record_id}")
def edit_form(request: Request, user: Editor, session: SessionDep, key: str, record_id: ItemId) -> Response:
    entry = editable(key)
    row = service.get_record(session, user, entry, record_id)
    return _form_page(request, user, session, entry, form_values(entry, row), row=row)


@router.post("/{key}/{record_id}", dependencies=[Depends(check_csrf)])
async def update(request: Request, user: Editor, session: WriteSessionDep, key: str, record_id: ItemId) -> Response:
    entry = editable(key)
    row = service.get_record(session, user, entry, record_id)
    form = await request.form()
    try:
        data = parse_form(entry, form)
        service.update_record(session, user, entry, record_id, data, ip=client_ip(request))
    except Invalid as exc:
        session.rollback()
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return _form_page(request, user, session, entry, values, row=row, errors=exc.detail, status_code=422)
    session.commit()
    return redirect(f"/admin/boards/{key}/{record_id}", "已保存")
