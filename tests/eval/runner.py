"""Loads the evaluation set, runs the matcher and a plain BM25 baseline on it, and scores both.

BM25 (Okapi, k1 = 1.2, b = 0.75) ranks the same candidates the matcher may propose (solvers of the eligible kinds,
the poster excluded; for 政策找企业 every public policy) by the demand's (or the organisation's) text against each
candidate's text, with the same tokens the search index holds. Both run on the same database in the same run.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

import app.search  # noqa: F401  (index listeners)
from app.boards.policy.models import Policy
from app.boards.resources.models import Resource
from app.boards.showcase.models import Achievement
from app.boards.talent.models import Expert
from app.boards.tech.models import TechManager
from app.core.models import Publication, Verification, utcnow
from app.demands.models import Demand
from app.orgs.models import Organization
from app.search import matching
from app.search.models import SearchDoc
from app.seed.reference import node_code
from tests.eval.matching_set import DEMANDS, POLICIES, POSTERS, SOLVERS

K1, B = 1.2, 0.75
PUBLIC: dict[str, Any] = dict(publication=Publication.published, verification=Verification.verified)


def _credit(n: int) -> str:
    return f"91EVAL{n:012d}"


@dataclass
class Loaded:
    keys: dict[tuple[str, int], str]  # (kind, record id) → fixture key
    orgs: dict[str, Organization]
    demands: list[tuple[Demand, set[str]]]
    policies: dict[str, set[str]]  # poster key → good policy keys


def load(session: Session) -> Loaded:
    keys: dict[tuple[str, int], str] = {}
    now = utcnow()
    n = 0
    for key, kind, city, name, text, industries, typ in SOLVERS:
        n += 1
        common = dict(city_code=city, industry_code=industries[0], industries=industries, published_at=now, **PUBLIC)
        row: Any
        if kind == "organization":
            row = Organization(
                name=name,
                credit_code=_credit(n),
                org_type=typ,
                city_code=city,
                verification=Verification.verified,
                industries=industries,
                capabilities=text,
            )
        elif kind == "resource":
            row = Resource(name=name, kind=typ, capabilities=text, **common)
        elif kind == "expert":
            row = Expert(name=name, affiliation="", bio=text, **common)
        elif kind == "achievement":
            row = Achievement(title=name, owner_name="", ip_type=typ, description=text, **common)
        else:
            row = TechManager(name=name, bio=text, **common)
        session.add(row)
        session.flush()
        keys[(kind, row.id)] = key
    orgs: dict[str, Organization] = {}
    policies: dict[str, set[str]] = {}
    for key, city, name, caps, industries, good in POSTERS:
        n += 1
        org = Organization(
            name=name,
            credit_code=_credit(n),
            org_type="enterprise",
            city_code=city,
            verification=Verification.verified,
            industries=industries,
            capabilities=caps,
        )
        session.add(org)
        session.flush()
        orgs[key] = org
        keys[("organization", org.id)] = key
        policies[key] = set(good)
    for key, city, level, category, title, eligibility, industries, text in POLICIES:
        p = Policy(
            title=title,
            issuer=f"{city} 科技局",
            level=level,
            category=category,
            eligibility=eligibility,
            summary=text,
            city_code=city,
            industry_code=industries[0] if industries else None,
            industries=industries,
            valid_to=(now + timedelta(days=365)).date(),
            published_at=now,
            **PUBLIC,
        )
        session.add(p)
        session.flush()
        keys[("policy", p.id)] = key
    demands: list[tuple[Demand, set[str]]] = []
    for poster, title, keywords, description, node, good in DEMANDS:
        org = orgs[poster]
        code = node_code(node) if node else None
        d = Demand(
            title=title,
            demand_type="tackling",
            status="published",
            keywords=keywords,
            description=description,
            chain_code=code.split(".")[0] if code else None,
            chain_node_code=code,
            org_id=org.id,
            org_name=org.name,
            city_code=org.city_code,
            industry_code=org.industries[0],
            industries=org.industries,
            published_at=now,
            deadline=now + timedelta(days=90),
        )
        session.add(d)
        session.flush()
        demands.append((d, set(good)))
    return Loaded(keys, orgs, demands, policies)


def _docs(session: Session, kinds: tuple[str, ...]) -> list[Any]:
    t = SearchDoc.__table__  # type: ignore[attr-defined]
    return list(
        session.execute(
            sa.select(t.c.kind, t.c.record_id, t.c.doc_type, t.c.title_tokens, t.c.body_tokens).where(
                t.c.kind.in_(kinds)
            )
        ).all()
    )


def bm25_rank(query: list[str], docs: list[tuple[tuple[str, int], list[str]]], k: int) -> list[tuple[str, int]]:
    n = len(docs)
    avg = sum(len(toks) for _, toks in docs) / max(n, 1)
    df: Counter[str] = Counter()
    for _, toks in docs:
        df.update(set(toks))
    q = Counter(query)
    scored = []
    for key, toks in docs:
        tf = Counter(toks)
        s = 0.0
        for term in q:
            if term not in tf:
                continue
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            s += idf * tf[term] * (K1 + 1) / (tf[term] + K1 * (1 - B + B * len(toks) / avg))
        if s > 0:
            scored.append((-s, key))
    scored.sort()
    return [key for _, key in scored[:k]]


def _metrics(ranked: list[str], good: set[str]) -> tuple[float, float]:
    p5 = len(set(ranked[:5]) & good) / 5
    r10 = len(set(ranked[:10]) & good) / len(good) if good else 0.0
    return p5, r10


@dataclass
class Scores:
    matcher_p5: float
    matcher_r10: float
    bm25_p5: float
    bm25_r10: float
    queries: int
    ideal_p5: float  # the best P@5 possible: fewer than five good answers cap it

    def row(self, name: str) -> str:
        return (
            f"{name:<22}{self.queries:>8}   {self.matcher_p5:>8.3f} {self.matcher_r10:>9.3f}   "
            f"{self.bm25_p5:>8.3f} {self.bm25_r10:>9.3f}   {self.ideal_p5:>8.3f}"
        )


def _tokens(row: Any) -> list[str]:
    return f"{row.title_tokens} {row.body_tokens}".split()


def evaluate(session: Session) -> tuple[Scores, Scores]:
    data = load(session)
    # candidates the matcher may propose: the eligible solvers
    solver_docs = [
        r
        for r in _docs(session, matching.SOLVER_KINDS)
        if matching._eligible(matching.Candidate(0, r.kind, r.record_id, "", "", "", r.doc_type, [], [], set(), ""))
    ]
    doc_tokens = {(r.kind, r.record_id): _tokens(r) for r in solver_docs}
    demand_docs = {r.record_id: r for r in _docs(session, ("demand",))}
    sums = [0.0, 0.0, 0.0, 0.0]
    for d, good in data.demands:
        assert d.id is not None
        ranked = [data.keys.get((m.kind, m.id), "") for m in matching.match_demand(session, d, 10)]
        exclude = ("organization", d.org_id)
        candidates = [(k, t) for k, t in doc_tokens.items() if k != exclude]
        base = [data.keys.get(k, "") for k in bm25_rank(_tokens(demand_docs[d.id]), candidates, 10)]
        for i, v in enumerate((*_metrics(ranked, good), *_metrics(base, good))):
            sums[i] += v
    nd = len(data.demands)
    ideal = sum(min(5, len(g)) / 5 for _, g in data.demands) / nd
    solvers = Scores(sums[0] / nd, sums[1] / nd, sums[2] / nd, sums[3] / nd, nd, ideal)

    policy_docs = {(r.kind, r.record_id): _tokens(r) for r in _docs(session, ("policy",))}
    org_docs = {r.record_id: r for r in _docs(session, ("organization",))}
    sums = [0.0, 0.0, 0.0, 0.0]
    for key, org in data.orgs.items():
        good = data.policies[key]
        ranked = [data.keys.get((m.kind, m.id), "") for m in matching.recommend_policies(session, org, 10)]
        assert org.id is not None
        base = [data.keys.get(k, "") for k in bm25_rank(_tokens(org_docs[org.id]), list(policy_docs.items()), 10)]
        for i, v in enumerate((*_metrics(ranked, good), *_metrics(base, good))):
            sums[i] += v
    no = len(data.orgs)
    ideal = sum(min(5, len(g)) / 5 for g in data.policies.values()) / no
    policies = Scores(sums[0] / no, sums[1] / no, sums[2] / no, sums[3] / no, no, ideal)
    return solvers, policies


def report(solvers: Scores, policies: Scores) -> str:
    head = f"{'':<22}{'queries':>8}   {'matcher':>8} {'':>9}   {'BM25':>8} {'':>9}   {'best':>8}\n"
    head += f"{'':<22}{'':>8}   {'P@5':>8} {'R@10':>9}   {'P@5':>8} {'R@10':>9}   {'P@5':>8}\n"
    return head + solvers.row("demand → solvers") + "\n" + policies.row("org → policies (政策找企业)")
