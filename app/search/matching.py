"""供需匹配: ranked, explained and deterministic.

For a demand, candidate solvers from all eight cities (organisations, research platforms and other resources,
achievements, experts, 技术经理人) are gathered from the search index in bounded, index-driven queries (one per
keyword, one for the title, one per related chain node / industry) and scored:

- shared terms: the demand's keywords (and title) found in the candidate's text, weighted by how rare each word is
  in the candidate pool; the words are listed as the reason;
- 产业链: the candidate works on the demand's chain node, or on a node directly upstream or downstream of it (the
  `chain_link` table); a text's nodes are read from its chain tags or from the node's words (reference data);
- industry: a shared industry when no chain relation exists;
- city: the same city, or a neighbouring one (centres within `NEIGHBOUR_KM`), as a small tie-breaker: the market
  exists to match across cities.

Every score is a sum of these parts; ties are broken by kind and id, so the same data always gives the same list.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from app.search.engine import match_ids
from app.search.models import SearchDoc
from app.search.tokens import QueryTerm, TagFilter, normalise, parse_query, tag, tokenize

SOLVER_KINDS = ("organization", "resource", "achievement", "expert", "tech_manager")
SOLVER_RESOURCE_TYPES = ("university", "institute", "platform", "poc_center", "instrument")
SOLVER_ORG_TYPES = ("university", "institute", "enterprise", "service")
NEIGHBOUR_KM = 100.0
PER_QUERY = 200

W_KEYWORD = 1.0
W_TOKENS = 0.6
W_SAME_NODE = 0.5
W_LINKED_NODE = 0.35
W_SAME_CHAIN = 0.15
W_INDUSTRY = 0.1
W_SAME_CITY = 0.06
W_NEIGHBOUR_CITY = 0.03

_doc = SearchDoc.__table__  # type: ignore[attr-defined]


# --- reference data: cities, chain nodes and their words ---------------------------------------------------------


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@cache
def city_info() -> dict[str, tuple[str, float, float]]:
    from app.seed.reference import CITIES

    return {c["code"]: (c["short_name"], c["center_lat"], c["center_lng"]) for c in CITIES}


@cache
def neighbours() -> dict[str, frozenset[str]]:
    info = city_info()
    return {a: frozenset(b for b in info if b != a and _km(info[a][1:], info[b][1:]) <= NEIGHBOUR_KM) for a in info}


@dataclass(frozen=True)
class NodeInfo:
    code: str
    chain_code: str
    chain_name: str
    name: str
    terms: tuple[str, ...]


@cache
def chain_nodes() -> dict[str, NodeInfo]:
    from app.seed.reference import CHAINS, NODE_TERMS, node_code

    out: dict[str, NodeInfo] = {}
    for ch in CHAINS:
        for _, name in ch["nodes"]:
            ref = f"{ch['code']}:{name}"
            code = node_code(ref)
            parts = [p for p in name.replace("与", "、").replace("和", "、").split("、") if len(p) >= 2]
            terms = tuple(dict.fromkeys(normalise(t) for t in [name, *parts, *NODE_TERMS.get(ref, [])]))
            out[code] = NodeInfo(code, ch["code"], ch["name"], name, terms)
    return out


@cache
def chain_industry() -> dict[str, str]:
    from app.seed.reference import CHAINS

    return {ch["code"]: ch["industry"] for ch in CHAINS}


def load_links(session: Session) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    from app.taxonomy.service import all_links

    ups: dict[str, set[str]] = {}
    downs: dict[str, set[str]] = {}
    for u, d in all_links(session):
        ups.setdefault(d, set()).add(u)
        downs.setdefault(u, set()).add(d)
    return ups, downs


def nodes_in_text(text: str) -> list[str]:
    """Chain nodes whose words occur in a text, most hits first."""
    low = normalise(text)
    hits = []
    for info in chain_nodes().values():
        n = sum(1 for t in info.terms if t in low)
        if n:
            hits.append((-n, info.code))
    return [code for _, code in sorted(hits)]


# --- the query side -----------------------------------------------------------------------------------------------


@dataclass
class Need:
    """What is being matched: a demand (or an organisation's profile), reduced to words and structure."""

    title: str
    keywords: list[str]
    text: str
    city_code: str
    industries: list[str]
    nodes: list[str]  # chain nodes, explicit first
    chain_codes: list[str] = field(default_factory=list)


def need_of_demand(demand: Any) -> Need:
    text = " ".join(
        [demand.title, " ".join(demand.keywords or []), demand.description or "", demand.tech_targets or ""]
    )
    nodes = [demand.chain_node_code] if demand.chain_node_code else []
    nodes += [n for n in nodes_in_text(f"{demand.title} {' '.join(demand.keywords or [])}") if n not in nodes]
    chains = [demand.chain_code] if demand.chain_code else []
    industries = [c for c in [demand.industry_code, *(demand.industries or [])] if c]
    return Need(demand.title, list(demand.keywords or []), text, demand.city_code, industries, nodes, chains)


def _phrases(need: Need) -> list[str]:
    """The need's key phrases: its keywords, else runs of its title."""
    phrases = [normalise(k) for k in need.keywords if tokenize(k)]
    if not phrases:
        phrases = [m for m in normalise(need.title).replace("与", " ").split() if tokenize(m)]
    return list(dict.fromkeys(phrases))


# --- candidates and scoring -------------------------------------------------------------------------------------


@dataclass
class Candidate:
    doc_id: int
    kind: str
    record_id: int
    board: str
    title: str
    city_code: str
    doc_type: str
    industries: list[str]
    tag_nodes: list[str]
    tokens: set[str]
    text: str


@dataclass
class Match:
    kind: str
    id: int
    board: str
    title: str
    city_code: str
    type: str
    score: float
    reasons: list[dict[str, Any]]


def _kind_tags(kinds: tuple[str, ...]) -> TagFilter:
    return tuple(tag("k", k) for k in kinds)


def _terms_of(phrase: str) -> list[QueryTerm]:
    return list(parse_query(phrase).terms)


def gather(
    session: Session, need: Need, kinds: tuple[str, ...], links: tuple[dict[str, set[str]], dict[str, set[str]]]
) -> list[int]:
    """Index rows worth scoring: one bounded query per key phrase, per related node's words, per industry."""
    kt = _kind_tags(kinds)
    ids: dict[int, None] = {}
    for phrase in _phrases(need)[:12]:
        terms = _terms_of(phrase)
        if terms:
            ids.update(dict.fromkeys(match_ids(session, terms, [kt], PER_QUERY)))
    ups, downs = links
    related = list(need.nodes[:3])
    for n in need.nodes[:1]:
        related += sorted(ups.get(n, set())) + sorted(downs.get(n, set()))
    info = chain_nodes()
    for code in dict.fromkeys(related):
        node = info.get(code)
        if node is None:
            continue
        terms_any = [QueryTerm(t.token, t.prefix) for term in node.terms for t in parse_query(term).terms]
        # a node's words ORed: bounded by PER_QUERY, freshest first
        ids.update(dict.fromkeys(match_ids(session, terms_any[:24], [kt], PER_QUERY // 2, any_of=True)))
        ids.update(dict.fromkeys(match_ids(session, [], [kt, tag("n", code)], PER_QUERY // 2)))
    for industry in need.industries[:2]:
        ids.update(dict.fromkeys(match_ids(session, [], [kt, tag("i", industry)], PER_QUERY // 2)))
    return list(ids)


def load_candidates(session: Session, ids: list[int]) -> list[Candidate]:
    out: list[Candidate] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = session.execute(
            sa.select(
                _doc.c.id,
                _doc.c.kind,
                _doc.c.record_id,
                _doc.c.board,
                _doc.c.title,
                _doc.c.city_code,
                _doc.c.doc_type,
                _doc.c.industries,
                _doc.c.chain_nodes,
                _doc.c.title_tokens,
                _doc.c.body_tokens,
                _doc.c.excerpt,
            ).where(_doc.c.id.in_(chunk))
        ).all()
        for r in rows:
            out.append(
                Candidate(
                    doc_id=r.id,
                    kind=r.kind,
                    record_id=r.record_id,
                    board=r.board,
                    title=r.title,
                    city_code=r.city_code,
                    doc_type=r.doc_type,
                    industries=r.industries.split(),
                    tag_nodes=[n for n in r.chain_nodes.split() if not n.endswith(".*")],
                    tokens=set(r.title_tokens.split()) | set(r.body_tokens.split()),
                    text=normalise(f"{r.title} {r.excerpt}"),
                )
            )
    return out


def _eligible(c: Candidate) -> bool:
    if c.kind == "resource":
        return c.doc_type in SOLVER_RESOURCE_TYPES
    if c.kind == "organization":
        return c.doc_type in SOLVER_ORG_TYPES
    return True


def _has_phrase(c: Candidate, phrase: str) -> bool:
    if phrase in c.text:
        return True
    terms = _terms_of(phrase)
    return bool(terms) and all(t.token in c.tokens for t in terms if not t.prefix)


def score(
    need: Need,
    pool: list[Candidate],
    links: tuple[dict[str, set[str]], dict[str, set[str]]],
    exclude: set[str],
    *,
    require_relevance: bool = True,
) -> list[Match]:
    phrases = _phrases(need)
    need_tokens = set(tokenize(need.text))
    # rarity of each word within the pool (the pool is what is being ranked)
    df: Counter[str] = Counter()
    for c in pool:
        df.update(need_tokens & c.tokens)
    n = max(len(pool), 1)

    def idf(t: str) -> float:
        return math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))

    total_idf = sum(idf(t) for t in need_tokens) or 1.0
    phrase_df = {p: sum(1 for c in pool if _has_phrase(c, p)) for p in phrases}
    phrase_w = {p: math.log(1 + (n - phrase_df[p] + 0.5) / (phrase_df[p] + 0.5)) for p in phrases}
    phrase_total = sum(phrase_w.values()) or 1.0
    ups, downs = links
    info = chain_nodes()
    need_node = need.nodes[0] if need.nodes else None
    need_chains = set(need.chain_codes) | {info[n].chain_code for n in need.nodes if n in info}
    near = neighbours().get(need.city_code, frozenset())
    cities = city_info()

    out: list[Match] = []
    for c in pool:
        key = f"{c.kind}:{c.record_id}"
        if key in exclude or not _eligible(c):
            continue
        reasons: list[dict[str, Any]] = []
        total = 0.0
        shared = [p for p in phrases if _has_phrase(c, p)]
        kw = sum(phrase_w[p] for p in shared) / phrase_total
        overlap = sum(idf(t) for t in need_tokens & c.tokens) / total_idf
        text_score = W_KEYWORD * kw + W_TOKENS * overlap
        if shared:
            reasons.append(
                {
                    "code": "shared_terms",
                    "label": "共同关键词：" + "、".join(shared[:6]),
                    "score": round(text_score, 4),
                }
            )
        elif overlap > 0.2:
            reasons.append({"code": "similar_text", "label": "描述相近", "score": round(text_score, 4)})
        total += text_score

        c_nodes = list(dict.fromkeys(c.tag_nodes + nodes_in_text(c.text)))
        chain_score = 0.0
        if need_node and need_node in c_nodes:
            chain_score = W_SAME_NODE
            reasons.append({"code": "same_chain_node", "label": f"同一产业链环节：{_node_label(need_node)}"})
        elif need_node:
            up = next((x for x in c_nodes if x in ups.get(need_node, set())), None)
            down = next((x for x in c_nodes if x in downs.get(need_node, set())), None)
            if up:
                chain_score = W_LINKED_NODE
                reasons.append({"code": "upstream", "label": f"上游环节：{_node_label(up)} → {_node_label(need_node)}"})
            elif down:
                chain_score = W_LINKED_NODE
                reasons.append(
                    {"code": "downstream", "label": f"下游环节：{_node_label(need_node)} → {_node_label(down)}"}
                )
        if not chain_score:
            c_chains = {info[x].chain_code for x in c_nodes if x in info}
            same = sorted(need_chains & c_chains)
            if same:
                chain_score = W_SAME_CHAIN
                reasons.append({"code": "same_chain", "label": f"同一产业链：{info_chain_name(same[0])}"})
        if chain_score:
            reasons[-1]["score"] = chain_score
        total += chain_score
        same_industry = not chain_score and bool(set(need.industries) & set(c.industries))
        if same_industry:
            total += W_INDUSTRY
            reasons.append({"code": "same_industry", "label": "同一行业", "score": W_INDUSTRY})
        if c.city_code == need.city_code:
            total += W_SAME_CITY
            reasons.append({"code": "same_city", "label": f"同城：{cities[c.city_code][0]}", "score": W_SAME_CITY})
        elif c.city_code in near:
            total += W_NEIGHBOUR_CITY
            reasons.append(
                {"code": "neighbour_city", "label": f"邻近城市：{cities[c.city_code][0]}", "score": W_NEIGHBOUR_CITY}
            )
        if require_relevance and text_score <= 0 and not chain_score and not same_industry:
            continue  # a city alone is no reason
        out.append(Match(c.kind, c.record_id, c.board, c.title, c.city_code, c.doc_type, round(total, 6), reasons))
    out.sort(key=lambda m: (-m.score, m.kind, m.id))
    return out


def _node_label(code: str) -> str:
    node = chain_nodes().get(code)
    return f"{node.chain_name}·{node.name}" if node else code


def info_chain_name(chain_code: str) -> str:
    for node in chain_nodes().values():
        if node.chain_code == chain_code:
            return node.chain_name
    return chain_code


def match_need(
    session: Session, need: Need, kinds: tuple[str, ...], limit: int, exclude: set[str] | None = None
) -> list[Match]:
    links = load_links(session)
    ids = gather(session, need, kinds, links)
    pool = load_candidates(session, ids)
    return score(need, pool, links, exclude or set())[:limit]


def match_demand(session: Session, demand: Any, limit: int = 20) -> list[Match]:
    """Ranked candidate solvers for a demand, from every city, with the reasons for each."""
    exclude = {f"organization:{demand.org_id}"} if demand.org_id else set()
    return match_need(session, need_of_demand(demand), SOLVER_KINDS, limit, exclude)


# --- for an organisation: demands it could solve, policies it could apply for (政策找企业) ---------------------------


def need_of_org(org: Any) -> Need:
    text = f"{org.name} {org.capabilities} {org.intro}"
    nodes = nodes_in_text(f"{org.capabilities} {org.intro}")
    return Need(org.name, _capability_phrases(org.capabilities), text, org.city_code, list(org.industries or []), nodes)


def _capability_phrases(text: str) -> list[str]:
    for sep in "，,。；;、/":
        text = text.replace(sep, " ")
    return [p for p in text.split() if 2 <= len(p) <= 12][:12]


def recommend_demands(session: Session, org: Any, limit: int = 20) -> list[Match]:
    own_demands = {
        f"demand:{i}"
        for i in session.execute(sa.text("SELECT id FROM demand WHERE org_id = :o"), {"o": org.id}).scalars()
    }
    return match_need(session, need_of_org(org), ("demand",), limit, own_demands)


# Which policy categories fit which organisation types (政策找企业): the applicant rules in short.
POLICY_FIT: dict[str, tuple[str, ...]] = {
    "enterprise": ("subsidy", "tax", "finance", "innovation", "ip", "carrier", "talent"),
    "university": ("innovation", "talent", "ip", "subsidy"),
    "institute": ("innovation", "talent", "ip", "subsidy"),
    "service": ("subsidy", "carrier", "innovation"),
    "investor": ("finance",),
    "government": (),
}
APPLICANT_WORDS: dict[str, tuple[str, ...]] = {
    "enterprise": ("企业", "公司"),
    "university": ("高校", "高等院校", "大学"),
    "institute": ("科研院所", "研究院", "研究所", "新型研发机构"),
    "service": ("服务机构", "孵化器", "众创空间"),
    "investor": ("投资机构", "基金"),
}


def recommend_policies(session: Session, org: Any, limit: int = 20) -> list[Match]:
    """Policies whose industry, category and applicant rules fit the organisation, its own city and its province."""
    from app.boards.policy.models import Policy
    from app.core.timeutil import today_cn

    categories = POLICY_FIT.get(org.org_type, ())
    if not categories:
        return []
    need = need_of_org(org)
    links = load_links(session)
    ids = gather(session, need, ("policy",), links)
    fits: list[TagFilter] = [tag("k", "policy"), tuple(tag("t", c) for c in categories)]
    # its own city's policies, those of its industries, and the freshest that fit at all (national and provincial
    # ones among them; other cities' own policies are dropped below)
    extras: list[list[TagFilter]] = [[tag("c", org.city_code)], []]
    if need.industries:
        extras.append([tuple(tag("i", i) for i in need.industries)])
    for extra in extras:
        ids += [i for i in match_ids(session, [], [*fits, *extra], PER_QUERY) if i not in ids]
    pool = [c for c in load_candidates(session, ids) if c.doc_type in categories]
    # expired policies and those of other provinces' districts are not worth recommending
    valid = {
        r.id: r
        for r in session.execute(
            sa.select(
                col(Policy.id),
                col(Policy.valid_to),
                col(Policy.apply_deadline),
                col(Policy.eligibility),
                col(Policy.level),
            ).where(col(Policy.id).in_([c.record_id for c in pool]))
        )
    }
    today = today_cn()
    words = APPLICANT_WORDS.get(org.org_type, ())
    out: list[Match] = []
    for m in score(need, pool, links, set(), require_relevance=False):
        p = valid.get(m.id)
        if p is None or (p.valid_to and p.valid_to < today) or (p.apply_deadline and p.apply_deadline < today):
            continue
        if m.city_code != org.city_code and p.level in ("city", "district"):
            continue  # another city's own policy: its applicants are that city's
        bonus = 0.0
        if m.city_code == org.city_code:
            pass  # already counted as same city
        elif p.level in ("national", "province"):
            bonus += W_SAME_CITY
            m.reasons.append({"code": "wide_policy", "label": "国家级/省级政策", "score": W_SAME_CITY})
        if words and any(w in (p.eligibility or "") for w in words):
            bonus += 0.2
            m.reasons.append({"code": "applicant_fits", "label": "申报对象相符", "score": 0.2})
        m.reasons.insert(0, {"code": "category_fits", "label": f"政策类型适用于{_org_type_label(org.org_type)}"})
        m.score = round(m.score + bonus, 6)
        out.append(m)
    out.sort(key=lambda m: (-m.score, m.kind, m.id))
    return out[:limit]


def _org_type_label(t: str) -> str:
    return {"enterprise": "企业", "university": "高校", "institute": "科研院所", "service": "服务机构"}.get(t, t)
