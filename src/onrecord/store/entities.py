"""Entities across articles: one person or body across spellings and transliterations.

Each document of the corpus has its own entities (the ``entities`` table: one row per
document entity, with its name, type, aliases and roles). This module links them into
*corpus entities*: "Yahya Sinwar", "Yehia Sinwar" and "al-Sinwar" become one; "Hillary
Clinton" and "Bill Clinton" stay two. The rules (docs/CORPUS.md, "Entities across
articles"):

1. **Normalise** every name (``parse_name``): transliterate to ASCII (unidecode), fold
   case, drop possessives, leading titles and honorifics (kept as role evidence:
   "President Assad" is "Assad" with the role "president"), Arabic article prefixes
   (al-/el-/ad-/ash-…) and hyphens; join patronymic and nobiliary particles to the
   name they introduce ("bin Salman", "von der Leyen"); keep a generational suffix
   (Jr., III) apart. A name is then given names + a surname (+ suffix).
2. **Compare** two names token by token: equal, an initial of the other, a known
   hypocorism (Bill/William), or a transliteration variant: the same consonant
   skeleton after folding the usual spelling alternations (kh/ch/k, q/k/g, dh/d,
   th/t, w/v, j/y, z/s, ts/z, ai/ei, doubled letters; vowels dropped) with a rapidfuzz
   ratio of at least 55 for names of two syllables or more, 85 for shorter ones (so
   "Yahya"/"Yehia" and "Gaddafi"/"Qadhafi" agree but "John"/"Joan" do not); spacing
   and hyphens aside, "Kim Jong Un" is "Kim Jong-un". Two names whose surnames agree
   but whose first names, middle names or suffixes disagree are **different people**
   (a cannot-link, also between everything linked to them).
3. **Block and link** (deterministic union-find): names sharing a surname key are
   compared; names that agree in every part are merged first. A less specific name
   (missing middle name, an initial) joins the one group of more specific names it
   fits; a bare surname ("Clinton") is decided per document: it joins a candidate
   only when there is one, or when exactly one candidate shares a role with it, or
   when one candidate has at least 80% of the candidates' documents (and 3 or more).
   Otherwise it stays apart as an unresolved surname. Two full names that occur as
   separate entities in one document are never merged.
4. **Overrides**: a TSV file of ``merge`` and ``split`` lines (``load_overrides``).

Organisations, places, media and groups are linked by their normalised name only
("the Estovian Water Authority" = "Estovian Water Authority"); anonymous sources are
never linked across documents.

The result is written to ``corpus_entities`` and ``corpus_entity_links`` after each
ingest (``refresh_links``) and recomputed in memory when those are stale or when
overrides are given (``corpus_entities``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from rapidfuzz import fuzz
from unidecode import unidecode

from ..errors import OnrecordError

if TYPE_CHECKING:
    from .db import Store
    from .dialect import Connection

__all__ = [
    "SCHEMA",
    "CorpusEntity",
    "EntityRow",
    "Linking",
    "Overrides",
    "ParsedName",
    "Role",
    "corpus_entities",
    "link_pending",
    "link_rows",
    "load_overrides",
    "parse_name",
    "parse_overrides",
    "read_rows",
    "roles_agree",
    "refresh_links",
    "same_person",
]

#: Bumped when the rules change, so stored links made by older rules count as stale.
LINKER_VERSION = "1"

#: Statements of the ``corpus_entities`` migration (also run before each refresh, so a
#: database that recorded the migration before these tables existed gets them).
SCHEMA: list[str] = [
    """
    CREATE TABLE IF NOT EXISTS corpus_entities (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        variants TEXT NOT NULL,
        roles TEXT NOT NULL,
        documents INTEGER NOT NULL,
        outlets INTEGER NOT NULL,
        mentions INTEGER NOT NULL,
        resolved INTEGER NOT NULL
    )
    """,
    """
    CREATE INDEX IF NOT EXISTS corpus_entities_name ON corpus_entities(name)
    """,
    """
    CREATE INDEX IF NOT EXISTS corpus_entities_type ON corpus_entities(type, documents)
    """,
    """
    CREATE TABLE IF NOT EXISTS corpus_entity_links (
        document_id TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        corpus_entity INTEGER NOT NULL REFERENCES corpus_entities(id),
        PRIMARY KEY (document_id, entity_id)
    )
    """,
    """
    CREATE INDEX IF NOT EXISTS corpus_entity_links_entity ON corpus_entity_links(corpus_entity)
    """,
    """
    CREATE TABLE IF NOT EXISTS corpus_entities_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        fingerprint TEXT NOT NULL,
        linked_at TEXT NOT NULL
    )
    """,
]

# --- name normalisation --------------------------------------------------------------------

#: Words of titles, offices and honorifics that may precede a name.
TITLE_WORDS = frozenset(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend fr father sayyed sayyid
    president presidential vice prime minister deputy foreign interior defence defense finance
    secretary chancellor premier governor gov mayor senator sen rep representative congressman
    congresswoman speaker chairman chairwoman ceo king queen prince princess crown emir sheikh
    sheik shaikh sultan ayatollah grand imam mullah rabbi pope cardinal archbishop bishop
    general gen col colonel lt lieutenant maj major capt captain commander cmdr adm admiral
    marshal field sgt sergeant judge justice supreme leader chief state ambassador envoy
    spokesman spokeswoman spokesperson mahatma excellency majesty highness former late
    acting then ex of the his her
    """.split()
)
#: Courtesy forms and filler words: stripped with the titles, but no role ("Mr" says nothing).
_COURTESY = frozenset("mr mrs ms miss mx sir dame lord lady the of his her then ex".split())
#: Title words that are also common surnames or given names: stripped only at the start.
_WEAK_TITLES = frozenset(
    "king major chief grand justice bishop marshal judge leader speaker state field the of "
    "his her lady father".split()
)
_ARTICLES = frozenset("al el ad ar as at an az ash ath ed es ul ud ut".split())
_ABD = frozenset("abd abdel abdul abdal abdur abdoul abdu".split())
_PATRONYMIC = {"bin": "bin", "ibn": "bin", "ben": "bin", "bint": "bint", "ould": "ould"}
_NOBILIARY = frozenset("van von de da di del della der den du la le dos das ter ten vom zu".split())
_SUFFIXES = {
    "jr": "jr",
    "junior": "jr",
    "sr": "sr",
    "senior": "sr",
    "ii": "ii",
    "iii": "iii",
    "iv": "iv",
}
_PARTICLES = _ARTICLES | _ABD | set(_PATRONYMIC) | _NOBILIARY

