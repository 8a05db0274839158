"""The foundation's figures: the floor, board lists, details and the anonymous browsing mix (issue 8)."""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import text

from app.core.timeutil import today_cn
from app.seed.reference import CITIES, INDUSTRIES
from bench.registry import Context, LoadResult, Result, benchmark

CITY_CODES = [c["code"] for c in CITIES]
R = random.Random(7)

# (path, filters to vary) of the board lists a visitor scrolls.
LISTS: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "/api/v1/policy/policies",
        [{}, {"city": "c"}, {"category": "subsidy"}, {"sort": "deadline"}, {"status": "valid"}],
    ),
    ("/api/v1/resources/resources", [{}, {"city": "c"}, {"kind": "poc_center"}, {"industry": "i"}]),
    ("/api/v1/showcase/achievements", [{}, {"city": "c"}, {"sort": "popular"}, {"ip_type": "invention_patent"}]),
    ("/api/v1/talent/jobs", [{}, {"city": "c"}, {"sort": "deadline"}]),
    ("/api/v1/showcase/events", [{}, {"city": "c"}, {"event_type": "roadshow"}]),
    ("/api/v1/finance/financing-needs", [{}, {"city": "c"}, {"stage": "a"}]),
]
DETAILS = [
    ("policy", "/api/v1/policy/policies/{}"),
    ("achievement", "/api/v1/showcase/achievements/{}"),
    ("resource", "/api/v1/resources/resources/{}"),
    ("job", "/api/v1/talent/jobs/{}"),
]
SEARCH_TERMS = ["电池", "芯片", "聚烯烃催化", "机器人", "石墨烯", "生物医药", "储能", "碳纤维"]


def _fill(params: dict[str, Any]) -> dict[str, Any]:
    out = dict(params)
    if out.get("city") == "c":
        out["city"] = R.choice(CITY_CODES)
    if out.get("industry") == "i":
        out["industry"] = R.choice(INDUSTRIES)[0]
    return out


# Set by `bench.__main__.run` to the size of the database under test.
ROWS = [1_000_000]


def ctx_rows() -> int:
    return ROWS[0]


def list_paths(n: int = 600, board: str | None = None) -> list[str]:
    paths = []
    lists = [entry for entry in LISTS if board is None or board in entry[0]]
    for k in range(n):
        path, variants = lists[k % len(lists)]
        params = _fill(variants[R.randrange(len(variants))])
        if not params:
            # Deeper pages only where the table is big enough to have them (a page past the end is a 404).
            params["page"] = 1 + R.randrange(3) if ctx_rows() >= 10_000 else 1
        paths.append(f"{path}?{urlencode(params)}")
    return paths


# Jobs close by China's calendar date (app.core.timeutil.today_cn), not the database's.
PUBLIC_EXTRA = {"job": f" AND (closing_date IS NULL OR closing_date >= '{today_cn().isoformat()}')"}


def public_ids(ctx: Context, table: str, n: int = 400) -> list[int]:
    where = "publication = 'published' AND verification = 'verified'" + PUBLIC_EXTRA.get(table, "")
    with ctx.engine.connect() as conn:
        top = conn.execute(text(f'SELECT max(id) FROM "{table}"')).scalar_one() or 0
        ids: list[int] = []
        # Random ids over the whole table, then only the public ones: a spread a cache cannot fake.
        probe = sorted({R.randint(1, max(1, top)) for _ in range(n * 2)})
        for chunk in (probe[i : i + 500] for i in range(0, len(probe), 500)):
            q = text(f'SELECT id FROM "{table}" WHERE {where} AND id IN ({",".join(map(str, chunk))})')
            ids += [int(r[0]) for r in conn.execute(q)]
    R.shuffle(ids)
    return ids[:n] or [1]


def detail_paths(ctx: Context, n: int = 600, tables: list[str] | None = None) -> list[str]:
    paths = []
    chosen = [d for d in DETAILS if tables is None or d[0] in tables]
    ids = {t: public_ids(ctx, t) for t, _ in chosen}
    for k in range(n):
        t, pattern = chosen[k % len(chosen)]
        paths.append(pattern.format(ids[t][k % len(ids[t])]))
    return paths


