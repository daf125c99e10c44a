"""Speaker resolution within one document: from a local mention to a canonical entity.

- Named people are clustered: "Varga" and "Ms. Varga" join "Lena Varga" (the
  fullest mention names the entity); transliteration variants (al-Sinwar,
  Al Sinwar, Sinwar) normalise to the same key.
- Roles come from pre-modifiers and appositions ("Interior Minister Lena Varga",
  "Tomas Holt, Marrenland's water commissioner") and resolve later role-only
  mentions ("the minister").
- Pronouns go to the most recent compatible speaker (gender from honorifics and
  earlier pronouns), else the most recent named person.
- Organisations and places are ORG/GPE; news media (a channel, "state television")
  MEDIA; indefinite or unnamed sources ("a senior official", "sources close to …")
  ANONYMOUS with the description as name; groups ("residents") GROUP.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..resources import read_tsv
from ..types import Entity, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from .quotes import Attribution

__all__ = ["ResolvedSpeaker", "Resolution", "resolve_speakers", "name_key"]

_HONORIFICS_M = {"mr", "mr.", "sir", "lord", "mister"}
_HONORIFICS_F = {"ms", "ms.", "mrs", "mrs.", "miss", "madam", "dame", "lady"}
_HONORIFICS = _HONORIFICS_M | _HONORIFICS_F
_TITLES = {"dr", "dr.", "prof", "prof.", "gen", "gen.", "col", "col.", "sen", "sen.", "rep", "rep."}
_MALE = {"he", "him", "his", "himself"}
_FEMALE = {"she", "her", "hers", "herself"}
_PLURAL = {"they", "them", "we", "us"}
_ORG_HEADS = {
    "ministry", "government", "office", "army", "military", "police", "service", "agency",
    "committee", "council", "commission", "authority", "authorities", "department", "company",
    "group", "organisation", "organization", "party", "court", "parliament", "embassy",
    "cabinet", "administration", "statement", "campaign", "union", "bank", "board", "forces",
    "spokesperson", "mission", "federation", "association", "institute", "foundation",
    "alliance", "coalition", "bureau", "delegation", "club", "trust", "corporation", "charity",
    "tribunal", "secretariat", "regulator", "watchdog", "network", "ministries",
}  # fmt: skip
_NAME_PREFIXES = re.compile(r"^(?:al|el|ul|ad|ash|as|at|az|an|ar)[-\s]+", re.IGNORECASE)


@dataclass(slots=True)
class ResolvedSpeaker:
    id: str
    name: str
    type: str


@dataclass(slots=True)
class Resolution:
    speakers: list[ResolvedSpeaker | None] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)


@dataclass(slots=True)
class _Cluster:
    name: str
    type: str
    key: tuple[str, ...]
    mentions: list[tuple[int, int]] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    gender: str | None = None
    id: str = ""


@lru_cache(maxsize=1)
def _speaker_nouns() -> dict[str, str]:
    return {row["word"]: row["class"] for row in read_tsv("media_nouns.tsv")}


def name_key(name: str) -> tuple[str, ...]:
    """A normalised key for a name: accents, case, al-/el- prefixes, hyphens, possessives."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’]s\b", "", text)
    text = text.replace("-", " ").replace("’", "").replace("'", "")
    words = []
    for word in text.lower().split():
        word = word.strip('.,;:"“”‘’()')
        if not word or word in _HONORIFICS_M or word in _HONORIFICS_F or word in _TITLES:
            continue
        word = _NAME_PREFIXES.sub("", word) if len(word) > 3 else word
        if word in {"al", "el"}:
            continue
        if word in {"ben", "ibn"}:
            word = "bin"  # transliterations of one patronymic particle
        # doubled letters vary between transliterations (al-Qassimi / Al Qasimi)
        word = re.sub(r"(.)\1+", r"\1", word)
        words.append(word)
    return tuple(words)


