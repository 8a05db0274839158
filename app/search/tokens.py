"""The tokeniser of the search index, the same for SQLite and PostgreSQL and for documents and queries.

Neither database segments Chinese out of the box, so the application does it: every run of 汉字 becomes its
overlapping bigrams plus its last character as a unigram (石墨烯 → 石墨 墨烯 烯), every run of ASCII letters and digits
one lower-cased token (SiC → sic, 28GHz → 28ghz, 5G → 5g). A query is tokenised the same way and its tokens are
ANDed, so a two-character word (电池) is one bigram lookup, a long term (聚烯烃催化) the AND of its four bigrams, and a
part of a word (墨烯 in 石墨烯) matches because its bigram is in the document. A single 汉字 is a prefix lookup: every
occurrence of a character starts a bigram or ends its run, so `烯*` finds them all.

The tokens are written into ordinary text columns, separated by spaces; FTS5 (`unicode61`) and PostgreSQL
(`array_to_tsvector`, no parser involved) index those words exactly as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.search.ddl import TITLE_MARK

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(f"([{_CJK}]+)|([0-9a-z]+)")
_CJK_RUN = re.compile(f"[{_CJK}]+")
_ASCII_RUN = re.compile("[0-9a-z]+")
# Filter tags ("c_nanjing", "n_new_energy.3") keep to these characters; text tokens never contain "_", so a tag can
# never collide with a word.
_TAG_VALUE = re.compile(r"[^0-9a-z_.]")

MAX_QUERY_TOKENS = 32


def normalise(text: str) -> str:
    """NFKC (full-width ＡＢＣ１２３ → ABC123) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def tokenize(text: str) -> list[str]:
    out: list[str] = []
    for m in _RUN.finditer(normalise(text)):
        cjk, ascii_ = m.group(1), m.group(2)
        if ascii_:
            out.append(ascii_)
            continue
        out.extend(cjk[i : i + 2] for i in range(len(cjk) - 1))
        out.append(cjk[-1])
    return out


def token_text(*texts: str | None) -> str:
    return " ".join(t for text in texts if text for t in tokenize(text))


def tag(prefix: str, value: str) -> str:
    return f"{prefix}_{_TAG_VALUE.sub('', value.lower())}"


@dataclass(frozen=True)
class QueryTerm:
    """One token of a query; `prefix` for a lone 汉字 (matches every word that starts with it)."""

    token: str
    prefix: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[QueryTerm, ...]
    # The query's own words (runs of 汉字 or ASCII), for highlighting.
    words: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.terms


def parse_query(q: str) -> ParsedQuery:
    terms: list[QueryTerm] = []
    words: list[str] = []
    for m in _RUN.finditer(normalise(q)):
        cjk, ascii_ = m.group(1), m.group(2)
        words.append(m.group(0))
        if ascii_:
            terms.append(QueryTerm(ascii_))
        elif len(cjk) == 1:
            terms.append(QueryTerm(cjk, prefix=True))
        else:
            terms.extend(QueryTerm(cjk[i : i + 2]) for i in range(len(cjk) - 1))
    seen: dict[QueryTerm, None] = dict.fromkeys(terms)
    return ParsedQuery(tuple(seen)[:MAX_QUERY_TOKENS], tuple(dict.fromkeys(words)))


# A filter: one tag, "!tag" for rows without it, or a tuple of tags of which any may match (e.g. a chain node and
# its neighbours).
TagFilter = str | tuple[str, ...]


def _group(parts: list[str], op: str) -> str:
    text = f" {op} ".join(parts)
    return f"({text})" if len(parts) > 1 else text


def fts5_expression(
    terms: list[QueryTerm], tags: list[TagFilter], *, any_of: bool = False, title_only: bool = False
) -> str:
    """An FTS5 MATCH expression: terms ANDed (or ORed with `any_of`; in the title only with `title_only`), filter
    tags always ANDed."""
    parts = [f'"{t.token}"' + (" *" if t.prefix else "") for t in terms]
    out = [_group(parts, "OR") if any_of else " AND ".join(parts)] if parts else []
    if title_only and out:
        out = [f"{{title_tokens}} : ({out[0]})"]
    negative = [t[1:] for t in tags if isinstance(t, str) and t.startswith("!")]
    for t in tags:
        if isinstance(t, tuple):
            out.append(_group([f'"{x}"' for x in t], "OR"))
        elif not t.startswith("!"):
            out.append(f'"{t}"')
    text = " AND ".join(out)
    for t in negative:  # FTS5's NOT is binary: (everything else) NOT "tag"
        text = f'({text}) NOT "{t}"'
    return text


def tsquery_expression(
    terms: list[QueryTerm], tags: list[TagFilter], *, any_of: bool = False, title_only: bool = False
) -> str:
    """The same as a PostgreSQL tsquery literal (cast with ::tsquery, no text-search parser involved); `title_only`
    looks the terms up among the title's own tokens, which the index holds again with TITLE_MARK before them."""
    mark = TITLE_MARK if title_only else ""
    parts = [f"'{mark}{t.token}'" + (":*" if t.prefix else "") for t in terms]
    out = [_group(parts, "|") if any_of else " & ".join(parts)] if parts else []
    for t in tags:
        if isinstance(t, tuple):
            out.append(_group([f"'{x}'" for x in t], "|"))
        else:
            out.append(f"!'{t[1:]}'" if t.startswith("!") else f"'{t}'")
    return " & ".join(out)


def highlight_spans(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the query's words occur in `text` (case-insensitive), merged into non-overlapping spans."""
    if not text or not words:
        return []
    low = normalise(text)
    if len(low) != len(text):  # NFKC changed the length: fall back to plain lower-casing
        low = text.lower()
    spans: list[tuple[int, int]] = []
    for w in words:
        start = low.find(w)
        while start != -1:
            spans.append((start, start + len(w)))
            start = low.find(w, start + len(w))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
