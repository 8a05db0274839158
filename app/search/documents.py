"""What each indexed table contributes to the search index: its board, public rule, title, text and filters.

Contacts and phone numbers are never indexed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa

from app.core.models import Publication, Verification, utcnow
from app.core.timeutil import today_cn
from app.search.tokens import tag, token_text

EXCERPT_CHARS = 600

BOARDS = ("policy", "resources", "tech", "finance", "talent", "showcase", "demands", "cooperation")
# Indexed for matching (as candidate solvers) but not part of the public search of the boards.
PRIVATE_BOARDS = ("orgs",)


@dataclass(frozen=True)
class DocSpec:
    model: Any
    kind: str
    board: str
    title: Callable[[Any], str]
    body: Callable[[Any], list[str]]
    doc_type: Callable[[Any], str] = lambda r: ""
    is_public: Callable[[Any], bool] = lambda r: (
        r.publication == Publication.published and r.verification == Verification.verified
    )
    # SQL conditions for the same rule, for the full re-index.
    public_sql: Callable[[Any], list[Any]] = field(
        default=lambda m: [m.publication == Publication.published, m.verification == Verification.verified]
    )
    chain_nodes: Callable[[Any], list[str]] = lambda r: []
    point: Callable[[Any], tuple[float | None, float | None]] = lambda r: (None, None)


def _reviewed_public(r: Any) -> bool:
    return bool(r.publication == Publication.published and r.verification == Verification.verified)


def _s(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return " ".join(_s(x) for x in v)
    if isinstance(v, dict):
        return " ".join(_s(x) for k, x in v.items() if k in ("name", "title", "role"))
    return str(v)


def _point(r: Any) -> tuple[float | None, float | None]:
    return (r.lat, r.lng)


@cache
def specs() -> dict[str, DocSpec]:
    from app.boards.finance.models import FinancialProduct, FinancingNeed, Fund, ServiceStation
    from app.boards.policy.models import Policy
    from app.boards.resources.models import Resource
    from app.boards.showcase.models import Achievement, Event
    from app.boards.talent.models import Expert, Job, TalentService, TrainingProgramme
    from app.boards.tech.models import Alliance, TechManager
    from app.cooperation.models import CooperationItem
    from app.demands.models import PUBLIC_DEMAND_STATUSES, Demand
    from app.orgs.models import Organization

    public_statuses = [str(s) for s in PUBLIC_DEMAND_STATUSES]
    items = [
        DocSpec(
            Policy,
            "policy",
            "policy",
            lambda r: r.title,
            lambda r: [r.doc_number, r.issuer, r.support_mode, r.eligibility, r.summary, r.full_text],
            lambda r: r.category,
        ),
        DocSpec(
            Resource,
            "resource",
            "resources",
            lambda r: r.name,
            lambda r: [
                r.org_name,
                r.district,
                r.address,
                r.capabilities,
                r.open_services,
                r.description,
                r.rent_free_terms,
            ],
            lambda r: r.kind,
            point=_point,
        ),
        DocSpec(
            TechManager,
            "tech_manager",
            "tech",
            lambda r: r.name,
            lambda r: [r.org_name, _s(r.fields), r.bio],
            lambda r: "tech_manager",
        ),
        DocSpec(
            Alliance,
            "alliance",
            "tech",
            lambda r: r.name,
            lambda r: [r.lead_org, r.description, _s(r.members)],
            lambda r: "alliance",
            chain_nodes=lambda r: [f"{r.chain_code}.*"] if r.chain_code else [],
        ),
        DocSpec(
            Fund,
            "fund",
            "finance",
            lambda r: r.name,
            lambda r: [r.manager, r.description],
            lambda r: "fund",
        ),
        DocSpec(
            FinancialProduct,
            "financial_product",
            "finance",
            lambda r: r.name,
            lambda r: [r.institution, r.eligibility, r.description, r.rate_text, r.term_text],
            lambda r: r.product_type,
        ),
        DocSpec(
            FinancingNeed,
            "financing_need",
            "finance",
            lambda r: r.title,
            lambda r: [r.org_name, r.use_of_funds, r.description],
            lambda r: r.stage,
        ),
        DocSpec(
            ServiceStation,
            "service_station",
            "finance",
            lambda r: r.name,
            lambda r: [r.host_org, r.address, r.services],
            lambda r: "service_station",
            point=_point,
        ),
        DocSpec(
            TalentService,
            "talent_service",
            "talent",
            lambda r: r.title,
            lambda r: [r.provider, r.eligibility, r.description],
            lambda r: r.category,
        ),
        DocSpec(
            Job,
            "job",
            "talent",
            lambda r: r.title,
            lambda r: [r.org_name, r.education, r.experience, r.description],
            lambda r: "job",
            # A job closes by itself after its closing date (the board hides it): `remove_closed_jobs` sweeps the
            # index rows of those that closed since they were indexed.
            is_public=lambda r: _reviewed_public(r) and (r.closing_date is None or r.closing_date >= today_cn()),
            public_sql=lambda m: [
                m.publication == Publication.published,
                m.verification == Verification.verified,
                sa.or_(m.closing_date.is_(None), m.closing_date >= today_cn()),
            ],
        ),
        DocSpec(
            Expert,
            "expert",
            "talent",
            lambda r: r.name,
            lambda r: [r.title, r.affiliation, _s(r.fields), r.bio, r.achievements],
            lambda r: "expert",
        ),
        DocSpec(
            TrainingProgramme,
            "training",
            "talent",
            lambda r: r.title,
            lambda r: [_s(r.partners), r.description],
            lambda r: "training",
        ),
        DocSpec(
            Achievement,
            "achievement",
            "showcase",
            lambda r: r.title,
            lambda r: [r.owner_name, r.description],
            lambda r: r.ip_type,
        ),
        DocSpec(
            Event,
            "event",
            "showcase",
            lambda r: r.title,
            lambda r: [r.organizer, r.venue, r.address, r.description],
            lambda r: r.event_type,
            point=_point,
        ),
        DocSpec(
            Demand,
            "demand",
            "demands",
            lambda r: r.title,
            lambda r: [_s(r.keywords), r.org_name, r.description, r.tech_targets, r.expected_result, r.eligibility],
            lambda r: r.demand_type,
            is_public=lambda r: r.status in public_statuses,
            public_sql=lambda m: [m.status.in_(public_statuses)],
            chain_nodes=lambda r: [r.chain_node_code or f"{r.chain_code}.*"] if r.chain_code else [],
        ),
        DocSpec(
            CooperationItem,
            "cooperation",
            "cooperation",
            lambda r: r.title,
            lambda r: [r.lead_org, _s(r.partners), r.description],
            lambda r: r.coop_type,
        ),
        DocSpec(
            Organization,
            "organization",
            "orgs",
            lambda r: r.name,
            lambda r: [r.capabilities, r.intro],
            lambda r: r.org_type,
            is_public=lambda r: r.verification == Verification.verified,
            public_sql=lambda m: [m.verification == Verification.verified],
        ),
    ]
    return {s.kind: s for s in items}


@cache
def spec_by_model() -> dict[Any, DocSpec]:
    return {s.model: s for s in specs().values()}


def spec_for(model: Any) -> DocSpec | None:
    return spec_by_model().get(model)


def _industries(row: Any) -> list[str]:
    codes = [getattr(row, "industry_code", None), *(getattr(row, "industries", None) or [])]
    return list(dict.fromkeys(c for c in codes if c))


def _fresh_at(row: Any) -> datetime:
    for name in ("published_at", "updated_at", "created_at"):
        value = getattr(row, name, None)
        if value is not None:
            return value
    return utcnow()


def build_doc(spec: DocSpec, row: Any) -> dict[str, Any] | None:
    """The index row of a record, or None when the record is not public."""
    if not spec.is_public(row):
        return None
    title = (spec.title(row) or "")[:200]
    body_parts = [p for p in (_s(x) for x in spec.body(row)) if p]
    body = "\n".join(body_parts)
    industries = _industries(row)
    nodes = spec.chain_nodes(row)
    doc_type = spec.doc_type(row) or ""
    tags = [tag("b", spec.board), tag("k", spec.kind), tag("c", row.city_code)]
    if doc_type:
        tags.append(tag("t", doc_type))
    tags += [tag("i", c) for c in industries]
    for node in nodes:
        chain = node.split(".", 1)[0]
        tags.append(tag("h", chain))
        if not node.endswith(".*"):
            tags.append(tag("n", node))
    lat, lng = spec.point(row)
    doc: dict[str, Any] = dict(
        board=spec.board,
        kind=spec.kind,
        record_id=row.id,
        city_code=row.city_code,
        doc_type=doc_type[:32],
        industries=" ".join(industries)[:400],
        chain_nodes=" ".join(nodes)[:400],
        title=title,
        excerpt=body[:EXCERPT_CHARS],
        title_tokens=token_text(title),
        body_tokens=token_text(body),
        tags=" ".join(dict.fromkeys(tags)),
        lat=lat,
        lng=lng,
        fresh_at=_fresh_at(row),
    )
    doc["digest"] = hashlib.blake2b(
        json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str).encode(), digest_size=16
    ).hexdigest()
    return doc
