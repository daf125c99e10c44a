"""Figures across the corpus: one measure as the outlets and sources of a corpus report it.

``find_figures(conn, path, "killed")`` (or ``Corpus.figures("killed")``) finds the claims
whose measure or event matches the term, groups them by what they count, and returns:

- the **timeline**: per figure, its date (the date its sentence gives the statement, as in
  "the service said on Tuesday", else the article's publication date), value or range,
  qualifier, unit, who asserted it (``asserted_by`` or "(outlet's own voice)"), outlet,
  document, claim and sentence;
- the **spread** per group and day: the lowest and highest figure that two or more outlets
  (or sources, ``by="source"``) gave that day, and their ratio;
- **flags**: figures that no other outlet (or source) gives within ``window`` days while
  others do give figures for that measure; compatibility respects qualifiers and rounding
  ("at least 24,000" and "24,000" are compatible with 24,448; 31,000 is not). A syndicated
  copy of the same article (``store/syndication.py``) is not another outlet's word.

It reports who gave which figure; it never says which one is right. Every value from the
user is a bound parameter; the SQL text is assembled only from fixed clauses.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import math
import os
import re
import string
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from .db import StoreError, store_error
from .dialect import DB_ERRORS, Connection, Dialect, dialect_of

if TYPE_CHECKING:
    from ..types import Record

__all__ = [
    "FIGURE_COLUMNS",
    "OWN_VOICE",
    "By",
    "DaySpread",
    "FigureFlag",
    "FigureRow",
    "Figures",
    "compatible",
    "find_figures",
    "interval",
    "normalise_measure",
    "stem",
    "term_key",
]

#: ``asserted_by`` of a figure that no attribution gives to anyone: the article says it.
OWN_VOICE = "(outlet's own voice)"
_UNKNOWN_OUTLET = "(unknown outlet)"

By = Literal["outlet", "source"]
Match = Literal["measure", "event", "context"]

# --- words ---------------------------------------------------------------------------------

#: Words that never make what a figure counts: determiners, qualifiers, function words.
_STOP = frozenset(
    """a an the this that these those some any its their his her our your my such other another
    at least most more than less fewer about around nearly almost over under up down to of in on
    by for with from and or as now still only just further additional new roughly approximately
    estimated some many several few all both each every who which were was are is be been being
    have has had there they it per some""".split()
)
#: Words that say a figure was reported, not what it counts ("deaths confirmed", "people known").
_REPORTING = frozenset(
    "confirm know known report estimate record register say said count tally official put"
    " believe".split()
)
#: Nouns that count anyone: "people killed", "victims" and "killed" are one measure.
_GENERIC = frozenset("people person individual victim total number figure toll tally".split())

#: Words for the same measure; the key is the group's name. A query for one finds the others
#: ("killed" finds "died", "dead" and "deaths") unless ``exact`` is asked for.
_FAMILIES: dict[str, tuple[str, ...]] = {
    "deaths": ("kill", "killed", "die", "died", "dying", "dead", "death", "fatality", "fatalities"),
    "injured": ("injure", "injured", "injury", "injuries", "wound", "wounded", "hurt"),
    "missing": ("missing", "unaccounted"),
    "displaced": ("displace", "displaced", "flee", "fled", "uproot", "uprooted"),
    "detained": ("arrest", "arrested", "detain", "detained", "detention"),
}
_IRREGULAR = {
    "dying": "di",
    "died": "di",
    "dies": "di",
    "die": "di",
    "fled": "fle",
    "children": "child",
    "men": "man",
    "women": "woman",
    "lives": "life",
    "exceed": "exceed",
    "proceed": "proceed",
    "succeed": "succeed",
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude, consistent stem: "killed", "kills", "killing" -> "kill"; "deaths" -> "death".

    Not a lemma: it only has to give the same key to the forms of one word. Memoised: a
    corpus has few distinct words, and ``find_figures`` stems them for every figure.
    """
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3:
        return w
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith(("ies", "ied")):
        w = w[:-3] + "i"
    elif w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    elif len(w) > 4 and (w.endswith("ed") or (w.endswith("es") and not w.endswith("ees"))):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    while len(w) > 3 and w.endswith("e"):  # "agree", "agreed", "agrees" -> "agr"
        w = w[:-1]
    if len(w) > 3 and w.endswith("y"):
        w = w[:-1] + "i"
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]
    return w


_FAMILY_OF: dict[str, str] = {stem(w): name for name, words in _FAMILIES.items() for w in words}
_GENERIC_STEMS = frozenset(stem(w) for w in _GENERIC)
_REPORTING_STEMS = frozenset(stem(w) for w in _REPORTING)
#: Verbs that give a level or a change of what the measure names ("inflation rose 2.3
#: percent", "the toll reached 63"): the measure, not the verb, says what is counted.
_LEVEL_STEMS = frozenset(
    stem(w)
    for w in "be stand reach hit top pass total number exceed remain rise fall climb drop grow"
    " increase decrease jump".split()
)


