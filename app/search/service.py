"""One search across every board: filters, ranking, facets and highlighted snippets.

How a query is answered, in bounded, index-driven steps:
1. the query and the filters become one full-text expression (the filters are tags in the same index);
2. the total and the facets (board, city, industry) are counted over the freshest `RANK_WINDOW` matches (see
   `app.search.engine`: every lookup reads the index freshest-first and stops at its limit); counting further
   would read every match of a common word, and no page lies beyond the window anyway;
3. the page: matches in the title first — those holding each query word whole before those holding its bigrams
   apart — freshest first; then matches in the text only, freshest first. When more than the window match, the
   title matches are the freshest `max(TITLE_WINDOW, page end)` the index finds in titles.
`facets_exact` and `total_exact` say when a count is a lower bound. Pages end at `RANK_WINDOW` results (refine the
query or the filters instead).
"""

from __future__ import annotations

import html
from collections import Counter
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.orm import Session

from app.core.errors import Invalid
from app.core.labels import LABELS
from app.core.listing import page_out_of_range
from app.core.schemas import CityCode, RequestModel
from app.search.documents import PRIVATE_BOARDS
from app.search.engine import match_rows
from app.search.models import SearchDoc
from app.search.tokens import ParsedQuery, TagFilter, highlight_spans, parse_query, tag

RANK_WINDOW = 500
TITLE_WINDOW = 100
SNIPPET_CHARS = 80

_doc = SearchDoc.__table__  # type: ignore[attr-defined]


class SearchBoard(StrEnum):
    policy = "policy"
    resources = "resources"
    tech = "tech"
    finance = "finance"
    talent = "talent"
    showcase = "showcase"
    demands = "demands"
    cooperation = "cooperation"


BOARD_LABELS = {
    "policy": "政策发布",
    "resources": "资源共享",
    "tech": "技术对接",
    "finance": "金融服务",
    "talent": "人才交流",
    "showcase": "成果展示",
    "demands": "揭榜挂帅",
    "cooperation": "合作清单",
}

# Where a hit's detail lives in the API, by kind.
DETAIL_PATHS = {
    "policy": "/policy/policies/{id}",
    "resource": "/resources/resources/{id}",
    "tech_manager": "/tech/managers/{id}",
    "alliance": "/tech/alliances/{id}",
    "fund": "/finance/funds/{id}",
    "financial_product": "/finance/products/{id}",
    "financing_need": "/finance/financing-needs/{id}",
    "service_station": "/finance/stations/{id}",
    "talent_service": "/talent/services/{id}",
    "job": "/talent/jobs/{id}",
    "expert": "/talent/experts/{id}",
    "training": "/talent/programmes/{id}",
    "achievement": "/showcase/achievements/{id}",
    "event": "/showcase/events/{id}",
    "demand": "/demands/{id}",
    "cooperation": "/cooperation/items/{id}",
}

_CODE = r"^[a-z][a-z0-9_]*$"


class SearchQuery(RequestModel):
    q: str = Field(
        min_length=1, max_length=64, description="关键词：中文（两字词、长词、词的一部分）或英文/数字，空格分隔多个词"
    )
    board: SearchBoard | None = Field(default=None, description="板块")
    city: CityCode | None = Field(default=None, description="城市代码")
    industry: str | None = Field(default=None, max_length=32, pattern=_CODE, description="行业代码")
    type: str | None = Field(default=None, max_length=32, pattern=_CODE, description="类型（各板块自己的类型代码）")
    chain_node: str | None = Field(
        default=None, max_length=48, pattern=r"^[a-z][a-z0-9_]*\.[0-9]{1,3}$", description="产业链环节代码"
    )
    with_links: bool = Field(default=False, description="产业链环节筛选时一并包含其直接上下游环节")
    page: int = Field(default=1, ge=1, le=RANK_WINDOW, description="页码，从 1 开始")
    page_size: int = Field(default=20, ge=1, le=50, description="每页条数，最多 50")


def _industry_labels() -> dict[str, str]:
    from app.seed.reference import INDUSTRIES

    return dict(INDUSTRIES)