def deep_cursors(ctx: Context, n: int = 50) -> list[str]:
    """Cursors deep into the newest-first policy list, made from the rows at offset ~100,000 (page 5,000 of 20)."""
    from app.core.listing import _encode

    with ctx.engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM policy")).scalar_one()
        offset = min(100_000, max(0, int(total * 0.8)))
        rows = conn.execute(
            text(
                "SELECT published_at, id FROM policy WHERE publication = 'published' AND verification = 'verified' "
                "ORDER BY published_at DESC, id DESC LIMIT :n OFFSET :o"
            ),
            {"n": n, "o": offset},
        ).all()
    out = []
    for published_at, pk in rows:
        if isinstance(published_at, str):  # SQLite hands back text
            from datetime import UTC, datetime

            published_at = datetime.fromisoformat(published_at).replace(tzinfo=UTC)
        elif published_at.tzinfo is None:
            from datetime import UTC

            published_at = published_at.replace(tzinfo=UTC)
        out.append(f"/api/v1/policy/policies?{urlencode({'cursor': _encode([published_at, pk])})}")
    return out


def search_paths(ctx: Context, n: int) -> list[str]:
    """The search engineer's endpoint where it exists (`ctx.extra['search_path']`), else a list filtered by keyword."""
    pattern = ctx.extra.get("search_path", "/api/v1/search?{}")
    return [pattern.format(urlencode({"q": SEARCH_TERMS[k % len(SEARCH_TERMS)]})) for k in range(n)]


def home_paths(n: int) -> list[str]:
    return ["/api/v1/home" if k % 3 == 0 else f"/api/v1/home?city={CITY_CODES[k % 8]}" for k in range(n)]


def mix_paths(ctx: Context, search: bool) -> list[str]:
    """home 20 %, board lists with filters 40 %, details 30 %, search 10 % (issue 8), shuffled."""
    paths = home_paths(200) + list_paths(400) + detail_paths(ctx, 300)
    paths += search_paths(ctx, 100) if search else list_paths(100)
    R.shuffle(paths)
    return paths


def _row(
    figure: str, r: LoadResult, floor: LoadResult | None, targets: list[tuple[str, float]], note: str = ""
) -> Result:
    return Result(
        figure=figure,
        rps=r.rps,
        p50_ms=r.p50_ms,
        p99_ms=r.p99_ms,
        errors=r.errors,
        floor_rps=floor.rps if floor else None,
        targets=targets,
        note=(note + (f" statuses {r.statuses}" if r.errors else "")).strip(),
    )


@benchmark("floor", order=0)
def floor(ctx: Context) -> list[Result]:
    r = ctx.load(["/api/v1/_floor"])
    ctx.floor = r
    return [_row("floor: constant JSON", r, r, [], note=f"{ctx.connections} connections")]


# A cookie makes a request skip the response cache (it could carry a session): the "without any cache" figures.
NO_CACHE = ["Cookie: bench=nocache"]


@benchmark("lists", order=10)
def lists(ctx: Context) -> list[Result]:
    r = ctx.load(list_paths(), NO_CACHE)
    return [_row("board lists, filters, 20 a page, no cache", r, ctx.floor, [("rps", 1000)])]


@benchmark("keyset", order=15)
def keyset(ctx: Context) -> list[Result]:
    """Deep infinite scroll: the cursor of the 5,000th page of a 20-row list costs what the first does."""
    cursors = deep_cursors(ctx)
    if not cursors:
        return []
    r = ctx.load(cursors, NO_CACHE)
    return [_row("policy list, cursor at page ~5,000, no cache", r, ctx.floor, [("rps", 1000)])]


@benchmark("details", order=20)
def details(ctx: Context) -> list[Result]:
    r = ctx.load(detail_paths(ctx), NO_CACHE)
    return [_row("details, no cache", r, ctx.floor, [("rps", 2000)])]


@benchmark("mix", order=30)
def mix(ctx: Context) -> list[Result]:
    search = bool(ctx.extra.get("search_available"))
    # Visitors read the same pages many times: measured once every page of the mix has been read once (a cold
    # cache is what the "no cache" figures measure).
    r = ctx.load(mix_paths(ctx, search), prime=True)
    note = "" if search else "no search endpoint: its 10 % are lists"
    rows = [_row("anonymous mix (home/list/detail/search)", r, ctx.floor, [("ratio", 0.35), ("p99_ms", 50)], note)]
    if r.rss_mb is not None:
        rows.append(Result(figure="RSS per worker after the mix", rps=r.rss_mb, unit="MB", targets=[("max", 200)]))
    return rows