def _words(text: str | None) -> list[str]:
    """The content words of a measure or term, lower-cased, without stop words and numbers."""
    if not text:
        return []
    return [w for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in _STOP]


def normalise_measure(measure: str | None) -> str:
    """What a measure counts, as a key: "the Palestinians killed" -> "palestinian kill".

    Lower-cased stems without determiners, qualifiers and numbers; "" when nothing is left.
    """
    return " ".join(stem(w) for w in _words(measure))


# --- compatibility -------------------------------------------------------------------------


def _rounding(value: float) -> float:
    """How far a round figure may be from the count it rounds: 24,000 -> 500, 63 -> 0.

    Only figures of 1,000 or more with trailing zeros count as rounded, and never by more
    than 5% of the figure.
    """
    v = abs(value)
    if v < 1000 or v != math.floor(v):
        return 0.0
    unit = 1.0
    while v % (unit * 10) == 0:
        unit *= 10
    return min(unit / 2, 0.05 * v) if unit > 1 else 0.0


def interval(
    qualifier: str, value: float | None, low: float | None = None, high: float | None = None
) -> tuple[float, float] | None:
    """The counts a figure allows, with its rounding; None when it allows no comparison.

    "at least 24,000" -> (23500, inf); "24,448" -> (24448, 24448); "about 60" -> (54, 66).
    """
    inf = math.inf
    if qualifier in ("range", "vague"):
        if low is None and high is None:
            return None
        return _widen(low if low is not None else -inf, high if high is not None else inf)
    if value is None:
        return None
    tol = _rounding(value)
    if qualifier == "about":
        tol = max(tol, 0.1 * abs(value))
    if qualifier in ("at_least", "more_than"):
        return _widen(value - tol, inf)
    if qualifier in ("at_most", "less_than"):
        return _widen(-inf, value + tol)
    return _widen(value - tol, value + tol)


def _widen(low: float, high: float) -> tuple[float, float]:
    """The interval with a hair of slack for floating point: 0.1 + 0.2 is 0.3."""
    return (low - 1e-9 * max(1.0, abs(low)), high + 1e-9 * max(1.0, abs(high)))


def compatible(a: tuple[float, float] | None, b: tuple[float, float] | None) -> bool:
    """Two figures are compatible when some count satisfies both (None: always compatible)."""
    if a is None or b is None:
        return True
    return a[0] <= b[1] and b[0] <= a[1]


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FigureRow:
    """One figure in the timeline, with its day's spread and whether it stands alone."""

    group: str
    date: str | None
    date_source: str | None  # "sentence", "published" or None (no date known)
    figure: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    unit: str | None
    direction: str | None  # "up" or "down" for a change ("rose 2.3 percent"), else None
    measure: str | None
    event: str | None
    asserted_by: str
    outlet: str | None
    document_id: str
    claim_id: str
    sentence: str
    match: str  # how the term matched: "measure", "event" or "context"
    copy_group: int | None = None  # syndication group, when the article has copies
    day_low: float | None = None
    day_high: float | None = None
    day_ratio: float | None = None
    flagged: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


FIGURE_COLUMNS = tuple(f.name for f in fields(FigureRow))


@dataclass(frozen=True, slots=True)
class DaySpread:
    """The lowest and highest figure of one group on one day, across outlets (or sources)."""

    group: str
    date: str
    low: float
    high: float
    ratio: float | None
    low_by: list[str]
    high_by: list[str]
    sides: int  # how many outlets (or sources) gave a figure that day

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class FigureFlag:
    """A figure no other outlet (or source) gives within the window, while others give one."""

    group: str
    date: str
    figure: str
    by: str
    outlet: str | None
    asserted_by: str
    document_id: str
    claim_id: str
    others: list[str]  # what the others said: "more than 60 (Valley Wire)"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Figures:
    """What ``find_figures`` returns: the timeline, the spreads and the flags."""

    term: str
    by: str
    window: int
    rows: list[FigureRow] = field(default_factory=list)
    spreads: list[DaySpread] = field(default_factory=list)
    flags: list[FigureFlag] = field(default_factory=list)

    @property
    def groups(self) -> list[str]:
        return sorted({r.group for r in self.rows})


# --- the query -----------------------------------------------------------------------------

_BEFORE = 600  # characters of text before a figure read for its sentence
_AFTER = 400  # ... and after
_CONTEXT_WORDS = 8  # words after a figure that may name what it counts ("63 people had died")


@dataclass(slots=True)
class _Term:
    """One word of the query term: its stem and the stems that match it."""

    stem: str
    family: str | None
    alternatives: frozenset[str]