#: English hypocorisms: a short form and the full given name are the same name.
_NICKNAMES = {
    "bill": "william",
    "will": "william",
    "billy": "william",
    "bob": "robert",
    "benny": "benjamin",
    "bobby": "robert",
    "rob": "robert",
    "dick": "richard",
    "rick": "richard",
    "jim": "james",
    "jimmy": "james",
    "joe": "joseph",
    "mike": "michael",
    "tony": "anthony",
    "tom": "thomas",
    "ted": "edward",
    "ed": "edward",
    "ned": "edward",
    "chuck": "charles",
    "charlie": "charles",
    "dave": "david",
    "dan": "daniel",
    "danny": "daniel",
    "nick": "nicholas",
    "alex": "alexander",
    "sasha": "alexander",
    "andy": "andrew",
    "steve": "stephen",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "kate": "katherine",
    "cathy": "catherine",
    "sam": "samuel",
    "ben": "benjamin",
    "jeff": "jeffrey",
    "pete": "peter",
    "tim": "timothy",
    "matt": "matthew",
    "pat": "patrick",
    "jack": "john",
    "hank": "henry",
    "harry": "henry",
    "larry": "lawrence",
    "ron": "ronald",
    "don": "donald",
    "greg": "gregory",
    "fred": "frederick",
    "sandy": "alexandra",
    "vova": "vladimir",
    "volodya": "vladimir",
}

#: Spelling alternations folded before comparing transliterations (in this order).
_DIGRAPHS = (
    ("shch", "s"),
    ("tsch", "ch"),
    ("sch", "s"),
    ("tch", "ch"),
    ("kh", "k"),
    ("gh", "g"),
    ("ch", "k"),
    ("sh", "s"),
    ("zh", "z"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("tz", "z"),
    ("ts", "z"),
    ("ck", "k"),
)
_LETTERS = str.maketrans({"x": "ks", "q": "k", "c": "k", "g": "k", "w": "v", "j": "y", "z": "s"})
_VOWELS = frozenset("aeiouy")
_TOKEN = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=200_000)
def _translit(token: str) -> str:
    """``token`` with the usual transliteration alternations folded (vowels kept)."""
    s = token
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    s = s.translate(_LETTERS)
    s = re.sub(r"[ae][iy](?![aeiou])", "ai", s)  # Seif / Saif, Deif / Dayf
    if len(s) > 2 and s.endswith("h") and s[-2] in _VOWELS:
        s = s[:-1]  # Haniyeh / Haniya
    return re.sub(r"(.)\1+", r"\1", s)


@lru_cache(maxsize=200_000)
def _skeleton(token: str) -> str:
    """The consonants of ``_translit(token)`` (d and t folded), for blocking and matching."""
    s = "".join("t" if c == "d" else c for c in _translit(token) if c not in _VOWELS)
    return re.sub(r"(.)\1+", r"\1", s)


@lru_cache(maxsize=200_000)
def _syllables(token: str) -> int:
    return len(re.findall(r"[aeiouy]+", token.replace("j", "y")))


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A normalised name: given names, surname, generational suffix, and title roles."""

    given: tuple[str, ...]
    surname: str
    suffix: str
    titles: tuple[str, ...]  # role evidence from stripped titles ("president")
    key: str = ""  # given names, surname and suffix, space-separated

    def __post_init__(self) -> None:
        if not self.key:
            key = " ".join((*self.given, self.surname)) + (f" {self.suffix}" if self.suffix else "")
            object.__setattr__(self, "key", key)

    def __hash__(self) -> int:
        return hash(self.key)

    @property
    def bare(self) -> bool:
        return not self.given

    @property
    def specificity(self) -> int:
        """How much the name says: 2 per full given name, 1 per initial, 1 for the surname."""
        return 1 + sum(1 if len(g) == 1 else 2 for g in self.given) + (1 if self.suffix else 0)

    @property
    def compact(self) -> str:
        return "".join((*self.given, self.surname))


def _name_part(text: str) -> str:
    """Of comma-separated parts, the first that looks like a name (capitalised words)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    for part in parts:
        words = re.findall(r"[A-Za-z][A-Za-z'-]*", part)
        lowered = [w for w in words if w[0].islower() and w.split("-")[0].lower() not in _PARTICLES]
        if words and not lowered:
            return part
    return parts[0] if parts else text


