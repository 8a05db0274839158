"""产业链上下游: the links between chain nodes, read from `chain_link`."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from app.taxonomy.models import Chain, ChainLink, ChainNode


@dataclass(frozen=True)
class NodeLinks:
    upstream: list[tuple[str, str]]  # (node code, what flows)
    downstream: list[tuple[str, str]]


def node_links(session: Session, node_code: str) -> NodeLinks:
    up = session.execute(
        sa.select(col(ChainLink.upstream_code), col(ChainLink.note))
        .where(col(ChainLink.downstream_code) == node_code)
        .order_by(col(ChainLink.upstream_code))
    ).all()
    down = session.execute(
        sa.select(col(ChainLink.downstream_code), col(ChainLink.note))
        .where(col(ChainLink.upstream_code) == node_code)
        .order_by(col(ChainLink.downstream_code))
    ).all()
    return NodeLinks([(c, n) for c, n in up], [(c, n) for c, n in down])


def linked_nodes(session: Session, node_code: str) -> list[str]:
    """The direct upstream and downstream neighbours of a node."""
    links = node_links(session, node_code)
    return [c for c, _ in links.upstream] + [c for c, _ in links.downstream]


def all_links(session: Session) -> list[tuple[str, str]]:
    return [
        (u, d)
        for u, d in session.execute(sa.select(col(ChainLink.upstream_code), col(ChainLink.downstream_code))).all()
    ]


def nodes_by_code(session: Session, codes: list[str]) -> dict[str, ChainNode]:
    if not codes:
        return {}
    return {n.code: n for n in session.execute(sa.select(ChainNode).where(col(ChainNode.code).in_(codes))).scalars()}


def chains_by_code(session: Session, codes: list[str]) -> dict[str, Chain]:
    if not codes:
        return {}
    return {c.code: c for c in session.execute(sa.select(Chain).where(col(Chain.code).in_(codes))).scalars()}