def _parse_term(term: str, exact: bool) -> list[_Term]:
    words = _words(term)
    content = [w for w in words if stem(w) not in _GENERIC_STEMS] or words
    parsed: list[_Term] = []
    for word in content:
        s = stem(word)
        family = None if exact else _FAMILY_OF.get(s)
        if family is not None:
            alternatives = frozenset(k for k, v in _FAMILY_OF.items() if v == family)
        else:
            alternatives = frozenset({s})
        parsed.append(_Term(s, family, alternatives))
    if not parsed:
        raise StoreError(f"figures: {term!r} has no word to look for (e.g. 'killed')")
    return parsed


def term_key(term: str, exact: bool = False) -> tuple[str, ...]:
    """What ``term`` looks for, as a key: terms with the same key find the same figures
    ("killed", "dead" and "deaths": the deaths family), whatever ``term`` itself says.
    Raises ``StoreError`` as ``find_figures`` does for a term of stop words only."""
    # a term of a family matches by its family's stems only (its own stem names a group
    # only when no family matches, never the case when it matches): the family is the key
    return tuple(
        t.family if t.family is not None else "=" + t.stem for t in _parse_term(term, exact)
    )


def _cores(s: str) -> list[str]:
    """Substrings of which every written form of a word with stem ``s`` holds one: the stem
    without a final "i" ("casualti" -> "casualt": casualty, casualties), and the irregular
    forms ("di": dying; "man": men)."""
    core = s[:-1] if len(s) > 2 and s.endswith("i") else s
    irregular = [w for w, st in _IRREGULAR.items() if st == s and core not in w]
    return sorted({core, *irregular})


def _like(core: str) -> str:
    escaped = core.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_SELECT = (
    "SELECT c.document_id, c.claim_id, c.text, c.start, c.value, c.low, c.high, c.qualifier,"
    " c.unit, c.direction, c.measure, c.event, c.asserted_by_name, d.outlet, d.published,"
    " x.context_words, x.sentence, x.said_on"
    # CROSS JOIN: SQLite joins in this order (the claims first, then their context and
    # document), rather than reading every document to save the sort (PostgreSQL: JOIN)
    " FROM claims c"
    " CROSS JOIN claim_context x ON x.document_id = c.document_id AND x.claim_id = c.claim_id"
    " CROSS JOIN documents d ON d.id = c.document_id"
)
_MATCH_FIELDS = "c.measure {like} :{p} ESCAPE '\\' OR c.event {like} :{p} ESCAPE '\\'"
# a word of the term among the few words after a figure without a unit ("63 people had
# died"): the only words after it that ``_analyse`` reads (context_words, lower-cased), so
# a plain search for the core there is enough (and much faster than a pattern over the
# longer after_text)
_MATCH_CONTEXT = " OR (c.unit IS NULL AND instr(x.context_words, :{p}_core) > 0)"
_MATCH_CONTEXT_PG = " OR (c.unit IS NULL AND strpos(x.context_words, :{p}_core) > 0)"
_CONTEXT_CHARS = 120  # characters after a figure kept in claim_context.after_text
#: lower() of SQLite, and of PostgreSQL on "C" text: ASCII letters only
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


#: A candidate figure: the columns of ``_SELECT``, in order.
_Candidate = tuple[
    str,  # document_id
    str,  # claim_id
    str,  # text (the figure as written)
    int,  # start
    float | None,  # value
    float | None,  # low
    float | None,  # high
    str,  # qualifier
    str | None,  # unit
    str | None,  # direction
    str | None,  # measure
    str | None,  # event
    str | None,  # asserted_by_name
    str | None,  # outlet
    str | None,  # published
    str,  # context_words
    str,  # sentence
    str | None,  # said_on
]


def _candidates(
    conn: Connection, path: str, terms: Sequence[_Term], exact: bool
) -> list[_Candidate]:
    """The claims that may match: a word of the term (a core of one of its stems) in the
    measure or event, or (unless ``exact``) among the words right after a figure without a
    unit. A prefilter: ``_analyse`` decides. Reads ``claim_context``, never
    ``documents.text``."""
    sql_dialect: Dialect = dialect_of(conn)
    pg = sql_dialect.postgres
    params: dict[str, Any] = {}
    clauses: list[str] = []
    n = 0
    for t in terms:
        alternatives: list[str] = []
        for core in sorted({c for s in t.alternatives for c in _cores(s)}):
            name = f"p{n}"
            n += 1
            params[name] = _like(core)
            clause = _MATCH_FIELDS.format(p=name, like=sql_dialect.like)
            if not exact:
                params[f"{name}_core"] = core
                clause += (_MATCH_CONTEXT_PG if pg else _MATCH_CONTEXT).format(p=name)
            alternatives.append(clause)
        clauses.append("(" + " OR ".join(alternatives) + ")")
    sql = _SELECT + " WHERE " + " AND ".join(clauses) + " ORDER BY d.pk, c.start"
    try:
        cursor = conn.cursor()
        cursor.row_factory = None  # plain tuples (PostgreSQL's rows are tuples too)
        return list(cursor.execute(sql, params))
    except DB_ERRORS as exc:
        raise store_error(exc, path) from exc