def _ascii(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    return unidecode(text)


@lru_cache(maxsize=200_000)
def parse_name(text: str) -> ParsedName:
    """Normalise a person's name (see the module docstring for the rules)."""
    raw = _ascii(text).strip()
    raw = re.sub(r"\([^)]*\)", " ", raw)  # "Mohammed bin Salman (MBS)"
    raw = _name_part(raw)  # "Jonas Petrik, director of ..." -> "Jonas Petrik"
    raw = re.sub(r"'s\b|s'(?=\s|$)", lambda m: "" if m.group(0) == "'s" else "s", raw)
    raw = raw.replace("'", "")  # O'Brien, Isma'il
    # tokens with what separated them from the previous one ("-" or " ") and their case
    pieces: list[tuple[str, bool, bool]] = []  # (token, after_hyphen, lowercase_in_text)
    for match in re.finditer(r"[A-Za-z0-9]+", raw):
        start = match.start()
        after_hyphen = start > 0 and raw[start - 1] == "-"
        word = match.group(0)
        pieces.append((word.lower(), after_hyphen, word[0].islower()))
    words = [p[0] for p in pieces]
    # leading titles ("Ayatollah", "Secretary of State"), the last word always kept
    cut = 0
    while cut < len(words) - 1 and words[cut] in TITLE_WORDS:
        cut += 1
    # up to two words (a demonym, a country) before a strong title: "Estovian Prime
    # Minister", "U.S. President", "Marrenland's foreign minister"
    for i in range(cut, min(cut + 3, len(words) - 1)):
        if words[i] in TITLE_WORDS and words[i] not in _WEAK_TITLES:
            while i < len(words) - 1 and words[i] in TITLE_WORDS:
                i += 1
            cut = i
            break
    titles = [w for w in words[:cut] if w in TITLE_WORDS and w not in _COURTESY]
    pieces = pieces[cut:]
    if not pieces:
        return ParsedName((), _ascii(text).lower().strip(), "", tuple(titles))
    units: list[str] = []
    i = 0
    n = len(pieces)
    while i < n:
        word, _, lower = pieces[i]
        next_hyphen = i + 1 < n and pieces[i + 1][1]
        is_first = not units
        if word in _ARTICLES and i + 1 < n and (not is_first or next_hyphen or lower):
            i += 1  # al-Sinwar, el Sisi
            continue
        if word in _ABD and i + 1 < n:
            units.append("abd")
            i += 1
            if i < n - 1 and pieces[i][0] in _ARTICLES:
                i += 1
            continue
        if word in _PATRONYMIC and i + 1 < n and (not is_first or next_hyphen or word != "ben"):
            nxt = i + 1
            while nxt < n - 1 and pieces[nxt][0] in _ARTICLES:
                nxt += 1
            units.append(_PATRONYMIC[word] + pieces[nxt][0])
            i = nxt + 1
            continue
        if word in _NOBILIARY and i + 1 < n and (not is_first or n - i <= 3):
            joined = [word]
            nxt = i + 1
            while nxt < n - 1 and pieces[nxt][0] in _NOBILIARY:
                joined.append(pieces[nxt][0])
                nxt += 1
            joined.append(pieces[nxt][0])
            units.append("".join(joined))
            i = nxt + 1
            continue
        units.append(word)
        i += 1
    suffix = ""
    if len(units) >= 2 and units[-1] in _SUFFIXES:
        suffix = _SUFFIXES[units.pop()]
    if not units:
        units = [words[-1]]
    return ParsedName(tuple(units[:-1]), units[-1], suffix, tuple(titles))


def org_key(text: str) -> str:
    """The key of an organisation, place, medium or group: words, no article, no possessive."""
    raw = _ascii(text).lower()
    raw = re.sub(r"'s\b", "", raw)
    words = _TOKEN.findall(raw)
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


_ROLE_STOP = frozenset(
    "the and for who of in at a an to on his her its former late then ex acting".split()
)
#: Words that make one office another: "vice president" is not "president".
_DISTINGUISHING = frozenset(
    "vice deputy crown prime foreign interior defence defense finance first assistant "
    "junior shadow opposition".split()
)
_TITLE_ABBREVIATIONS = {
    "col": "colonel",
    "gen": "general",
    "sen": "senator",
    "gov": "governor",
    "rep": "representative",
    "lt": "lieutenant",
    "maj": "major",
    "capt": "captain",
    "cmdr": "commander",
    "adm": "admiral",
    "sgt": "sergeant",
    "prof": "professor",
    "pres": "president",
    "sheik": "sheikh",
    "shaikh": "sheikh",
    "sayyid": "sayyed",
    "defense": "defence",
}


class Role(NamedTuple):
    """A role as words (lowercase), and those of them written with a capital."""

    words: frozenset[str]
    proper: frozenset[str]


def role_key(role: str, *, titled: bool = False) -> Role:
    """A role as a set of words ("Estovia's interior minister" -> {interior, minister}):
    no possessor, articles or "former"; abbreviations spelt out. ``titled``: every word
    counts as capitalised (a title before a name)."""
    raw = re.sub(r"\b\w+'s\b", " ", _ascii(role))
    words: set[str] = set()
    proper: set[str] = set()
    for token in re.findall(r"[A-Za-z0-9]+", raw):
        word = token.lower()
        word = _TITLE_ABBREVIATIONS.get(word, word)
        if word in _ROLE_STOP or word in _COURTESY or word.isdigit():
            continue
        words.add(word)
        if titled or token[0].isupper():
            proper.add(word)
    return Role(frozenset(words), frozenset(proper))


def roles_agree(a: Role, b: Role) -> bool:
    """Two roles agree when they have the same words, or when one only adds capitalised
    words that do not make it another office ("Syrian president" and "president"; not
    "vice president", not "son of the Libyan leader")."""
    if not a.words or not b.words:
        return False
    if a.words == b.words:
        return True
    small, big = (a, b) if len(a.words) < len(b.words) else (b, a)
    if not small.words < big.words:
        return False
    extra = big.words - small.words
    return extra <= big.proper and not extra & _DISTINGUISHING


# --- comparing names -----------------------------------------------------------------------

FULL = 2
PARTIAL = 1


def _token_match(a: str, b: str, *, initials: bool = True, nicknames: bool = True) -> int:
    """FULL when two name tokens are the same name, PARTIAL for an initial, else 0."""
    if a == b:
        return FULL
    if len(a) == 1 or len(b) == 1:
        return PARTIAL if initials and a[0] == b[0] else 0
    if nicknames and _NICKNAMES.get(a, a) == _NICKNAMES.get(b, b):
        return FULL
    ta, tb = _translit(a), _translit(b)
    if ta == tb:
        return FULL
    sa, sb = _skeleton(a), _skeleton(b)
    if sa and sa == sb:
        ratio = fuzz.ratio(ta, tb)
        if ratio >= 85 or (_syllables(a) >= 2 and _syllables(b) >= 2 and ratio >= 55):
            return FULL  # Zelenskyy / Zelenskiy; Yahya / Yehia
    elif min(len(a), len(b)) >= 8 and fuzz.ratio(ta, tb) >= 92:
        return FULL  # a typo in a long name
    return 0


@lru_cache(maxsize=200_000)
def _given_class(token: str) -> str:
    """The first letter of a given name after folding (vowels, y and j as one class), so
    that variants, initials and hypocorisms of one name fall in one block."""
    first = _translit(_NICKNAMES.get(token, token))[:1]
    return "V" if first in _VOWELS else first


def _surname_match(a: str, b: str, *, given_agree: bool) -> bool:
    if _token_match(a, b, initials=False, nicknames=False):
        return True
    if given_agree:
        # with the given names agreeing, the consonants of a surname of the same length
        # suffice (Deif / Dayf; not Li Keqiang / Li Qiang)
        sa, sb = _skeleton(a), _skeleton(b)
        ta, tb = _translit(a), _translit(b)
        return len(sa) >= 2 and sa == sb and abs(len(ta) - len(tb)) <= 1
    return False


SAME = "same"  # the same name, as specific on both sides
COMPATIBLE = "compatible"  # could be the same person; one side says less
DIFFERENT = "different"  # the same surname, another person
UNRELATED = "unrelated"


def _given_relation(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """FULL, PARTIAL (compatible, one says less) or 0 (different) for two given-name lists."""
    first = _token_match(a[0], b[0])
    if first:
        ma, mb = a[1:], b[1:]
        if not ma and not mb:
            return first
        if not ma or not mb:
            return PARTIAL
        if len(ma) != len(mb):
            return 0  # George W. Bush / George H. W. Bush
        worst = first
        for x, y in zip(ma, mb, strict=True):
            m = _token_match(x, y)
            if not m:
                return 0
            worst = min(worst, m)
        return worst
    return 0


@lru_cache(maxsize=500_000)
def compare(a: ParsedName, b: ParsedName) -> str:
    """How two person names relate: SAME, COMPATIBLE, DIFFERENT or UNRELATED."""
    if a.key == b.key:
        return SAME
    if a.bare and b.bare:
        return SAME if _surname_match(a.surname, b.surname, given_agree=False) else UNRELATED
    if a.bare or b.bare:
        bare, full = (a, b) if a.bare else (b, a)
        if _surname_match(bare.surname, full.surname, given_agree=False):
            return COMPATIBLE
        if _token_match(bare.surname, full.given[0], initials=False, nicknames=False):
            return COMPATIBLE  # surname first: "Xi" for "Xi Jinping"
        return UNRELATED
    if len(a.given) + 1 != len(b.given) + 1 and not (a.suffix or b.suffix):
        ca, cb = _translit(a.compact), _translit(b.compact)
        if ca == cb:
            return SAME  # Kim Jong Un / Kim Jong-un / Xi Jin-ping
        sa, sb = _skeleton(a.compact), _skeleton(b.compact)
        if len(sa) >= 4 and sa == sb and fuzz.ratio(ca, cb) >= 75:
            return SAME  # Mao Zedong / Mao Tse-tung
    given = _given_relation(a.given, b.given)
    if not _surname_match(a.surname, b.surname, given_agree=given == FULL):
        return UNRELATED
    if not given:
        return DIFFERENT
    if a.suffix != b.suffix:
        return DIFFERENT  # Donald Trump / Donald Trump Jr.
    return SAME if given == FULL else COMPATIBLE


def same_person(a: str, b: str) -> str:
    """``compare`` for two names as written."""
    return compare(parse_name(a), parse_name(b))


# --- overrides -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Overrides:
    """User decisions: groups of names that are one entity, pairs that are not."""

    merge: tuple[tuple[str, ...], ...] = ()
    split: tuple[tuple[str, ...], ...] = ()

    @property
    def fingerprint(self) -> str:
        if not self.merge and not self.split:
            return ""
        data = json.dumps([self.merge, self.split]).encode()
        return hashlib.sha256(data).hexdigest()[:16]


def parse_overrides(text: str, where: str = "overrides") -> Overrides:
    """Read an override file: one decision a line, fields separated by tabs.

    ``merge<TAB>name<TAB>name...``: these names are one entity.
    ``split<TAB>name<TAB>name...``: these names are different entities, pairwise.
    Blank lines and lines starting with ``#`` are ignored. Names are compared after
    normalisation, so "al-Sinwar" also covers "Sinwar".
    """
    merge: list[tuple[str, ...]] = []
    split: list[tuple[str, ...]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t") if f.strip()]
        action = fields[0].lower()
        if action not in ("merge", "split"):
            raise OnrecordError(
                f"{where}:{number}: a line starts with merge or split and a tab, not {fields[0]!r}"
            )
        if len(fields) < 3:
            raise OnrecordError(
                f"{where}:{number}: {action} needs two names or more, tab-separated"
            )
        (merge if action == "merge" else split).append(tuple(fields[1:]))
    return Overrides(tuple(merge), tuple(split))


def load_overrides(path: str | os.PathLike[str] | None) -> Overrides:
    if path is None:
        return Overrides()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise OnrecordError(f"cannot read {os.fspath(path)}: {exc.strerror or exc}") from exc
    return parse_overrides(text, os.fspath(path))


# --- linking -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntityRow:
    """One document entity, the linker's input."""

    document_id: str
    entity_id: str
    name: str
    type: str
    mentions: int = 1
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    outlet: str | None = None


@dataclass(slots=True)
class CorpusEntity:
    """One entity across the corpus, with its variants and where it occurs."""

    id: int
    name: str
    type: str
    variants: list[str]
    roles: list[str]
    documents: int
    outlets: int
    mentions: int
    resolved: bool = True  # False: a bare surname that fits several people
    members: list[tuple[str, str]] = field(default_factory=list)  # (document_id, entity_id)

    def as_dict(self, *, members: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not members:
            del data["members"]
        return data


@dataclass(slots=True)
class Linking:
    entities: list[CorpusEntity]

    def entity_of(self) -> dict[tuple[str, str], int]:
        return {m: e.id for e in self.entities for m in e.members}


def _family(entity_type: str) -> str:
    if entity_type == "PERSON":
        return "P"
    if entity_type == "ANONYMOUS":
        return "A"
    return "O"


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if ra > rb:
            ra, rb = rb, ra  # the smaller index is the root: deterministic
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        return ra


@dataclass(slots=True)
class _Group:
    """All rows of one family with the same normalised name."""

    key: str
    family: str
    parsed: ParsedName | None
    rows: list[int] = field(default_factory=list)
    documents: set[str] = field(default_factory=set)
    roles: set[Role] = field(default_factory=set)


def _title_role(parsed: ParsedName) -> Role:
    return role_key(" ".join(parsed.titles), titled=True)


def _row_roles(row: EntityRow, parsed: ParsedName | None) -> set[Role]:
    roles = {role_key(r) for r in row.roles}
    if parsed is not None:
        roles.add(_title_role(parsed))
        for alias in row.aliases:
            alias_parsed = parse_name(alias)
            if alias_parsed.titles and alias_parsed.surname == parsed.surname:
                roles.add(_title_role(alias_parsed))
    roles = {r for r in roles if r.words}
    return roles


def _roles_agree(a: set[Role], b: set[Role]) -> bool:
    return any(roles_agree(x, y) for x in a for y in b)


def link_rows(rows: Sequence[EntityRow], overrides: Overrides | None = None) -> Linking:
    """Link document entities into corpus entities (deterministic for the same input)."""
    overrides = overrides or Overrides()
    # 1. groups of rows with the same normalised name, per family
    groups: list[_Group] = []
    index: dict[tuple[str, str], int] = {}
    row_group: list[int] = []
    row_roles: list[set[Role]] = []
    order = sorted(range(len(rows)), key=lambda i: (rows[i].document_id, rows[i].entity_id))
    for i in order:
        row = rows[i]
        family = _family(row.type)
        parsed: ParsedName | None = None
        if family == "P":
            parsed = parse_name(row.name)
            key = parsed.key
        elif family == "A":
            key = f"{row.document_id}\x00{row.entity_id}"
        else:
            key = org_key(row.name) or row.name
        gid = index.get((family, key))
        if gid is None:
            gid = index[(family, key)] = len(groups)
            groups.append(_Group(key, family, parsed))
        group = groups[gid]
        group.rows.append(i)
        group.documents.add(row.document_id)
        roles = _row_roles(row, parsed)
        group.roles |= roles
        while len(row_group) <= i:
            row_group.append(-1)
            row_roles.append(set())
        row_group[i] = gid
        row_roles[i] = roles

    uf = _UnionFind(len(groups))
    persons = [g for g in range(len(groups)) if groups[g].family == "P"]
    parsed_of: dict[int, ParsedName] = {
        g: p for g in persons if (p := groups[g].parsed) is not None
    }

    # cannot-links: override splits, and full names that are separate entities in one document
    cannot: set[tuple[int, int]] = set()

    def groups_named(name: str) -> list[int]:
        found = []
        pkey = parse_name(name).key
        okey = org_key(name)
        for fam, key in ((("P", pkey)), ("O", okey)):
            gid = index.get((fam, key))
            if gid is not None:
                found.append(gid)
        return found

    for names in overrides.split:
        ids = [groups_named(n) for n in names]
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                for a in ids[x]:
                    for b in ids[y]:
                        cannot.add((min(a, b), max(a, b)))
    split_groups = {g for pair in cannot for g in pair}
    by_document: dict[str, list[int]] = defaultdict(list)
    for g in persons:
        if not parsed_of[g].bare:
            for d in groups[g].documents:
                by_document[d].append(g)
    for gs in by_document.values():
        if len(gs) > 1:
            gs.sort()
            for x in range(len(gs)):
                for y in range(x + 1, len(gs)):
                    a, b = gs[x], gs[y]
                    if _skeleton(parsed_of[a].surname) == _skeleton(parsed_of[b].surname):
                        cannot.add((a, b))

    def conflict(ra: int, rb: int) -> bool:
        for a in uf.members[ra]:
            pa = parsed_of.get(a)
            for b in uf.members[rb]:
                if (min(a, b), max(a, b)) in cannot:
                    return True
                pb = parsed_of.get(b)
                if pa is not None and pb is not None and compare(pa, pb) == DIFFERENT:
                    return True
        return False

    def try_union(a: int, b: int, *, forced: bool = False) -> bool:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            return True
        if forced:
            if any(
                (min(x, y), max(x, y)) in cannot for x in uf.members[ra] for y in uf.members[rb]
            ):
                return False
        elif conflict(ra, rb):
            return False
        uf.union(ra, rb)
        return True

    # 0. override merges (split lines still win)
    forced: set[int] = set()
    for names in overrides.merge:
        merged = sorted({g for n in names for g in groups_named(n)})
        for g in merged[1:]:
            try_union(merged[0], g, forced=True)
        forced.update(merged)

    # blocking: full names by surname skeleton and the class of the first given name's
    # first letter, and by whole-name skeleton; bare names by surname skeleton, and each
    # bare name against the full names with that surname or that first name ("Xi")
    blocks: dict[str, list[int]] = defaultdict(list)
    # skeleton -> token -> full names with that surname (first given name)
    by_surname: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    by_first: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for g in persons:
        p = parsed_of[g]
        if p.bare:
            blocks["b" + _skeleton(p.surname)].append(g)
        else:
            blocks["f" + _skeleton(p.surname) + "|" + _given_class(p.given[0])].append(g)
            blocks["c" + _skeleton(p.compact)].append(g)
            by_surname[_skeleton(p.surname)][p.surname].append(g)
            by_first[_skeleton(p.given[0])][p.given[0]].append(g)
    relation: dict[tuple[int, int], str] = {}

    def relate(a: int, b: int) -> None:
        pair = (a, b) if a < b else (b, a)
        if pair not in relation:
            relation[pair] = compare(parsed_of[a], parsed_of[b])

    for members in blocks.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                relate(members[x], members[y])
    # a bare name against full names: decided once per distinct surname (first name) token
    for g in persons:
        p = parsed_of[g]
        if not p.bare:
            continue
        key = _skeleton(p.surname)
        fitting: set[int] = set()
        for token, holders in by_surname.get(key, {}).items():
            if _surname_match(p.surname, token, given_agree=False):
                fitting.update(holders)
        for token, holders in by_first.get(key, {}).items():
            if _token_match(p.surname, token, initials=False, nicknames=False):
                fitting.update(holders)
        for h in fitting:
            relation[(g, h) if g < h else (h, g)] = COMPATIBLE

    # clusters no longer change once the bare names are decided: then memoise
    settled: dict[str, dict[int, Any]] = {}

    def docs(root: int) -> int:
        if "docs" in settled and root in settled["docs"]:
            return int(settled["docs"][root])
        n = len({d for m in uf.members[root] for d in groups[m].documents})
        if "docs" in settled:
            settled["docs"][root] = n
        return n

    # 1. the same name, as specific on both sides (bare names among themselves too)
    same_pairs = sorted(pair for pair, rel in relation.items() if rel == SAME)
    for a, b in same_pairs:
        try_union(a, b)

    # 2. a less specific full name joins the one group of more specific names it fits
    neighbours: dict[int, list[int]] = defaultdict(list)
    for (a, b), rel in relation.items():
        if rel == COMPATIBLE:
            neighbours[a].append(b)
            neighbours[b].append(a)
    partial = sorted(
        (g for g in persons if not parsed_of[g].bare and g in neighbours),
        key=lambda g: (-parsed_of[g].specificity, -len(groups[g].documents), groups[g].key),
    )

    def cluster_roles(root: int) -> set[Role]:
        if "roles" in settled and root in settled["roles"]:
            return set(settled["roles"][root])
        out: set[Role] = set()
        for m in uf.members[root]:
            out |= groups[m].roles
        if "roles" in settled:
            settled["roles"][root] = out
        return out

    def choose(candidates: list[int], roles: set[Role]) -> int | None:
        if len(candidates) == 1:
            return candidates[0]
        if roles:
            agreeing = [c for c in candidates if _roles_agree(roles, cluster_roles(c))]
            if len(agreeing) == 1:
                return agreeing[0]
            if agreeing:
                candidates = agreeing
        counts = sorted(((docs(c), c) for c in candidates), reverse=True)
        top, rest = counts[0][0], sum(n for n, _ in counts[1:])
        if top >= 3 and top >= 4 * rest:
            return counts[0][1]
        return None

    for g in partial:
        if g in forced:
            continue
        spec = parsed_of[g].specificity
        root = uf.find(g)
        candidates = sorted(
            {
                uf.find(h)
                for h in neighbours[g]
                if not parsed_of[h].bare and parsed_of[h].specificity > spec
            }
            - {root}
        )
        candidates = [c for c in candidates if not conflict(root, c)]
        if candidates:
            target = choose(candidates, groups[g].roles)
            if target is not None:
                try_union(g, target)

    # 3. bare names, one document entity at a time
    settled["docs"], settled["roles"] = {}, {}
    row_target: dict[int, int] = {}
    unresolved: set[int] = set()
    for g in persons:
        p = parsed_of[g]
        if not p.bare or g in forced:
            continue
        root = uf.find(g)
        pool = sorted({uf.find(h) for h in neighbours.get(g, ()) if not parsed_of[h].bare} - {root})
        pool = [
            c
            for c in pool
            if not (
                g in split_groups and any((min(g, m), max(g, m)) in cannot for m in uf.members[c])
            )
        ]
        if not pool:
            continue
        pool = _exact_first(pool, p.surname, uf.members, parsed_of)
        for i in groups[g].rows:
            target = choose(pool, row_roles[i])
            if target is not None:
                row_target[i] = target
            else:
                unresolved.add(i)

    # 4. corpus entities: each row to its cluster; a bare row to the cluster it joined
    cluster_rows: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        cluster_rows[row_target.get(i, uf.find(row_group[i]))].append(i)
    return _build(rows, cluster_rows, row_group, groups, parsed_of, unresolved)


def _exact_first(
    candidates: list[int],
    surname: str,
    members: dict[int, list[int]],
    parsed_of: dict[int, ParsedName],
) -> list[int]:
    """Of several candidates for a bare name, those with a name spelt exactly like it, if
    any: the same spelling beats a transliteration (Khomeini is not Khamenei)."""
    if len(candidates) < 2:
        return candidates
    exact = [
        c
        for c in candidates
        if any(
            surname in (parsed_of[m].surname, parsed_of[m].given[0])
            for m in members[c]
            if m in parsed_of and not parsed_of[m].bare
        )
    ]
    return exact or candidates


def _build(
    rows: Sequence[EntityRow],
    cluster_rows: dict[int, list[int]],
    row_group: list[int],
    groups: list[_Group],
    parsed_of: dict[int, ParsedName],
    unresolved: set[int],
) -> Linking:
    built: list[CorpusEntity] = []
    for members in cluster_rows.values():
        names: Counter[str] = Counter()
        name_docs: dict[str, set[str]] = defaultdict(set)
        types: Counter[str] = Counter()
        roles: Counter[str] = Counter()
        documents: set[str] = set()
        outlets: set[str] = set()
        mentions = 0
        for i in members:
            row = rows[i]
            names[row.name] += 1
            name_docs[row.name].add(row.document_id)
            types[row.type] += 1
            for role in row.roles:
                shown = " ".join(role.replace("’", "'").split())
                if shown and not shown.isdigit():
                    roles[shown] += 1
            documents.add(row.document_id)
            if row.outlet:
                outlets.add(row.outlet)
            mentions += row.mentions

        variants = sorted(names, key=functools.partial(_person_rank, name_docs=name_docs))
        entity_type = sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        canonical = variants[0] if entity_type == "PERSON" else _org_canonical(names, name_docs)
        variants.remove(canonical)
        variants = [canonical, *sorted(variants, key=lambda n: (-len(name_docs[n]), n))]
        bare_unresolved = all(i in unresolved for i in members)
        built.append(
            CorpusEntity(
                id=0,
                name=canonical,
                type=entity_type,
                variants=variants,
                roles=_top_roles(roles),
                documents=len(documents),
                outlets=len(outlets),
                mentions=mentions,
                resolved=not bare_unresolved,
                members=sorted((rows[i].document_id, rows[i].entity_id) for i in members),
            )
        )
    built.sort(key=lambda e: (-e.documents, -e.mentions, e.name, e.type, e.members[0]))
    for number, entity in enumerate(built, 1):
        entity.id = number
    return Linking(built)


def _top_roles(roles: Counter[str], most: int = 8) -> list[str]:
    """The most frequent roles, one spelling per role whatever its case."""
    seen: set[str] = set()
    out: list[str] = []
    for role, _ in sorted(roles.items(), key=lambda kv: (-kv[1], kv[0])):
        if role.casefold() not in seen:
            seen.add(role.casefold())
            out.append(role)
    return out[:most]


def _person_rank(name: str, name_docs: dict[str, set[str]]) -> tuple[int, int, int, int, str]:
    """The canonical name of a person first: most specific, no title, most documents,
    shortest (no "al-")."""
    p = parse_name(name)
    return (-p.specificity, len(p.titles), -len(name_docs[name]), len(name), name)


def _org_canonical(names: Counter[str], name_docs: dict[str, set[str]]) -> str:
    def rank(name: str) -> tuple[int, int, str]:
        article = name.lower().startswith(("the ", "a ", "an "))
        return (-len(name_docs[name]), int(article), name)

    return sorted(names, key=rank)[0]


# --- the corpus database -------------------------------------------------------------------


def read_rows(conn: Connection) -> list[EntityRow]:
    """Every document entity of the corpus, with its document's outlet."""
    out: list[EntityRow] = []
    cursor = conn.execute(
        "SELECT e.document_id, e.entity_id, e.name, e.type, e.mentions, e.aliases, e.roles,"
        " d.outlet FROM entities e LEFT JOIN documents d ON d.id = e.document_id ORDER BY e.pk"
    )
    for doc, ent, name, etype, mentions, aliases, roles, outlet in cursor:
        out.append(
            EntityRow(
                document_id=doc,
                entity_id=ent,
                name=name,
                type=etype,
                mentions=int(mentions or 0),
                aliases=tuple(_json_list(aliases)),
                roles=tuple(_json_list(roles)),
                outlet=outlet,
            )
        )
    return out


def _json_list(text: str | None) -> list[str]:
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def _fingerprint(conn: Connection, overrides: Overrides) -> str:
    count, top = conn.execute("SELECT count(*), coalesce(max(pk), 0) FROM entities").fetchone()
    return f"v{LINKER_VERSION};{count};{top};{overrides.fingerprint}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def refresh_links(conn: Connection, overrides: Overrides | None = None) -> bool:
    """Link the corpus's entities again and store the result, unless it is up to date.

    Returns True when the tables were rewritten. ``conn`` is in autocommit mode; this
    function opens and commits its own transaction.
    """
    overrides = overrides or Overrides()
    if _stored_fingerprint(conn) == _fingerprint(conn, overrides):
        return False
    rows = read_rows(conn)
    linking = link_rows(rows, overrides)
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _schema(conn):
            conn.execute(statement)
        conn.execute("DELETE FROM corpus_entity_links")
        conn.execute("DELETE FROM corpus_entities")
        conn.executemany(
            "INSERT INTO corpus_entities (id, name, type, variants, roles, documents, outlets,"
            " mentions, resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    e.id,
                    e.name,
                    e.type,
                    json.dumps(e.variants, ensure_ascii=False),
                    json.dumps(e.roles, ensure_ascii=False),
                    e.documents,
                    e.outlets,
                    e.mentions,
                    int(e.resolved),
                )
                for e in linking.entities
            ],
        )
        conn.executemany(
            "INSERT INTO corpus_entity_links (document_id, entity_id, corpus_entity)"
            " VALUES (?, ?, ?)",
            [(doc, ent, e.id) for e in linking.entities for doc, ent in e.members],
        )
        conn.execute(
            "INSERT INTO corpus_entities_state (id, fingerprint, linked_at) VALUES (1, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint,"
            " linked_at = excluded.linked_at",
            (_fingerprint(conn, overrides), _now()),
        )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return True


def _schema(conn: Connection) -> list[str]:
    """``SCHEMA``, or its PostgreSQL statements on PostgreSQL."""
    from .dialect import dialect_of

    if dialect_of(conn).postgres:
        from .postgres import ENTITIES_SCHEMA

        return ENTITIES_SCHEMA
    return SCHEMA


def link_pending(store: Store, overrides: Overrides | None = None) -> bool:
    """``refresh_links`` on a store's connection, database errors made readable (ingest)."""
    from .db import store_error
    from .dialect import DB_ERRORS

    try:
        return refresh_links(store.conn, overrides)
    except DB_ERRORS as exc:
        raise store_error(exc, store.path) from exc


def _stored_fingerprint(conn: Connection) -> str | None:
    from .dialect import table_exists

    if not table_exists(conn, "corpus_entities_state"):
        return None  # no table yet
    row = conn.execute("SELECT fingerprint FROM corpus_entities_state WHERE id = 1").fetchone()
    return None if row is None else str(row[0])


def _stored_entities(conn: Connection) -> list[CorpusEntity]:
    links: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for doc, ent, cid in conn.execute(
        "SELECT document_id, entity_id, corpus_entity FROM corpus_entity_links"
        " ORDER BY document_id, entity_id"
    ):
        links[int(cid)].append((doc, ent))
    out = []
    for cid, name, etype, variants, roles, documents, outlets, mentions, resolved in conn.execute(
        "SELECT id, name, type, variants, roles, documents, outlets, mentions, resolved"
        " FROM corpus_entities ORDER BY id"
    ):
        out.append(
            CorpusEntity(
                id=int(cid),
                name=name,
                type=etype,
                variants=_json_list(variants),
                roles=_json_list(roles),
                documents=int(documents),
                outlets=int(outlets),
                mentions=int(mentions),
                resolved=bool(resolved),
                members=links.get(int(cid), []),
            )
        )
    return out


def corpus_entities(
    conn: Connection,
    *,
    type: str | None = None,  # noqa: A002 - the name of the column and the option
    min_mentions: int = 1,
    overrides: Overrides | None = None,
) -> list[CorpusEntity]:
    """The corpus entities, most documents first: the stored links when they are up to
    date (and no overrides are given), else linked now in memory (nothing is written)."""
    overrides = overrides or Overrides()
    stored = _stored_fingerprint(conn)
    if stored is not None and stored == _fingerprint(conn, overrides):
        entities = _stored_entities(conn)
    else:
        entities = link_rows(read_rows(conn), overrides).entities
    wanted = type.upper() if type else None
    return [
        e
        for e in entities
        if (wanted is None or e.type == wanted) and e.mentions >= max(0, min_mentions)
    ]
