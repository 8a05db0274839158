from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter
from sqlmodel import col, select

from app.core.db import SessionDep
from app.taxonomy.models import Chain, ChainLink, ChainNode
from app.taxonomy.schemas import ChainLinkPublic, ChainMap, ChainNodePublic, ChainPublic

router = APIRouter(tags=["taxonomy"])


@router.get("/chains", operation_id="taxonomy_chain_list", summary="产业链与上下游")
def list_chains(session: SessionDep) -> ChainMap:
    """全部产业链及其环节（上游、中游、下游），每个环节的直接上游与下游环节（含跨链关系），供筛选与“上下游”视图使用。"""
    links = session.exec(select(ChainLink).order_by(col(ChainLink.upstream_code), col(ChainLink.downstream_code))).all()
    ups: dict[str, list[str]] = defaultdict(list)
    downs: dict[str, list[str]] = defaultdict(list)
    for link in links:
        ups[link.downstream_code].append(link.upstream_code)
        downs[link.upstream_code].append(link.downstream_code)
    nodes: dict[str, list[ChainNodePublic]] = defaultdict(list)
    for n in session.exec(select(ChainNode).order_by(col(ChainNode.chain_code), col(ChainNode.sort))).all():
        nodes[n.chain_code].append(
            ChainNodePublic(code=n.code, name=n.name, stage=n.stage, upstream=ups[n.code], downstream=downs[n.code])
        )
    chains = [
        ChainPublic(
            code=c.code,
            name=c.name,
            industry_code=c.industry_code,
            description=c.description,
            nodes=nodes[c.code],
        )
        for c in session.exec(select(Chain).order_by(col(Chain.sort))).all()
    ]
    return ChainMap(
        chains=chains,
        links=[ChainLinkPublic(upstream=x.upstream_code, downstream=x.downstream_code, note=x.note) for x in links],
    )