def _copy_groups(conn: Connection, path: str, ids: Sequence[str]) -> dict[str, int]:
    """The syndication group of each given document that has copies in the corpus
    (``store/syndication.py``); documents without copies are left out."""
    if not ids:
        return {}
    sql_dialect = dialect_of(conn)
    try:
        rows = conn.execute(
            "SELECT document_id, group_id FROM syndication"
            f" WHERE {sql_dialect.in_list('document_id', ':ids')} AND group_id IN"
            " (SELECT group_id FROM syndication GROUP BY group_id HAVING count(*) > 1)",
            {"ids": sql_dialect.list_param(sorted(set(ids)))},
        ).fetchall()
    except DB_ERRORS as exc:
        raise store_error(exc, path) from exc
    return {str(doc): int(group) for doc, group in rows}


def _is_day(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


# --- sentences and dates -------------------------------------------------------------------

_BOUNDARY = re.compile(
    r"(?<=[.!?])([\"'”’»)\]]*)(\s+)(?=[\"'“‘«(\[]?[A-Z0-9])|(\n)",
)
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Prof|Jr|Sr|No|vs|etc|Inc|Co|"
    r"Corp|Ltd|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$"
)
_SPEECH_VERB = re.compile(
    r"\b(?:said|says|told|confirmed|reported|announced|added|stated|estimated)\b", re.IGNORECASE
)
#: Between a speech cue and the date it was said: "said on", "said late on", "told reporters on".
_CUE_TO_DATE = re.compile(r"^\s+(?:[^\s.;:!?\"“”«»]+\s+){0,4}?on\s+$|^\s+$")


