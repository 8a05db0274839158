from __future__ import annotations

from pydantic import BaseModel


class ChainNodePublic(BaseModel):
    code: str
    name: str
    stage: str
    upstream: list[str]  # codes of the nodes that supply this one
    downstream: list[str]  # codes of the nodes this one supplies


class ChainPublic(BaseModel):
    code: str
    name: str
    industry_code: str | None
    description: str
    nodes: list[ChainNodePublic]


class ChainLinkPublic(BaseModel):
    upstream: str
    downstream: str
    note: str


class ChainMap(BaseModel):
    chains: list[ChainPublic]
    links: list[ChainLinkPublic]