def _clean_name(span: SpacySpan, *, person: bool = False) -> str:
    toks = list(span)
    while toks and (toks[0].lower_ in {"the", "a", "an"} or toks[0].is_punct):
        toks = toks[1:]
    # "Sprinter Sara Lind", "Minister Lena Varga": the title is a role, not the name
    while person and len(toks) > 1 and toks[0].lower_.rstrip(".") in _TITLE_WORDS:
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].lower_ in {"'s", "’s"}):
        toks = toks[:-1]
    if not toks:
        return span.text
    # the tokens' own text, not doc.text: that property rebuilds the whole document each call
    return span.doc[toks[0].i : toks[-1].i + 1].text


class _Resolver:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text  # built once: Doc.text joins every token on each access
        self.clusters: list[_Cluster] = []
        self.by_token: dict[int, _Cluster] = {}
        self.subject_starts: set[int] = set()
        self._collect_named()

    # -- named entities ------------------------------------------------------------------------

    def _collect_named(self) -> None:
        people = [e for e in self.doc.ents if e.label_ == "PERSON"]

        # the fullest mentions first, so shorter ones join them; genders from the pronouns
        # that follow an introduction decide which of two Kovacs "Ms. Kovac" is
        def size(e: SpacySpan) -> int:
            return len(name_key(_clean_name(e, person=True)))

        outlets = [e for e in self.doc.ents if _named_outlet(e)]
        outlet_starts = {e.start for e in outlets}
        people = [e for e in people if e.start not in outlet_starts]
        ordered = sorted(people, key=lambda e: (-size(e), e.start))
        full = [e for e in ordered if size(e) >= 2]
        for ent in full:
            self._add_person(ent)
        self._collect_unrecognised_names()
        self._genders_from_pronouns()
        for ent in ordered[len(full) :]:
            self._add_person(ent)
        self._collect_descriptions()
        for ent in outlets:
            self._add_named(ent, "MEDIA")
        for ent in self.doc.ents:
            if ent.label_ in {"ORG", "GPE", "NORP"} and ent.start not in outlet_starts:
                person = self.person_with_key(name_key(ent.text), ent.start_char)
                if person is not None and ent.label_ != "NORP":
                    # the small model often tags a lone surname as ORG: "Varga said"
                    self._mention(person, ent)
                    continue
                self._add_named(ent, "GROUP" if ent.label_ == "NORP" else ent.label_)

    def _collect_descriptions(self) -> None:
        """Bodies named by a description ("Marrenland’s foreign ministry", "the Estovian
        health ministry") become ORG entities, so "the ministry" can find them later; proper
        names the NER missed in subject position ("Ines Calder, the town’s mayor, …") become
        people."""
        # a place the NER tagged elsewhere in the document but missed here ("Marrenland’s
        # foreign ministry" in a sentence where "Marrenland" went untagged)
        places = {
            e.text.lower() for e in self.doc.ents if e.label_ in {"GPE", "NORP"} and len(e) == 1
        }
        for root in self.doc:
            if (
                root.lower_ not in _ORG_HEADS
                or root.pos_ not in {"NOUN", "PROPN"}
                or root.ent_type_
            ):
                continue
            lefts = [t for t in root.lefts if t.dep_ in {"poss", "compound", "amod", "nmod"}]
            if not any(
                u.ent_type_ in {"GPE", "NORP", "ORG"}
                or (u.pos_ == "PROPN" and not u.ent_type_ and u.lower_ in places)
                for t in lefts
                for u in t.subtree
            ):
                continue
            toks = [u for t in lefts for u in t.subtree if u.lower_ not in {"the", "a", "an"}]
            start = min(t.idx for t in toks)
            name = self.text[start : root.idx + len(root.text)]
            key = ("ORG", *name_key(name))
            cluster = next((c for c in self.clusters if c.key == key), None)
            if cluster is None:
                cluster = _Cluster(name=name, type="ORG", key=key)
                self.clusters.append(cluster)
            cluster.mentions.append((start, root.idx + len(root.text)))

    def _collect_unrecognised_names(self) -> None:
        """Full names the NER missed, as subjects or beside a role ("the club’s president,
        Marta Kovac,"), become people."""
        for chunk in self.doc.noun_chunks:
            root = chunk.root
            beside_role = root.dep_ == "appos" and root.head.pos_ == "NOUN"
            # a name beside a person's role is a person whatever the NER said ("the club’s
            # president, Marta Kovac" comes back as a place)
            role_noun = beside_role and root.head.lemma_.lower() in _PERSON_ROLES
            # "Mikel Osterhaus, director of the hospital": a name with a role in apposition
            has_role = any(
                c.dep_ == "appos" and c.lemma_.lower() in _PERSON_ROLES for c in root.children
            )
            if (
                root.pos_ == "PROPN"
                and (root.dep_ in {"nsubj", "nsubjpass"} or beside_role or has_role)
                and (root.ent_type_ in {"", "PERSON"} or role_noun or has_role)
                and sum(1 for t in chunk if t.pos_ == "PROPN") >= 2
            ):
                name = _proper_name(root)
                if len(name.split()) >= 2:
                    cluster = self.person_named(name, root.idx)
                    cluster.mentions.append((chunk.start_char, chunk.end_char))
                    if root.dep_ in {"nsubj", "nsubjpass"}:
                        self.subject_starts.add(chunk.start_char)
                    if beside_role:
                        _add_role(cluster, _role_text(root.head))
                    for c in root.children:
                        if c.dep_ == "appos" and c.lemma_.lower() in _PERSON_ROLES:
                            _add_role(cluster, _role_text(c))

    def person_with_key(self, key: tuple[str, ...], pos: int) -> _Cluster | None:
        """The person whose name contains all of ``key``'s words (nearest earlier mention wins)."""
        if not key:
            return None
        best: _Cluster | None = None
        for cluster in self.clusters:
            if cluster.type == "PERSON" and set(key) <= set(cluster.key):
                if best is None or _nearest(cluster, pos) < _nearest(best, pos):
                    best = cluster
        return best

    def _add_person(self, ent: SpacySpan) -> None:
        key = name_key(_clean_name(ent, person=True))
        if not key:
            return
        match = None
        honorific = self.doc[ent.start - 1].lower_ if ent.start > 0 else ""
        gender = "m" if honorific in _HONORIFICS_M else "f" if honorific in _HONORIFICS_F else None
        for cluster in self.clusters:
            if (
                cluster.type == "PERSON"
                and set(key) <= set(cluster.key)
                and _compatible(cluster, gender)
            ):
                # two people sharing a surname: the nearest earlier full mention wins
                if match is None or _nearest(cluster, ent.start_char) < _nearest(
                    match, ent.start_char
                ):
                    match = cluster
        if match is None:
            match = _Cluster(name=_clean_name(ent, person=True), type="PERSON", key=key)
            self.clusters.append(match)
        self._mention(match, ent)
        honorific = self.doc[ent.start - 1].lower_ if ent.start > 0 else ""
        if honorific in _HONORIFICS_M:
            match.gender = "m"
        elif honorific in _HONORIFICS_F:
            match.gender = "f"
        self._collect_roles(match, ent)

    def _genders_from_pronouns(self) -> None:
        """ "Ana Petrov said … She …": a he/she whose sentence, or the one before, has a named
        person as subject gives that person's gender (the first such pronoun decides)."""
        subjects = sorted(
            (
                (start, cluster)
                for cluster in self.clusters
                if cluster.type == "PERSON"
                for start, _ in cluster.mentions
                if start in self.subject_starts
            ),
            key=lambda pair: pair[0],  # clusters themselves do not compare
        )
        if not subjects:
            return
        for tok in self.doc:
            gender = (
                "m"
                if tok.lower_ in {"he", "him", "his"}
                else "f"
                if tok.lower_ in {"she", "her", "hers"}
                else None
            )
            if gender is None:
                continue
            sent = tok.sent
            window = self.doc[sent.start - 1].sent.start_char if sent.start > 0 else 0
            before = [(st, c) for st, c in subjects if window <= st < tok.idx]
            if before:
                cluster = before[-1][1]
                if cluster.gender is None:
                    cluster.gender = gender

    def _add_named(self, ent: SpacySpan, etype: str) -> None:
        key = name_key(_clean_name(ent))
        if not key:
            return
        for cluster in self.clusters:
            if cluster.type == etype and cluster.key == key:
                self._mention(cluster, ent)
                return
        cluster = _Cluster(name=_clean_name(ent), type=etype, key=key)
        self.clusters.append(cluster)
        self._mention(cluster, ent)

    def _mention(self, cluster: _Cluster, span: SpacySpan) -> None:
        cluster.mentions.append((span.start_char, span.end_char))
        if span.root.dep_ in {"nsubj", "nsubjpass"} or span.root.head.dep_ in {
            "nsubj",
            "nsubjpass",
        }:
            self.subject_starts.add(span.start_char)
        for tok in span:
            self.by_token[tok.i] = cluster

    def _collect_roles(self, cluster: _Cluster, ent: SpacySpan) -> None:
        head = ent.root
        # pre-modifiers inside the noun phrase: "Interior Minister Lena Varga"
        pre = [
            t
            for t in head.lefts
            if t.i < ent.start
            and t.dep_ in {"compound", "amod", "nmod", "poss"}
            and t.ent_type_ != "PERSON"
        ]
        if pre:
            toks = [t for p in pre for t in p.subtree if t.i < ent.start and not t.is_punct]
            toks = [t for t in toks if t.lower_ not in {"the", "a", "an"} | _HONORIFICS | _TITLES]
            if toks and any(t.pos_ in {"NOUN", "PROPN"} for t in toks):
                _add_role(cluster, _text_of(toks))
        for child in head.rights:
            if child.dep_ == "appos":
                words = [
                    t for t in child.subtree if not t.is_punct and t.dep_ not in {"relcl", "acl"}
                ]
                words = [t for t in words if t.lower_ not in {"the", "a", "an"}]
                if words and len(words) <= 8:
                    _add_role(cluster, _text_of(words))

    # -- resolving one source --------------------------------------------------------------------

    def resolve(
        self,
        source: tuple[int, int] | None,
        head_i: int,
        previous: list[_Cluster | None],
        speakers: list[tuple[_Cluster, int]] | None = None,
    ) -> _Cluster | None:
        """The entity of one source. ``previous``: the entities of the attributions before
        it; ``speakers``: those of the outermost ones (who is talking in the discourse)."""
        cluster = self._resolve(source, head_i, previous)
        if cluster is not None and cluster.type == "PERSON" and speakers:
            return self._shared_surname(self.doc[head_i], cluster, speakers)
        return cluster

    def _shared_surname(
        self, head: Token, cluster: _Cluster, speakers: list[tuple[_Cluster, int]]
    ) -> _Cluster:
        """A bare surname two people share ("Kovac said", after "Mr. Kovac" and "Ms. Kovac")
        goes to the one of them named or speaking last: a full name or a name with an
        honorific ("Finance Minister Tobias Brandt", "Mr. Kovac") or a turn as the source of
        an outermost attribution ("He said …"). A pronoun or a role met on the way ("the
        president" inside his account) does not take the surname away from its speaker."""
        if head.pos_ != "PROPN" or head.i == 0:
            return cluster
        before = self.doc[head.i - 1].lower_
        if before in _HONORIFICS or any(
            c.dep_ == "compound" and c.pos_ == "PROPN" for c in head.lefts
        ):
            return cluster
        key = name_key(head.text)
        if len(key) != 1:
            return cluster
        sharing = [c for c in self.clusters if c.type == "PERSON" and set(key) <= set(c.key)]
        if len(sharing) < 2:
            return cluster

        def last_strong(c: _Cluster) -> int:
            starts = [src for who, src in speakers if who is c and src < head.idx]
            for start, end in c.mentions:
                if start >= head.idx:
                    continue
                mention = self.text[start:end]
                words = name_key(mention)
                if set(key) <= set(words) and (
                    len(words) >= 2 or mention.split()[0].lower() in _HONORIFICS
                ):
                    starts.append(start)
            return max(starts, default=-1)

        scores = [last_strong(c) for c in sharing]
        latest = max(scores)
        return sharing[scores.index(latest)] if latest >= 0 else cluster

    def _resolve(
        self, source: tuple[int, int] | None, head_i: int, previous: list[_Cluster | None]
    ) -> _Cluster | None:
        if source is None or head_i < 0:
            return None
        doc = self.doc
        head = doc[head_i]
        span = doc.char_span(source[0], source[1], alignment_mode="expand")
        if span is None:
            return None
        word = head.lower_
        if head.pos_ == "PRON" or word in _MALE | _FEMALE | _PLURAL:
            return self._pronoun(head, previous)
        noun_class = _speaker_nouns().get(word) or _speaker_nouns().get(head.lemma_.lower())
        named = self.by_token.get(head.i)
        if head.pos_ == "PROPN" and (named is None or named.type != "PERSON"):
            named = self.person_with_key(name_key(_proper_name(head)), head.idx) or named
        if named is None:
            # the head of "Marrenland state television" is a media noun, not the GPE inside it
            if noun_class is None:
                named = next(
                    (
                        self.by_token[t.i]
                        for t in span
                        if t.i in self.by_token and self.by_token[t.i].type == "PERSON"
                    ),
                    None,
                )
        if named is not None:
            if named.type == "GPE" and noun_class == "MEDIA":
                return self._described(span, "MEDIA")
            return named
        if noun_class == "MEDIA":
            return self._described(span, "MEDIA")
        role_holder = self._by_role(head, span)
        if role_holder is not None:
            return role_holder
        org = self._org_by_description(head, span, previous)
        if org is not None:
            return org
        if head.pos_ == "PROPN" and head.ent_type_ not in {"ORG", "GPE", "NORP", "FAC", "LOC"}:
            return self._unrecognised_person(head)
        if noun_class == "GROUP" and head.tag_ in {"NNS", "NNPS"}:
            return self._described(span, "GROUP")
        if head.lemma_.lower() in _ORG_HEADS or (
            span.ents and span.ents[0].label_ in {"ORG", "GPE"} and noun_class is None
        ):
            if span.ents and span.ents[-1].root.i == head.i:
                return self.by_token.get(span.ents[-1].start)
            return self._described(span, "ORG")
        if noun_class in {"ANONYMOUS", "GROUP"} or _indefinite(head):
            return self._described(span, "ANONYMOUS" if noun_class != "GROUP" else "GROUP")
        if head.pos_ == "PROPN":
            return self._unrecognised_person(head)
        return self._described(span, "ANONYMOUS")

    def _unrecognised_person(self, head: Token) -> _Cluster:
        """A proper-name source the NER missed ("Ilse Baranek, a spokeswoman …", later
        "Baranek"): named by its fullest form in the document, joined by later surnames."""
        name = _proper_name(head)
        for tok in self.doc:
            if tok.text == head.text and tok.pos_ == "PROPN":
                candidate = _proper_name(tok)
                if len(candidate) > len(name):
                    name = candidate
        cluster = self.person_named(name, head.idx)
        cluster.mentions.append((head.idx, head.idx + len(head.text)))
        return cluster

    def person_named(self, name: str, pos: int) -> _Cluster:
        """The person cluster for ``name``, created if new; a fuller name upgrades a cluster
        that so far had only the surname ("Baranek" then "Ilse Baranek")."""
        key = name_key(name)
        cluster = self.person_with_key(key, pos)
        if cluster is not None:
            return cluster
        for other in self.clusters:
            if other.type == "PERSON" and other.key and set(other.key) < set(key):
                other.name, other.key = name, key
                return other
        cluster = _Cluster(name=name, type="PERSON", key=key)
        self.clusters.append(cluster)
        return cluster

    def _pronoun(self, head: Token, previous: list[_Cluster | None]) -> _Cluster | None:
        word = head.lower_
        if word in {"i", "me", "you", "it"}:
            return None
        if word in _PLURAL:
            for cluster in reversed(previous):
                if cluster is not None and cluster.type in {"ORG", "GROUP", "GPE", "MEDIA"}:
                    return cluster
            return None
        gender = "m" if word in _MALE else "f" if word in _FEMALE else None
        best = self._salient_person(head, gender)
        if best is None:
            for cluster in reversed(previous):
                if (
                    cluster is not None
                    and cluster.type == "PERSON"
                    and _compatible(cluster, gender)
                ):
                    best = cluster
                    break
        if best is None and gender is not None:
            best = self._person_by_pronoun(head)
        if best is not None:
            best.gender = best.gender or gender
        return best

    def _person_by_pronoun(self, head: Token) -> _Cluster | None:
        """He or she with no person before it: the nearest one-word proper-name subject of a
        verb of a person's doing in the sentence or the two before ("Orlov spoke to reporters.
        … he said"), whatever the NER made of the name; a gendered pronoun says it is a person.
        A name the NER knows as a person elsewhere is already a cluster."""
        first = head.sent.start
        for _ in range(2):
            if first > 0:
                first = self.doc[first - 1].sent.start
        for tok in reversed(self.doc[first : head.i]):
            if (
                (tok.pos_ == "PROPN" or _name_tagged_noun(tok))
                and tok.dep_ == "nsubj"
                and tok.head.pos_ == "VERB"
                and tok.head.lemma_.lower() in _PERSON_VERBS
                and not any(c.dep_ in {"compound", "det", "poss"} for c in tok.children)
                and not (tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].pos_ == "PROPN")
            ):
                return self._unrecognised_person(tok)
        return None

    def _salient_person(self, head: Token, gender: str | None) -> _Cluster | None:
        """The most salient compatible person before the pronoun: the latest mention, a
        grammatical subject preferred within the previous couple of sentences."""
        sent_start = head.sent.start
        window_start = head.sent.start_char
        prev_sents = 0
        i = sent_start - 1
        while i >= 0 and prev_sents < 2:
            window_start = self.doc[i].sent.start_char
            prev_sents += 1
            i = self.doc[i].sent.start - 1
        latest: tuple[int, _Cluster] | None = None
        latest_subject: tuple[int, _Cluster] | None = None
        for cluster in self.clusters:
            if cluster.type != "PERSON" or not _compatible(cluster, gender):
                continue
            if not any(s in self.subject_starts for s, _ in cluster.mentions) and not cluster.roles:
                continue  # "In Kessbrook, …": a place the NER took for a person never acts
            for start, end in cluster.mentions:
                if end > head.idx:
                    continue
                if latest is None or start > latest[0]:
                    latest = (start, cluster)
                if start >= window_start and start in self.subject_starts:
                    if latest_subject is None or start > latest_subject[0]:
                        latest_subject = (start, cluster)
        if latest_subject is not None:
            return latest_subject[1]
        return latest[1] if latest is not None else None

    def _by_role(self, head: Token, span: SpacySpan) -> _Cluster | None:
        """ "the minister" / "the water commissioner" -> the person holding that role."""
        if not any(t.lower_ in {"the", "this"} for t in span[:2]):
            return None
        lemma = head.lemma_.lower()
        candidates = [
            c
            for c in self.clusters
            if c.type == "PERSON"
            and any(r.split()[-1].lower() in {lemma, head.lower_} for r in c.roles)
        ]
        if not candidates:
            return None
        return max(
            candidates,
            key=lambda c: max((s for s, _ in c.mentions if s < span.start_char), default=-1),
        )

    def _org_by_description(
        self, head: Token, span: SpacySpan, previous: list[_Cluster | None]
    ) -> _Cluster | None:
        """ "the ministry" -> the ministry named before; "the statement" -> its author."""
        if not any(t.lower_ in {"the", "this", "its", "that"} for t in span[:2]):
            return None
        lemma = head.lemma_.lower()
        if lemma in {"statement", "report", "communique", "release", "letter", "post"}:
            for cluster in reversed(previous):
                if cluster is not None and cluster.type in {"ORG", "GPE", "PERSON", "MEDIA"}:
                    return cluster
            return None
        if lemma not in _ORG_HEADS:
            return None
        best: _Cluster | None = None
        best_pos = -1
        for cluster in self.clusters:
            if cluster.type not in {"ORG", "MEDIA"} or lemma not in cluster.name.lower().split():
                continue
            before = [s for s, _ in cluster.mentions if s < span.start_char]
            if before and max(before) > best_pos:
                best, best_pos = cluster, max(before)
        return best

    def _described(self, span: SpacySpan, etype: str) -> _Cluster:
        """An entity named by its description ("a senior Estovian official")."""

        def dropped(t: Token) -> bool:
            # "who spoke on condition of anonymity" goes; "involved in the talks" stays
            return t.dep_ == "relcl" or (t.dep_ == "acl" and t.tag_ != "VBN")

        toks = [
            t
            for t in span
            if not dropped(t)
            and not any(dropped(a) for a in t.ancestors if a.i in range(span.start, span.end))
        ]
        while toks and (toks[-1].is_punct or toks[-1].lower_ in {"who", "which", "that"}):
            toks = toks[:-1]
        name = " ".join(t.text for t in toks) if toks else span.text
        name = re.sub(r"\s+([,’'])", r"\1", name)
        key = (etype, *name_key(name))
        for cluster in self.clusters:
            if cluster.key == key:
                cluster.mentions.append((span.start_char, span.end_char))
                return cluster
        cluster = _Cluster(
            name=name, type=etype, key=key, mentions=[(span.start_char, span.end_char)]
        )
        self.clusters.append(cluster)
        return cluster