def _sentence(window: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of ``window`` holding [start, end), as offsets into ``window``."""
    s, e = 0, len(window)
    for m in _BOUNDARY.finditer(window):
        if m.group(3) is None and _ABBREVIATION.search(window[max(0, m.start() - 6) : m.start()]):
            continue
        stop = m.start() if m.group(3) is not None else m.end(1)
        nxt = m.end()
        if nxt <= start:
            s = nxt
        elif stop >= end:
            e = stop
            break
    return s, e


def _statement_date(
    window: str,
    offset: int,
    sentence: tuple[int, int],
    claim: tuple[int, int],
    dates: Iterable[tuple[int, int, str]],
    cues: Iterable[tuple[int, int]],
    published: str | None,
) -> str | None:
    """The day the sentence says the figure was given: a date right after a speech cue in the
    same sentence ("the service said on Tuesday that ..."), not after the publication date."""
    lo, hi = sentence[0] + offset, sentence[1] + offset
    cue_ends = [ce for cs, ce in cues if lo <= cs and ce <= hi]
    # a speech verb the attributions missed still dates what it reports
    cue_ends += [m.end() + offset for m in _SPEECH_VERB.finditer(window, sentence[0], sentence[1])]
    best: tuple[int, str] | None = None
    for ds, de, value in dates:
        if not (lo <= ds and de <= hi) or (published and value > published):
            continue
        if not any(
            ce <= ds and _CUE_TO_DATE.match(window[ce - offset : ds - offset]) for ce in cue_ends
        ):
            continue
        distance = min(abs(ds - claim[0]), abs(de - claim[1]))
        if best is None or distance < best[0]:
            best = (distance, value)
    return best[1] if best else None


# --- the context of each claim, worked out when it is stored ------------------------------

#: ``claim_context``: per claim, what ``find_figures`` reads of the text around a figure,
#: worked out once when its document is stored (``Store.put``) or, for documents stored
#: before the table existed, by the migration that made it. Replaced with the claims.
CLAIM_CONTEXT_SCHEMA = [
    """
    CREATE TABLE claim_context (
        document_id TEXT NOT NULL REFERENCES documents(id),
        claim_id TEXT NOT NULL,
        after_text TEXT NOT NULL,
        context_words TEXT NOT NULL,
        sentence TEXT NOT NULL,
        said_on TEXT,
        UNIQUE (document_id, claim_id)
    )
    """,
]

_INSERT_CONTEXT = (
    "INSERT INTO claim_context (document_id, claim_id, after_text, context_words, sentence,"
    " said_on) VALUES (?, ?, ?, ?, ?, ?)"
)

#: A row of ``claim_context``: document_id, claim_id, after_text, context_words, sentence,
#: said_on.
ContextRow = tuple[str, str, str, str, str, str | None]


def claim_contexts(
    doc_id: str,
    text: str,
    published: str | None,
    claims: Iterable[tuple[str, int, int]],
    dates: Sequence[tuple[int, int, str]],
    cues: Sequence[tuple[int, int]],
) -> list[ContextRow]:
    """The ``claim_context`` rows of one document's claims (claim id, start, end), from its
    text, publication date, day dates (start, end, YYYY-MM-DD) and quote cues (start, end)."""
    rows: list[ContextRow] = []
    for claim_id, start, end in claims:
        offset = max(start - _BEFORE, 0)
        window = text[offset : end + _AFTER]
        rel = (start - offset, end - offset)
        after = text[end : end + _CONTEXT_CHARS]
        sentence = _sentence(window, *rel)
        said_on = _statement_date(window, offset, sentence, (start, end), dates, cues, published)
        rows.append(
            (
                doc_id,
                claim_id,
                after.translate(_ASCII_LOWER),
                " ".join(_context_words(after)),
                " ".join(window[sentence[0] : sentence[1]].split()),
                said_on,
            )
        )
    return rows


def record_claim_contexts(record: Record) -> list[ContextRow]:
    """The ``claim_context`` rows of a record's claims (what ``Store.put`` stores)."""
    if not record.claims:
        return []
    dates = [
        (d.span.start, d.span.end, d.value)
        for d in record.dates
        if d.kind == "date" and isinstance(d.value, str) and _is_day(d.value)
    ]
    cues = [(q.cue.start, q.cue.end) for q in record.quotes if q.cue is not None]
    return claim_contexts(
        record.id,
        record.text,
        record.published,
        ((c.id, c.span.start, c.span.end) for c in record.claims),
        dates,
        cues,
    )


def insert_claim_contexts(conn: Connection, rows: Sequence[ContextRow]) -> None:
    if rows:
        conn.executemany(_INSERT_CONTEXT, rows)


def _document_context(
    conn: Connection, ids: Sequence[str]
) -> tuple[dict[str, list[tuple[int, int, str]]], dict[str, list[tuple[int, int]]]]:
    """Day dates (start, end, YYYY-MM-DD) and quote cues (start, end) of the given documents,
    as the stored records and quotes give them."""
    dates: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    cues: dict[str, list[tuple[int, int]]] = defaultdict(list)
    if not ids:
        return dates, cues
    sql_dialect = dialect_of(conn)
    wanted = sql_dialect.list_param(sorted(set(ids)))
    if sql_dialect.postgres:
        dates_sql = (
            "SELECT d.id, (j.value -> 'span' ->> 'start')::bigint,"
            " (j.value -> 'span' ->> 'end')::bigint,"
            " CASE WHEN jsonb_typeof(j.value -> 'value') = 'string' THEN j.value ->> 'value' END"
            " FROM documents d, jsonb_array_elements(d.record::jsonb -> 'dates') j"
            " WHERE d.id = ANY(:ids) AND j.value ->> 'kind' = 'date'"
        )
    else:
        dates_sql = (
            "SELECT d.id, json_extract(j.value, '$.span.start'), json_extract(j.value, '$.span.end'),"
            " json_extract(j.value, '$.value') FROM documents d, json_each(d.record, '$.dates') j"
            " WHERE d.id IN (SELECT value FROM json_each(:ids))"
            " AND json_extract(j.value, '$.kind') = 'date'"
        )
    for doc, start, end, value in conn.execute(dates_sql, {"ids": wanted}):
        if isinstance(value, str) and _is_day(value):
            dates[doc].append((int(start), int(end), value))
    for doc, start, end in conn.execute(
        "SELECT document_id, cue_start, cue_end FROM quotes"
        f" WHERE {sql_dialect.in_list('document_id', ':ids')} AND cue_start IS NOT NULL",
        {"ids": wanted},
    ):
        cues[doc].append((int(start), int(end)))
    return dates, cues


_FILL_BATCH = 200  # documents read at a time when filling claim_context


def fill_claim_context(conn: Connection) -> int:
    """Fill ``claim_context`` for the stored documents that have claims without a row there
    (the migration that makes the table; either backend), a batch of documents at a time.
    Returns the number of rows added."""
    sql_dialect = dialect_of(conn)
    added = 0
    last: int | None = None
    while True:
        todo = [
            (int(pk), str(doc))
            for pk, doc in conn.execute(
                "SELECT d.pk, d.id FROM documents d WHERE d.pk > ? AND EXISTS"
                " (SELECT 1 FROM claims c WHERE c.document_id = d.id AND NOT EXISTS"
                " (SELECT 1 FROM claim_context x"
                " WHERE x.document_id = c.document_id AND x.claim_id = c.claim_id))"
                " ORDER BY d.pk LIMIT ?",
                (last if last is not None else -1, _FILL_BATCH),
            )
        ]
        if not todo:
            return added
        last = todo[-1][0]
        ids = [doc for _, doc in todo]
        wanted = {"ids": sql_dialect.list_param(ids)}
        claims: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        for doc, claim_id, start, end in conn.execute(
            'SELECT c.document_id, c.claim_id, c.start, c."end" FROM claims c'
            f" WHERE {sql_dialect.in_list('c.document_id', ':ids')} AND NOT EXISTS"
            " (SELECT 1 FROM claim_context x"
            " WHERE x.document_id = c.document_id AND x.claim_id = c.claim_id)"
            " ORDER BY c.document_id, c.start, c.claim_id",
            wanted,
        ):
            claims[doc].append((claim_id, int(start), int(end)))
        dates, cues = _document_context(conn, ids)
        rows: list[ContextRow] = []
        for doc, text, published in conn.execute(
            f"SELECT id, text, published FROM documents WHERE {sql_dialect.in_list('id', ':ids')}",
            wanted,
        ):
            rows += claim_contexts(
                doc, text, published, claims[doc], dates.get(doc, ()), cues.get(doc, ())
            )
        insert_claim_contexts(conn, rows)
        added += len(rows)


# --- matching and grouping -----------------------------------------------------------------


class _Row(NamedTuple):
    """A figure's ``FigureRow`` fields from ``date`` to ``copy_group`` (its group, day's spread
    and flag are known only when every figure is read): a tuple, quick to make."""

    date: str | None
    date_source: str | None
    figure: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    unit: str | None
    direction: str | None
    measure: str | None
    event: str | None
    asserted_by: str
    outlet: str | None
    document_id: str
    claim_id: str
    sentence: str
    match: str
    copy_group: int | None


@dataclass(slots=True)
class _Found:
    row: _Row
    start: int  # offset of the claim in its document, for the order of the timeline
    predicate: tuple[str, str]  # key, label
    specific: tuple[str, str]  # key, label ("", "") for anyone
    side: str = ""
    group: str = ""
    interval: tuple[float, float] | None = None


#: Where the words that may say what a figure counts end: punctuation, another number, a
#: conjunction ("four days after a flood that killed ..." says nothing about the four days).
_CONTEXT_END = re.compile(
    r"[.,;:!?()\[\]\"“”«»\d]|\b(?:and|but|or|after|before|when|while|since|until|because|although"
    r"|as|if|than)\b",
    re.IGNORECASE,
)


def _context_words(after: str) -> list[str]:
    """The words right after a figure (``after``: the text after it) that may say what it
    counts, lower-cased: up to the first punctuation, number or conjunction."""
    cut = _CONTEXT_END.search(after)
    if cut:
        after = after[: cut.start()]
    return [m.group(0).lower() for m in _WORD.finditer(after)][:_CONTEXT_WORDS]


def _analyse(
    terms: Sequence[_Term], measure: str | None, event: str | None, context: list[str] | None
) -> tuple[Match, tuple[str, str], tuple[str, str]] | None:
    """How the term matches a claim, and what the claim counts (predicate, specific noun)."""
    words = _words(measure)
    stems = [stem(w) for w in words]
    event_stem = stem(event) if event else None
    pool_measure = set(stems)
    pool = pool_measure | ({event_stem} if event_stem else set())
    how: Match | None = None
    if all(t.alternatives & pool_measure for t in terms):
        how = "measure"
    elif all(t.alternatives & pool for t in terms):
        how = "event"
    content = [
        (w, s)
        for w, s in zip(words, stems, strict=True)
        if s not in _GENERIC_STEMS | _REPORTING_STEMS
    ]
    # words after a figure that counts no one in particular: "60 people are known to have died"
    context_stems = [stem(w) for w in context if w not in _STOP] if context and not content else []
    if how is None and context_stems:
        if all(t.alternatives & (pool | set(context_stems)) for t in terms):
            how = "context"
    if how is None:
        return None
    # what is counted: a measure's family ("deaths"), else its last word or the event's lemma
    family = next((_FAMILY_OF[s] for s in (*stems, *pool, *context_stems) if s in _FAMILY_OF), None)
    predicate: tuple[str, str]
    if family is not None:
        predicate = (family, family)
    elif content and (
        event_stem is None
        or event_stem in _REPORTING_STEMS | _LEVEL_STEMS
        or event_stem in pool_measure
    ):
        predicate = (content[-1][1], content[-1][0])
    elif event and event_stem not in _REPORTING_STEMS:
        predicate = (stem(event), event.lower())
    elif content:
        predicate = (content[-1][1], content[-1][0])
    elif words:
        predicate = (stems[0], words[0])
    else:
        predicate = (terms[0].stem, terms[0].stem)
    specific = [
        (w, s) for w, s in content if s != predicate[0] and _FAMILY_OF.get(s) != predicate[0]
    ]
    key = " ".join(sorted({s for _, s in specific}))
    label = " ".join(w for w, _ in specific)
    return how, predicate, (key, label)


def _group_labels(found: list[_Found]) -> None:
    """Name each figure's group: one per predicate, unit and kind (a level, or a change such as
    "rose 2.3 percent"), split by who is counted only when the figures count different people
    or things ("deaths: israelis", "deaths: palestinians")."""
    by_predicate: dict[tuple[str, str | None, bool], list[_Found]] = defaultdict(list)
    for f in found:
        by_predicate[(f.predicate[0], f.row.unit, f.row.direction is not None)].append(f)
    for (_, unit, change), members in by_predicate.items():
        labels = Counter(f.predicate[1] for f in members)
        base = min(labels, key=lambda label: (-labels[label], label))
        specifics = {f.specific[0] for f in members if f.specific[0]}
        specific_labels = _specific_labels(members) if len(specifics) > 1 else {}
        for f in members:
            name = base
            if len(specifics) > 1 and f.specific[0]:
                name = f"{base}: {specific_labels[f.specific[0]]}"
            if unit:
                name = f"{name} [{unit}]"
            if change:
                name += " (change)"
            f.group = name


def _specific_labels(members: list[_Found]) -> dict[str, str]:
    """Per key of who is counted, its most frequent label (the first in order on a tie)."""
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for f in members:
        if f.specific[0]:
            labels[f.specific[0]][f.specific[1]] += 1
    return {
        key: min(counts, key=lambda label: (-counts[label], label))
        for key, counts in labels.items()
    }


def _side(row: _Row, by: By) -> str:
    outlet = row.outlet if row.outlet is not None else _UNKNOWN_OUTLET
    if by == "outlet":
        return outlet
    return row.asserted_by if row.asserted_by != OWN_VOICE else f"{outlet} (own voice)"


def _points(row: _Row) -> tuple[float, float] | None:
    """The lowest and highest number a figure names (for the spread)."""
    if row.value is not None:
        return row.value, row.value
    if row.low is not None or row.high is not None:
        low = row.low if row.low is not None else row.high
        high = row.high if row.high is not None else row.low
        assert low is not None and high is not None
        return low, high
    return None


def _spreads(found: list[_Found]) -> list[DaySpread]:
    cells: dict[tuple[str, str], list[tuple[float, float, str]]] = defaultdict(list)
    for f in found:
        points = _points(f.row)
        if f.row.date is not None and points is not None:
            cells[(f.group, f.row.date)].append((*points, f.side))
    spreads: list[DaySpread] = []
    for (group, day), values in cells.items():
        sides = {side for _, _, side in values}
        if len(sides) < 2:
            continue
        low = min(v[0] for v in values)
        high = max(v[1] for v in values)
        spreads.append(
            DaySpread(
                group=group,
                date=day,
                low=low,
                high=high,
                ratio=round(high / low, 3) if low > 0 else None,
                low_by=sorted({side for lo, _, side in values if lo == low}),
                high_by=sorted({side for _, hi, side in values if hi == high}),
                sides=len(sides),
            )
        )
    spreads.sort(key=lambda s: (s.group, s.date))
    return spreads


def _copies(a: _Row, b: _Row) -> bool:
    """Two figures from copies of one article: a copy is not another outlet's word."""
    return a.copy_group is not None and a.copy_group == b.copy_group


_MAX_OTHERS = 12  # what the others said, listed in a flag


def _flags(found: list[_Found], window: int) -> list[FigureFlag]:
    """Figures with others in their group within ``window`` days, none of them compatible."""
    days: dict[str, dict[int, list[_Found]]] = defaultdict(lambda: defaultdict(list))
    for f in found:
        if f.row.date is not None and f.interval is not None:
            days[f.group][dt.date.fromisoformat(f.row.date).toordinal()].append(f)
    flags: list[FigureFlag] = []
    for by_day in days.values():
        for ordinal, members in by_day.items():
            near = [
                o for d in range(ordinal - window, ordinal + window + 1) for o in by_day.get(d, ())
            ]
            # by lowest count, with the running highest: a figure above every interval that
            # starts below its top overlaps nothing (most flags need no scan)
            near.sort(key=lambda o: _bounds(o)[0])
            lows = [_bounds(o)[0] for o in near]
            top = list(itertools.accumulate((_bounds(o)[1] for o in near), max))
            said: list[tuple[str, str, int | None]] | None = None
            for f in members:
                low, high = _bounds(f)
                k = bisect.bisect_right(lows, high)
                if (
                    k
                    and top[k - 1] >= low
                    and any(
                        o.side != f.side and not _copies(o.row, f.row) and _bounds(o)[1] >= low
                        for o in near[k - 1 :: -1]  # the nearest below first
                    )
                ):
                    continue  # another outlet gives a compatible figure
                if said is None:
                    said = sorted(
                        {(o.side, o.row.figure, o.row.copy_group) for o in near},
                        key=lambda t: (t[0], t[1], t[2] if t[2] is not None else -1),
                    )
                mine = f.row.copy_group
                others = list(
                    dict.fromkeys(
                        f"{figure} ({side})"
                        for side, figure, group in said
                        if side != f.side and (mine is None or group != mine)
                    )
                )
                if not others:
                    continue  # no one else gives a figure: nothing to compare
                if len(others) > _MAX_OTHERS:
                    others = [*others[:_MAX_OTHERS], f"and {len(others) - _MAX_OTHERS} more"]
                flags.append(
                    FigureFlag(
                        group=f.group,
                        date=f.row.date or "",
                        figure=f.row.figure,
                        by=f.side,
                        outlet=f.row.outlet,
                        asserted_by=f.row.asserted_by,
                        document_id=f.row.document_id,
                        claim_id=f.row.claim_id,
                        others=others,
                    )
                )
    flags.sort(key=lambda g: (g.group, g.date, g.document_id, g.claim_id))
    return flags


def _bounds(f: _Found) -> tuple[float, float]:
    assert f.interval is not None
    return f.interval


def find_figures(
    conn: Connection,
    path: str | os.PathLike[str],
    term: str,
    *,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    by: By = "outlet",
    window: int = 0,
    exact: bool = False,
) -> Figures:
    """The figures whose measure or event matches ``term``, as a timeline with spreads and flags.

    ``term``: one or more words, matched against each claim's measure and event by stem
    ("killed" matches "Palestinians killed", "people killed", "killed"). Unless ``exact``,
    words of the same measure match each other ("killed", "died", "dead", "deaths"), and a
    figure whose measure names no one in particular ("people", none) also matches by the
    words right after it ("63 people had died"). ``outlet``, ``since`` and ``until`` choose
    the figures shown (dates YYYY-MM-DD, inclusive, compared with each figure's date); the
    comparisons behind the spreads and flags use every matching figure in the corpus.
    ``by``: compare "outlet"s or "source"s (who asserted the figure). ``window``: days apart
    two figures may be and still be compared for a flag (0: the same day).
    """
    where = os.fspath(path)
    if by not in ("outlet", "source"):
        raise StoreError(f"figures: by must be 'outlet' or 'source', not {by!r}")
    if window < 0:
        raise StoreError("figures: window must be 0 or more days")
    for day, what in ((since, "since"), (until, "until")):
        if day is not None and not _is_day(day):
            raise StoreError(f"{what}: {day!r} is not a date of the form YYYY-MM-DD")
    terms = _parse_term(term, exact)
    candidates = _candidates(conn, where, terms, exact)
    copies = _copy_groups(conn, where, [r[0] for r in candidates])
    analysed_of: dict[
        tuple[str | None, str | None, str | None],
        tuple[Match, tuple[str, str], tuple[str, str]] | None,
    ] = {}
    interval_of: dict[tuple[str, float | None, float | None, float | None], Any] = {}
    found: list[_Found] = []
    for (
        doc_id,
        claim_id,
        figure,
        start,
        value,
        low,
        high,
        qualifier,
        unit,
        direction,
        measure,
        event,
        asserted_by,
        doc_outlet,
        published,
        context_words,
        sentence,
        said_on,
    ) in candidates:
        # only a count of something unnamed may be named by the words after it ("63 people
        # had died"); "four days" after which someone died is not a count of the dead
        context = None if exact or unit else context_words
        key = (measure, event, context)
        try:
            analysed = analysed_of[key]
        except KeyError:
            analysed = analysed_of[key] = _analyse(
                terms, measure, event, context.split() if context else None
            )
        if analysed is None:
            continue
        how, predicate, specific = analysed
        bounds_key = (qualifier, value, low, high)
        try:
            bounds = interval_of[bounds_key]
        except KeyError:
            bounds = interval_of[bounds_key] = interval(qualifier, value, low, high)
        row = _Row(
            said_on or published,
            "sentence" if said_on else ("published" if published else None),
            figure,
            value,
            low,
            high,
            qualifier,
            unit,
            direction,
            measure,
            event,
            asserted_by or OWN_VOICE,
            doc_outlet,
            doc_id,
            claim_id,
            sentence,
            how,
            copies.get(doc_id),
        )
        found.append(_Found(row, start, predicate, specific, interval=bounds))
    _group_labels(found)
    for f in found:
        f.side = _side(f.row, by)
    spreads = _spreads(found)
    flags = _flags(found, window)
    spread_of = {(s.group, s.date): s for s in spreads}
    flagged = {(g.document_id, g.claim_id) for g in flags}

    def shown(row: _Row) -> bool:
        if outlet is not None and (row.outlet or "").casefold() != outlet.casefold():
            return False
        if since is not None and (row.date is None or row.date < since):
            return False
        return not (until is not None and (row.date is None or row.date > until))

    shown_found = sorted(
        (f for f in found if shown(f.row)),
        key=lambda f: (
            f.group,
            f.row.date is None,
            f.row.date or "",
            f.row.document_id,
            f.start,
        ),
    )
    rows: list[FigureRow] = []
    for f in shown_found:
        r = f.row
        spread = spread_of.get((f.group, r.date or ""))
        rows.append(
            FigureRow(
                f.group,
                *r,
                spread.low if spread else None,
                spread.high if spread else None,
                spread.ratio if spread else None,
                (r.document_id, r.claim_id) in flagged,
            )
        )
    kept = {(r.document_id, r.claim_id) for r in rows}
    days = {(r.group, r.date) for r in rows}
    return Figures(
        term=term,
        by=by,
        window=window,
        rows=rows,
        spreads=[s for s in spreads if (s.group, s.date) in days],
        flags=[g for g in flags if (g.document_id, g.claim_id) in kept],
    )
