"""Who may see what, and the 上下游 view of a demand."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from app.core.errors import Forbidden, NotFound
from app.demands.models import PUBLIC_DEMAND_STATUSES, Demand
from app.members.models import Member, OrgMembership
from app.orgs.models import Organization
from app.search.engine import count_matches, match_ids
from app.search.matching import Match, chain_nodes, nodes_in_text
from app.search.models import SearchDoc
from app.search.service import DETAIL_PATHS
from app.search.tokens import tag
from app.taxonomy.service import node_links

_doc = SearchDoc.__table__  # type: ignore[attr-defined]
NODE_DEMANDS = 5


def member_org_ids(session: Session, member: Member | None) -> set[int]:
    if member is None:
        return set()
    rows = session.execute(sa.select(col(OrgMembership.org_id)).where(col(OrgMembership.member_id) == member.id))
    return {r[0] for r in rows}


def visible_demand(session: Session, demand_id: int, member: Member | None) -> Demand:
    """A demand a visitor may see (public), or one of the member's own organisations' demands; else 404."""
    demand = session.get(Demand, demand_id)
    if demand is None:
        raise NotFound("榜单不存在或未公开")
    if demand.status in [str(s) for s in PUBLIC_DEMAND_STATUSES]:
        return demand
    if demand.org_id is not None and demand.org_id in member_org_ids(session, member):
        return demand
    raise NotFound("榜单不存在或未公开")


def own_org(session: Session, org_id: int, member: Member) -> Organization:
    """An organisation the member belongs to; another organisation is a 403, a missing one a 404."""
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound("机构不存在")
    if org_id not in member_org_ids(session, member):
        raise Forbidden("只能查看本机构的推荐", code="not_your_org")
    return org


def match_item(m: Match) -> dict[str, Any]:
    path = DETAIL_PATHS.get(m.kind)
    return {
        "kind": m.kind,
        "id": m.id,
        "board": m.board,
        "title": m.title,
        "city_code": m.city_code,
        "type": m.type,
        "score": m.score,
        "reasons": m.reasons,
        "path": "/api/v1" + path.format(id=m.id) if path else None,
    }


def _node_ref(code: str) -> dict[str, Any] | None:
    from app.seed.reference import CHAINS

    info = chain_nodes().get(code)
    if info is None:
        return None
    chain = next(c for c in CHAINS if c["code"] == info.chain_code)
    stage = next(s for s, n in chain["nodes"] if n == info.name)
    return {
        "code": code,
        "name": info.name,
        "stage": stage,
        "chain_code": info.chain_code,
        "chain_name": info.chain_name,
    }


def _node_view(session: Session, code: str, note: str, exclude: int) -> dict[str, Any] | None:
    ref = _node_ref(code)
    if ref is None:
        return None
    tags = [tag("k", "demand"), tag("n", code)]
    ids = [i for i in match_ids(session, [], list(tags), NODE_DEMANDS + 1)]
    rows = session.execute(
        sa.select(_doc.c.id, _doc.c.record_id, _doc.c.title, _doc.c.city_code).where(_doc.c.id.in_(ids))
    ).all()
    rows = sorted((r for r in rows if r.record_id != exclude), key=lambda r: -r.id)[:NODE_DEMANDS]
    count = count_matches(session, [], list(tags), 1000)
    return {
        "node": ref,
        "note": note,
        "demand_count": count,
        "demands": [
            {"id": r.record_id, "title": r.title, "city_code": r.city_code, "path": f"/api/v1/demands/{r.record_id}"}
            for r in rows
        ],
    }


def demand_chain(session: Session, demand: Demand) -> dict[str, Any]:
    node = demand.chain_node_code
    inferred = False
    if not node:
        found = nodes_in_text(f"{demand.title} {' '.join(demand.keywords or [])}")
        if demand.chain_code:
            found = [n for n in found if n.startswith(f"{demand.chain_code}.")]
        node = found[0] if found else None
        inferred = node is not None
    view: dict[str, Any] = {
        "demand_id": demand.id,
        "node": _node_ref(node) if node else None,
        "node_inferred": inferred,
        "same_node": None,
        "upstream": [],
        "downstream": [],
    }
    if node is None:
        return view
    assert demand.id is not None
    view["same_node"] = _node_view(session, node, "", demand.id)
    links = node_links(session, node)
    view["upstream"] = [v for c, n in links.upstream if (v := _node_view(session, c, n, demand.id))]
    view["downstream"] = [v for c, n in links.downstream if (v := _node_view(session, c, n, demand.id))]
    return view