_TITLE_WORDS = frozenset(
    "minister president secretary director commissioner governor senator mayor coach chief "
    "general colonel captain ambassador judge prime deputy foreign interior health finance "
    "science defence defense sprinter striker professor prof dr mr ms mrs sir spokesman "
    "spokeswoman chairman chairwoman ceo representative rep sen gov".split()
)


_PERSON_ROLES = _TITLE_WORDS | frozenset(
    "founder leader head owner manager chairman chairwoman spokesperson official adviser "
    "advisor economist analyst researcher scientist doctor lawyer mother father wife husband "
    "son daughter player captain teacher farmer engineer organiser organizer".split()
)


#: The last word of a named news outlet ("Haldra Sport Radio", "The Jerusalem Post", "Fox
#: News"): MEDIA, whatever the NER called it (the small model often says PERSON). Not the
#: MEDIA nouns of media_nouns.tsv: those describe a speaker ("the agency said"), these end a
#: masthead, where "agency" or "network" would also end "the European Space Agency".
_OUTLET_HEADS = frozenset(
    "television tv radio newspaper broadcaster channel daily tabloid magazine times post "
    "herald gazette tribune journal courier news wire press".split()
)


#: Heads that are also surnames (Emily Post): an outlet only with "the" ("the Jerusalem Post").
_SURNAME_LIKE_HEADS = frozenset({"post", "press", "herald", "daily"})


