"""The search index: tokeniser, and the index staying right on every write path (ORM, bulk statements, raw SQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

import app.search  # noqa: F401  (registers the index listeners)
from app.boards.policy.models import Policy
from app.boards.resources.models import Resource
from app.core.models import Publication, Verification
from app.search.ddl import SLAB_IDS
from app.search.engine import count_matches, match_ids, match_rows
from app.search.indexer import index_records, reindex_all, remove_records
from app.search.models import SearchDoc
from app.search.tokens import QueryTerm, parse_query, tokenize
from tests import factories as f


def doc_of(session: Session, kind: str, record_id: int) -> SearchDoc | None:
    stmt = select(SearchDoc).where(SearchDoc.kind == kind, SearchDoc.record_id == record_id)
    return session.exec(stmt.execution_options(populate_existing=True)).first()


def hits(session: Session, q: str, *tags: str) -> set[int]:
    """Record ids (of any kind) whose index rows match the query."""
    parsed = parse_query(q)
    ids = match_ids(session, list(parsed.terms), list(tags), 1000)
    if not ids:
        return set()
    return set(session.exec(select(SearchDoc.record_id).where(col(SearchDoc.id).in_(ids))).all())


class TestTokenizer:
    def test_bigrams_last_unigram_and_ascii(self) -> None:
        assert tokenize("石墨烯导热膜") == ["石墨", "墨烯", "烯导", "导热", "热膜", "膜"]
        assert tokenize("SiC 功率器件，28GHz／5G") == ["sic", "功率", "率器", "器件", "件", "28ghz", "5g"]
        assert tokenize("ＡＢＣ１２３") == ["abc123"]  # full-width letters and digits normalised

    def test_query_terms(self) -> None:
        assert [t.token for t in parse_query("聚烯烃催化").terms] == ["聚烯", "烯烃", "烃催", "催化"]
        assert parse_query("烯").terms == (QueryTerm("烯", prefix=True),)
        assert [t.token for t in parse_query(" SiC  电池 ").terms] == ["sic", "电池"]
        assert parse_query("!!！？ ").empty


class TestIndexWritePaths:
    def test_orm_insert_update_and_delete(self, session: Session) -> None:
        p = f.policy(session, title="石墨烯导热膜产业化专项资助")
        doc = doc_of(session, "policy", p.id)
        assert doc is not None and doc.board == "policy" and "c_putuo" in doc.tags.split()
        assert p.id in hits(session, "墨烯")
        first_id = doc.id

        p.title = "钙钛矿叠层电池中试支持"
        session.add(p)
        session.flush()
        doc = doc_of(session, "policy", p.id)
        assert doc is not None and doc.id > first_id  # re-indexed as the freshest row
        assert p.id in hits(session, "钙钛矿") and p.id not in hits(session, "墨烯")

        session.delete(p)
        session.flush()
        assert doc_of(session, "policy", p.id) is None
        assert p.id not in hits(session, "钙钛矿")

    def test_not_public_is_not_indexed(self, session: Session) -> None:
        p = f.policy(session, title="芯片流片补贴", verification=Verification.pending)
        assert doc_of(session, "policy", p.id) is None
        p.verification = Verification.verified
        session.add(p)
        session.flush()
        assert doc_of(session, "policy", p.id) is not None
        p.publication = Publication.unpublished
        session.add(p)
        session.flush()
        assert doc_of(session, "policy", p.id) is None

    def test_bulk_update_statement_reindexes(self, session: Session) -> None:
        p = f.policy(session, title="聚烯烃催化剂首台套奖励")
        assert doc_of(session, "policy", p.id) is not None
        session.execute(
            sa.update(Policy)
            .where(Policy.id == p.id, Policy.verification == Verification.verified)
            .values(verification=Verification.rejected)
        )
        assert doc_of(session, "policy", p.id) is None
        session.execute(sa.update(Policy).where(Policy.id == p.id).values(verification=Verification.verified))
        assert p.id in hits(session, "聚烯烃催化")

    def test_counter_update_does_not_reindex(self, session: Session) -> None:
        p = f.policy(session, title="检测服务券")
        before = doc_of(session, "policy", p.id)
        assert before is not None
        session.execute(sa.update(Policy).where(Policy.id == p.id).values(view_count=Policy.view_count + 1))
        after = doc_of(session, "policy", p.id)
        assert after is not None and after.id == before.id

    def test_bulk_delete_statement_removes(self, session: Session) -> None:
        r = f.resource(session, name="SiC 外延检测平台")
        assert r.id in hits(session, "SiC")
        session.execute(sa.delete(Resource).where(Resource.id == r.id))
        assert doc_of(session, "resource", r.id) is None

    def test_raw_sql_writers_call_index_records(self, session: Session) -> None:
        r = f.resource(session, name="毫米波暗室")
        session.execute(sa.text("UPDATE resource SET name = '28GHz 毫米波暗室' WHERE id = :id"), {"id": r.id})
        assert r.id not in hits(session, "28GHz")  # the index cannot see raw SQL …
        assert index_records(session, Resource, [r.id]) == 2  # … until the writer tells it (old row out, new in)
        assert r.id in hits(session, "28GHz")
        assert index_records(session, Resource, [r.id]) == 0  # unchanged: nothing rewritten
        session.execute(sa.text("DELETE FROM resource WHERE id = :id"), {"id": r.id})
        assert remove_records(session, Resource, [r.id]) == 1
        assert doc_of(session, "resource", r.id) is None

    def test_reindex_rebuilds_in_order_of_freshness(self, session: Session) -> None:
        from datetime import timedelta

        from app.core.models import utcnow

        old = f.policy(session, title="5G 应用示范老政策", published_at=utcnow() - timedelta(days=30))
        new = f.resource(session, name="5G 联合实验室", published_at=utcnow() - timedelta(days=1))
        session.execute(sa.text("DELETE FROM search_doc"))
        assert hits(session, "5G") == set()
        assert reindex_all(session) >= 2
        new_doc, old_doc = doc_of(session, "resource", new.id), doc_of(session, "policy", old.id)
        assert new_doc is not None and old_doc is not None and new_doc.id > old_doc.id
        assert {old.id, new.id} <= hits(session, "5G")


class TestMatching:
    def test_terms_and_tags(self, session: Session) -> None:
        a = f.policy(session, title="动力电池回收利用", city_code="changzhou")
        b = f.policy(session, title="电池检测公共服务平台", city_code="nanjing")
        c = f.policy(session, title="芯片设计人才", city_code="nanjing")
        assert {a.id, b.id} <= hits(session, "电池")
        assert c.id not in hits(session, "电池")
        assert hits(session, "电池", "c_nanjing") & {a.id, b.id, c.id} == {b.id}
        assert b.id in hits(session, "检测")
        assert c.id in hits(session, "片")  # a lone 汉字 as a prefix …
        assert c.id in hits(session, "计")  # … also at the end of a run
        terms = list(parse_query("电池").terms)
        assert count_matches(session, terms, ["c_changzhou"], 1000) >= 1
        assert count_matches(session, terms, [], 1) == 1  # bounded


class TestFreshestAcrossSlabs:
    """PostgreSQL searches slab by slab (app.search.engine); ids far apart put rows in the newest slabs, the next
    step's and the rest. On SQLite the same calls read FTS5 backwards: the answers must be the same."""

    # Newest slab (70), the slab before it (69: the second step's OR), and older ones (the rest at once).
    IDS = (3, 5 * SLAB_IDS + 1, 30 * SLAB_IDS + 2, 69 * SLAB_IDS + 7, 70 * SLAB_IDS)

    def put(self, session: Session, doc_id: int, title: str, body: str) -> None:
        from app.core.models import utcnow
        from app.search.tokens import token_text

        session.add(
            SearchDoc(
                id=doc_id,
                board="policy",
                kind="policy",
                record_id=doc_id,
                city_code="putuo",
                title=title,
                title_tokens=token_text(title),
                body_tokens=token_text(body),
                tags="b_policy k_policy c_putuo",
                fresh_at=utcnow(),
                digest=str(doc_id),
            )
        )
        session.flush()

    def test_freshest_first_from_every_step(self, session: Session) -> None:
        for n, doc_id in enumerate(self.IDS):
            self.put(session, doc_id, f"钙钛矿叠层电池第{n}号", "中试线")
        self.put(session, 70 * SLAB_IDS + 5, "中试线建设", "钙钛矿叠层电池")  # in the text only
        terms = list(parse_query("钙钛矿").terms)
        newest_first = sorted(self.IDS, reverse=True)
        assert match_ids(session, terms, ["k_policy"], 10) == [70 * SLAB_IDS + 5, *newest_first]
        assert match_ids(session, terms, ["k_policy"], 3) == [70 * SLAB_IDS + 5, *newest_first[:2]]
        assert match_ids(session, terms, ["k_policy"], 4) == [70 * SLAB_IDS + 5, *newest_first[:3]]
        in_title = match_rows(session, terms, ["k_policy"], 10, "id", title_only=True)
        assert [r[0] for r in in_title] == newest_first
        assert [r[0] for r in match_rows(session, list(parse_query("钙").terms), [], 2, "id", title_only=True)] == (
            newest_first[:2]
        )
        assert match_ids(session, list(parse_query("叠层").terms), ["c_nanjing"], 10) == []


class TestPendingList:
    def test_postgres_index_keeps_a_short_pending_list(self, session: Session) -> None:
        """Searches read the GIN pending list whole until it is merged (migration 0015, app/search/ddl.py)."""
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("a PostgreSQL GIN index setting; FTS5 merges its own segments")
        from app.search.ddl import GIN_PENDING_LIST_KB, TSV_INDEX

        options = session.execute(
            sa.text("SELECT reloptions FROM pg_class WHERE relname = :name"), {"name": TSV_INDEX}
        ).scalar_one()
        assert f"gin_pending_list_limit={GIN_PENDING_LIST_KB}" in (options or [])