def mark(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` HTML-escaped, with the spans wrapped in <em>…</em> (for the mini-program's rich-text)."""
    out: list[str] = []
    pos = 0
    for s, e in spans:
        out.append(html.escape(text[pos:s]))
        out.append(f"<em>{html.escape(text[s:e])}</em>")
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


def snippet(text: str, words: tuple[str, ...], width: int = SNIPPET_CHARS) -> str:
    """A window of `text` around its first hit, highlighted; the start of the text when nothing is hit."""
    text = " ".join(text.split())
    spans = highlight_spans(text, words)
    start = 0
    if spans:
        start = max(0, spans[0][0] - width // 4)
    end = min(len(text), start + width)
    window = [(max(s, start) - start, min(e, end) - start) for s, e in spans if e > start and s < end]
    body = mark(text[start:end], window)
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def _title_has_terms(parsed: ParsedQuery, title_tokens: str) -> bool:
    """The title's tokens hold every term of the query (what the index's title-only lookup asks)."""
    tokens = set(title_tokens.split())
    return all(
        any(t.startswith(term.token) for t in tokens) if term.prefix else term.token in tokens for term in parsed.terms
    )


def _has_words(parsed: ParsedQuery, title: str) -> bool:
    """The title holds each query word whole (not only its bigrams apart)."""
    low = title.lower()
    return all(w in low for w in parsed.words)


def filter_tags(session: Session, q: SearchQuery) -> list[TagFilter]:
    tags: list[TagFilter] = []
    # Every board but the organisations' (indexed for matching only): one NOT instead of an OR of eight tags.
    tags.append(tag("b", q.board.value) if q.board else "!" + tag("b", PRIVATE_BOARDS[0]))
    if q.city:
        tags.append(tag("c", q.city.value))
    if q.industry:
        tags.append(tag("i", q.industry))
    if q.type:
        tags.append(tag("t", q.type))
    if q.chain_node:
        nodes = [q.chain_node]
        if q.with_links:
            from app.taxonomy.service import linked_nodes

            nodes += linked_nodes(session, q.chain_node)
        tags.append(tuple(tag("n", n) for n in nodes))
    return tags


def _facet(counter: Counter[str], labels: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"value": v, "label": labels.get(v, v), "count": c}
        for v, c in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def search(session: Session, q: SearchQuery) -> dict[str, Any]:
    parsed = parse_query(q.q)
    if parsed.empty:
        raise Invalid(
            "请输入中文、字母或数字关键词", code="query_empty", detail=[{"field": "q", "message": "无有效关键词"}]
        )
    offset = (q.page - 1) * q.page_size
    if offset >= RANK_WINDOW:
        raise Invalid(
            f"最多浏览前 {RANK_WINDOW} 条结果，请增加关键词或筛选条件",
            code="page_beyond_window",
            detail=[{"field": "page", "message": "页码过大"}],
        )
    terms = list(parsed.terms)
    tags = filter_tags(session, q)
    # The freshest RANK_WINDOW matches: the total, the facets, and the rows to rank.
    cols = "id, kind, board, record_id, city_code, doc_type, industries, title, title_tokens"
    window = match_rows(session, terms, tags, RANK_WINDOW, cols)
    total = len(window)
    total_exact = total < RANK_WINDOW
    if q.page > 1 and offset >= total:
        raise page_out_of_range(total)
    boards: Counter[str] = Counter(r.board for r in window)
    cities: Counter[str] = Counter(r.city_code for r in window)
    industries: Counter[str] = Counter(i for r in window if r.industries for i in r.industries.split())

    # Ranking: title matches first (the whole query in the title before its words apart), freshest first in each
    # tier; then the matches in the text only, freshest first. When the window holds every match, its rows are
    # checked here; otherwise older title matches may lie beyond it, and the index is asked for them.
    need = offset + q.page_size
    if total_exact:
        in_title = [r for r in window if _title_has_terms(parsed, r.title_tokens)]
    else:
        in_title = match_rows(session, terms, tags, max(need, TITLE_WINDOW), cols, title_only=True)
    whole = [r for r in in_title if _has_words(parsed, r.title)]
    ranked = whole + [r for r in in_title if not _has_words(parsed, r.title)]
    title_ids = {r.id for r in in_title}
    ranked += [r for r in window if r.id not in title_ids]
    page_rows = ranked[offset:need]

    extra: dict[int, Any] = {}
    if page_rows:
        extra = {
            r.id: r
            for r in session.execute(
                sa.select(_doc.c.id, _doc.c.excerpt, _doc.c.fresh_at).where(_doc.c.id.in_([r.id for r in page_rows]))
            )
        }
    items = []
    for r in page_rows:
        more = extra[r.id]
        items.append(
            {
                "id": r.record_id,
                "kind": r.kind,
                "board": r.board,
                "city_code": r.city_code,
                "type": r.doc_type,
                "industries": r.industries.split(),
                "title": r.title,
                "title_html": mark(r.title, highlight_spans(r.title, parsed.words)),
                "snippet_html": snippet(more.excerpt, parsed.words),
                "published_at": more.fresh_at,
                "path": "/api/v1" + DETAIL_PATHS.get(r.kind, "").format(id=r.record_id),
            }
        )
    return {
        "items": items,
        "total": total,
        "total_exact": total_exact,
        "page": q.page,
        "page_size": q.page_size,
        "has_more": offset + q.page_size < min(total, RANK_WINDOW),
        "facets": {
            "board": _facet(boards, BOARD_LABELS),
            "city": _facet(cities, dict(LABELS[CityCode])),
            "industry": _facet(industries, _industry_labels()),
        },
        "facets_exact": len(window) < RANK_WINDOW,
    }