def _named_outlet(ent: SpacySpan) -> bool:
    words = [t for t in ent if not t.is_punct and t.lower_ not in {"the", "'s", "’s"}]
    if ent.label_ not in {"PERSON", "ORG"} or len(words) < 2:
        return False
    head = words[-1]
    if not head.text[:1].isupper() or head.lower_ not in _OUTLET_HEADS:
        return False
    if head.lower_ not in _SURNAME_LIKE_HEADS:
        return True
    before = ent.doc[ent.start - 1].lower_ if ent.start > 0 else ""
    return ent[0].lower_ == "the" or before == "the"


def _name_tagged_noun(tok: Token) -> bool:
    """A surname opening a sentence that the tagger took for a plural noun ("Ilves spoke"):
    capitalised, and no word for a kind of speaker ("Officials spoke")."""
    return (
        tok.pos_ == "NOUN"
        and tok.i == tok.sent.start
        and tok.text[:1].isupper()
        and tok.text[1:].islower()
        and tok.lower_ not in _speaker_nouns()
        and tok.lemma_.lower() not in _speaker_nouns()
    )


#: Verbs whose subject is a person acting in person (a country or a company says, tells and
#: visits through someone, but does not smile or speak to reporters): the evidence, with a
#: gendered pronoun, that a name is a person's.
_PERSON_VERBS = frozenset(
    "speak talk smile laugh shrug sigh nod pause arrive walk sit stand wave weep cry shout "
    "whisper greet".split()
)


