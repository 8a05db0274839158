from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class ChainStage(StrEnum):
    upstream = "upstream"
    midstream = "midstream"
    downstream = "downstream"


class Industry(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=32)
    parent_code: str | None = Field(default=None, foreign_key="industry.code", max_length=32)
    sort: int = Field(default=0)


class Chain(SQLModel, table=True):
    """An industry chain (产业链), e.g. the five 一院一链 chains."""

    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=32)
    industry_code: str | None = Field(default=None, foreign_key="industry.code", max_length=32)
    description: str = Field(default="", sa_type=sa.Text)
    sort: int = Field(default=0)


class ChainNode(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=48)
    chain_code: str = Field(foreign_key="chain.code", index=True, max_length=32)
    name: str = Field(max_length=32)
    stage: str = Field(sa_type=sa.String(16))
    sort: int = Field(default=0)


class ChainLink(SQLModel, table=True):
    """产业链上下游: `upstream_code` supplies `downstream_code` (within one chain or across two)."""

    __tablename__ = "chain_link"

    upstream_code: str = Field(foreign_key="chainnode.code", primary_key=True, max_length=48)
    downstream_code: str = Field(foreign_key="chainnode.code", primary_key=True, max_length=48, index=True)
    note: str = Field(default="", max_length=64)  # what flows: 正极材料、晶圆 ...
