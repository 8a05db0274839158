"""后台首页: what waits for this user, within the user's city."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.admin.deps import ConsoleUser, Perm, can
from app.admin.render import render
from app.admin.routes.review import all_queue_counts
from app.core.db import SessionDep

router = APIRouter()


@router.get("/")
def home(request: Request, user: ConsoleUser, session: SessionDep) -> Response:
    queues = [q for q in all_queue_counts(session, user) if q[2]] if can(user, Perm.review) else []
    return render(request, "dashboard.html", user, queues=queues)


_SCRIPT = (Path(__file__).resolve().parent.parent / "templates" / "admin.js").read_bytes()


@router.get("/static/admin.js")
def script() -> Response:
    return Response(_SCRIPT, media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"})