def _proper_name(head: Token) -> str:
    """The proper name around a PROPN head: its compound and flat parts ("Tomas Holt"),
    without capitalised titles in front ("Minister", "Sprinter")."""
    compounds = {t.i for t in head.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"}
    toks = [head]
    # only the run right before the head: "By Paulo Drescher\n\nSara Lind" is two names
    while toks[0].i - 1 in compounds and "\n" not in head.doc[toks[0].i - 1].whitespace_:
        toks.insert(0, head.doc[toks[0].i - 1])
    while len(toks) > 1 and toks[0].lower_.rstrip(".") in _TITLE_WORDS:
        toks = toks[1:]
    return " ".join(t.text for t in toks)


def _role_text(noun: Token) -> str:
    """The role noun phrase without the name in apposition: "club’s president"."""
    toks = [
        t
        for t in noun.subtree
        if t.i <= noun.i and not t.is_punct and t.lower_ not in {"the", "a", "an"}
    ]
    return _text_of(toks)


def _text_of(toks: list[Token]) -> str:
    """Tokens' text with the document's own spacing ("Estovia's", not "Estovia 's")."""
    return "".join(t.text_with_ws for t in toks[:-1]) + toks[-1].text if toks else ""


def _add_role(cluster: _Cluster, role: str) -> None:
    role = role.strip()
    if role and role.lower() not in (r.lower() for r in cluster.roles):
        cluster.roles.append(role)


def _compatible(cluster: _Cluster, gender: str | None) -> bool:
    return not (cluster.gender and gender and cluster.gender != gender)


def _indefinite(head: Token) -> bool:
    return any(
        c.lower_ in {"a", "an", "one", "some", "several", "two", "three"} for c in head.lefts
    )


def _nearest(cluster: _Cluster, pos: int) -> int:
    before = [pos - s for s, _ in cluster.mentions if s <= pos]
    return min(before) if before else 10**9 + min((s for s, _ in cluster.mentions), default=0)


def resolve_speakers(doc: Doc, attributions: list[Attribution]) -> Resolution:
    """Resolve every attribution's source to an entity; build the record's entity list."""
    resolver = _Resolver(doc)
    resolved: list[_Cluster | None] = []
    turns: list[tuple[_Cluster, int]] = []  # the outermost attributions' (entity, source)
    for att in attributions:
        if att.continues is not None and 0 <= att.continues < len(resolved):
            resolved.append(resolved[att.continues])
            continue
        cluster = resolver.resolve(att.source, att.source_head, resolved, turns)
        if cluster is not None and att.nested_in is None and att.source is not None:
            turns.append((cluster, att.source[0]))
        if cluster is not None and att.source is not None:
            if att.source not in cluster.mentions:
                cluster.mentions.append(att.source)
            resolver.subject_starts.add(att.source[0])
        resolved.append(cluster)

    text = doc.text
    entities: list[Entity] = []
    for n, cluster in enumerate(resolver.clusters, start=1):
        cluster.id = f"e{n}"
        mentions = sorted(set(cluster.mentions))
        aliases = sorted({text[s:e] for s, e in mentions} - {cluster.name})
        entities.append(
            Entity(
                id=cluster.id,
                name=cluster.name,
                type=cluster.type,
                mentions=[Span.of(text, s, e) for s, e in mentions],
                aliases=aliases,
                roles=list(cluster.roles),
            )
        )
    speakers = [
        None if c is None else ResolvedSpeaker(id=c.id, name=c.name, type=c.type) for c in resolved
    ]
    return Resolution(speakers=speakers, entities=entities)
