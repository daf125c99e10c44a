"""Entities across articles: normalisation, transliterations, the same-surname trap,
overrides, the stored links, the ``entities`` command, and a floor on the evaluation."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from onrecord.cli_entities import register as register_entities
from onrecord.errors import OnrecordError
from onrecord.store import Store, open_corpus
from onrecord.store.entities import (
    COMPATIBLE,
    DIFFERENT,
    SAME,
    EntityRow,
    Overrides,
    link_pending,
    link_rows,
    parse_name,
    parse_overrides,
    role_key,
    roles_agree,
    same_person,
)
from onrecord.types import Entity, Record

from .conftest import make_record

runner = CliRunner()


# --- normalisation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key", "titles"),
    [
        ("Yahya Sinwar", "yahya sinwar", ()),
        ("al-Sinwar", "sinwar", ()),
        ("Col. Muammar el-Qaddafi", "muammar qaddafi", ("col",)),
        ("Syrian President Bashar al-Assad", "bashar assad", ("president",)),
        ("U.S. Secretary of State Hillary Clinton", "hillary clinton", ("secretary", "state")),
        ("Hillary Rodham Clinton's", "hillary rodham clinton", ()),
        ("Marrenland’s foreign minister, Katrin Moll", "katrin moll", ()),
        ("Jonas Petrik, director of the Estovian Water Authority", "jonas petrik", ()),
        ("George H.W. Bush", "george h w bush", ()),
        ("Donald Trump Jr.", "donald trump jr", ()),
        ("Crown Prince Mohammed bin Salman", "mohammed binsalman", ("crown", "prince")),
        ("Ursula von der Leyen", "ursula vonderleyen", ()),
        ("Abdul-Fattah al-Sisi", "abd fattah sisi", ()),
        ("Kim Jong-un", "kim jong un", ()),
        ("Al Gore", "al gore", ()),  # a given name, not the article
        ("Ben Carson", "ben carson", ()),  # a given name, not a patronymic
        ("Itamar Ben-Gvir", "itamar bingvir", ()),
        ("Moammar Kadhafi", "moammar kadhafi", ()),
        ("Сергей Лавров", "sergei lavrov", ()),
        ("Recep Tayyip Erdoğan", "recep tayyip erdogan", ()),
    ],
)
def test_parse_name(name: str, key: str, titles: tuple[str, ...]) -> None:
    parsed = parse_name(name)
    assert parsed.key == key
    assert parsed.titles == titles


def test_a_bare_surname_has_no_given_names() -> None:
    assert parse_name("President Assad").bare
    assert parse_name("Bin Laden").surname == "binladen"
    assert not parse_name("Bashar Assad").bare


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Yahya Sinwar", "Yehia Sinwar"),
        ("Yahya Sinwar", "Yahia al-Sinwar"),
        ("Muammar Gaddafi", "Moammar Kadhafi"),
        ("Muammar Gaddafi", "Muammar al-Qadhafi"),
        ("Muammar Gaddafi", "Moammar Gadhafi"),
        ("Volodymyr Zelensky", "Wolodymyr Selenskyj"),
        ("Volodymyr Zelenskyy", "Volodymyr Zelenskiy"),
        ("Yevgeny Prigozhin", "Jewgeni Prigoschin"),
        ("Benjamin Netanyahu", "Binyamin Netanyahu"),
        ("Ismail Haniyeh", "Ismail Haniya"),
        ("Kim Jong Un", "Kim Jong-un"),
        ("Xi Jinping", "Xi Jin-ping"),
        ("Bill Clinton", "William Clinton"),
        ("Abdel Fattah el-Sisi", "Abdel-Fattah el-Sissi"),
        ("Osama bin Laden", "Usama bin Ladin"),
    ],
)
def test_transliterations_are_the_same_name(a: str, b: str) -> None:
    assert same_person(a, b) == SAME


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hillary Clinton", "Bill Clinton"),
        ("Bashar al-Assad", "Hafez al-Assad"),
        ("Benjamin Netanyahu", "Yair Netanyahu"),
        ("Donald Trump", "Ivanka Trump"),
        ("Ivanka Trump", "Ivana Trump"),
        ("Donald Trump", "Donald Trump Jr."),
        ("George W. Bush", "George H. W. Bush"),
        ("Indira Gandhi", "Rahul Gandhi"),
        ("Fidel Castro", "Raul Castro"),
        ("John Smith", "Joan Smith"),
        ("Alexei Navalny", "Yulia Navalnaya"),
    ],
)
def test_the_same_surname_is_not_the_same_person(a: str, b: str) -> None:
    assert same_person(a, b) == DIFFERENT


def test_other_relations() -> None:
    assert same_person("George Bush", "George W. Bush") == COMPATIBLE
    assert same_person("Clinton", "Hillary Clinton") == COMPATIBLE
    assert same_person("Xi", "Xi Jinping") == COMPATIBLE  # surname first
    assert same_person("Li Keqiang", "Li Qiang") != SAME
    assert same_person("Kim Jong Un", "Kim Jong Il") != SAME
    assert same_person("King Salman", "Mohammed bin Salman") != COMPATIBLE


def test_roles() -> None:
    assert roles_agree(role_key("Syrian president"), role_key("president", titled=True))
    assert roles_agree(role_key("Secretary of State"), role_key("secretary", titled=True))
    assert not roles_agree(role_key("vice president"), role_key("president"))
    assert not roles_agree(role_key("son of the Libyan leader"), role_key("Libyan leader"))
    assert role_key("Estovia’s interior minister").words == {"interior", "minister"}


# --- linking -------------------------------------------------------------------------------


def _rows(
    *specs: tuple[str, str] | tuple[str, str, tuple[str, ...]], docs: int = 1
) -> list[EntityRow]:
    """One row per (name, doc) spec; each spec repeated in ``docs`` documents."""
    rows: list[EntityRow] = []
    for n, spec in enumerate(specs):
        name, label = spec[0], spec[1]
        roles = spec[2] if len(spec) > 2 else ()  # type: ignore[misc]
        for copy in range(docs):
            rows.append(EntityRow(f"{label}-{n}-{copy}", "e1", name, "PERSON", roles=roles))
    return rows


def _entity_of(rows: list[EntityRow], overrides: Overrides | None = None) -> dict[str, int]:
    of = link_rows(rows, overrides).entity_of()
    return {r.document_id: of[(r.document_id, r.entity_id)] for r in rows}


def test_transliterations_merge_across_documents() -> None:
    rows = _rows(
        ("Yahya Sinwar", "a"),
        ("Yehia Sinwar", "b"),
        ("Yahia al-Sinwar", "c"),
        ("al-Sinwar", "d"),
        ("Muammar Gaddafi", "e"),
        ("Moammar Kadhafi", "f"),
        ("al-Qadhafi", "g"),
    )
    of = _entity_of(rows)
    assert of["a-0-0"] == of["b-1-0"] == of["c-2-0"] == of["d-3-0"]
    assert of["e-4-0"] == of["f-5-0"] == of["g-6-0"]
    assert of["a-0-0"] != of["e-4-0"]
    linking = link_rows(rows)
    sinwar = next(e for e in linking.entities if "Yehia Sinwar" in e.variants)
    assert sinwar.name in {"Yahya Sinwar", "Yahia al-Sinwar"}
    assert sinwar.documents == 4


def test_the_clinton_trap() -> None:
    rows = [
        *_rows(("Hillary Clinton", "h", ("Secretary of State",)), docs=5),
        *_rows(("Bill Clinton", "b", ("former president",)), docs=5),
        EntityRow("bare", "e1", "Clinton", "PERSON"),
        EntityRow("pres", "e1", "President Clinton", "PERSON"),
        EntityRow("sec", "e1", "Clinton", "PERSON", roles=("secretary of state",)),
    ]
    of = _entity_of(rows)
    hillary, bill = of["h-0-0"], of["b-0-0"]
    assert hillary != bill
    assert of["pres"] == bill  # the role says which
    assert of["sec"] == hillary
    assert of["bare"] not in {hillary, bill}  # no evidence: left apart
    unresolved = next(e for e in link_rows(rows).entities if e.id == of["bare"])
    assert not unresolved.resolved


def test_a_bare_surname_joins_a_dominant_candidate_only() -> None:
    rows = [
        *_rows(("Donald Trump", "d"), docs=20),
        *_rows(("Ivanka Trump", "i"), docs=2),
        EntityRow("bare", "e1", "Trump", "PERSON"),
    ]
    of = _entity_of(rows)
    assert of["bare"] == of["d-0-0"]
    rows = [*_rows(("Donald Trump", "d"), docs=5), *_rows(("Ivanka Trump", "i"), docs=3)]
    rows.append(EntityRow("bare", "e1", "Trump", "PERSON"))
    of = _entity_of(rows)
    assert of["bare"] not in {of["d-0-0"], of["i-0-0"]}


def test_an_ambiguous_middle_name_is_not_guessed() -> None:
    rows = _rows(("George W. Bush", "w"), ("George H. W. Bush", "hw"), ("George Bush", "g"), docs=2)
    of = _entity_of(rows)
    assert len({of["w-0-0"], of["hw-1-0"], of["g-2-0"]}) == 3
    rows = _rows(("George W. Bush", "w"), ("George Walker Bush", "full"), ("G. W. Bush", "i"))
    of = _entity_of(rows)
    assert of["w-0-0"] == of["full-1-0"] == of["i-2-0"]


def test_two_names_in_one_document_are_two_people() -> None:
    together = [
        EntityRow("doc1", "e1", "Karen Smith", "PERSON"),
        EntityRow("doc1", "e2", "Karin Smith", "PERSON"),
        EntityRow("doc2", "e1", "Karin Smith", "PERSON"),
    ]
    of = link_rows(together).entity_of()
    assert of[("doc1", "e1")] != of[("doc1", "e2")]
    apart = [EntityRow("doc1", "e1", "Karen Smith", "PERSON"), together[2]]
    of = link_rows(apart).entity_of()
    assert of[("doc1", "e1")] == of[("doc2", "e1")]


def test_organisations_and_anonymous_sources() -> None:
    rows = [
        EntityRow("a", "e1", "the Estovian Water Authority", "ORG"),
        EntityRow("b", "e1", "Estovian Water Authority", "ORG"),
        EntityRow("c", "e1", "Estovian Water Authority's", "ORG"),
        EntityRow("a", "e2", "a senior official", "ANONYMOUS"),
        EntityRow("b", "e2", "a senior official", "ANONYMOUS"),
        EntityRow("c", "e2", "Estovian Water", "PERSON"),
    ]
    linking = link_rows(rows)
    of = linking.entity_of()
    assert of[("a", "e1")] == of[("b", "e1")] == of[("c", "e1")]
    assert of[("a", "e2")] != of[("b", "e2")]
    assert of[("c", "e2")] != of[("c", "e1")]
    authority = next(e for e in linking.entities if e.id == of[("a", "e1")])
    assert authority.name == "Estovian Water Authority"


def test_linking_is_deterministic() -> None:
    rows = _rows(
        ("Bashar al-Assad", "a"),
        ("Bashar Assad", "b"),
        ("Hafez al-Assad", "c"),
        ("Assad", "d"),
        ("Kim Jong Un", "e"),
        ("Kim Jong-un", "f"),
        ("Kim", "g"),
        docs=2,
    )
    first = [e.as_dict(members=True) for e in link_rows(rows).entities]
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    assert [e.as_dict(members=True) for e in link_rows(shuffled).entities] == first


# --- overrides -----------------------------------------------------------------------------


def test_overrides_merge_and_split() -> None:
    text = (
        "# decisions\n"
        "merge\tBenjamin Netanyahu\tBibi Netanyahu\tBibi\n"
        "\n"
        "split\tYahya Sinwar\tYehia Sinwar\n"
    )
    overrides = parse_overrides(text)
    assert overrides.merge == (("Benjamin Netanyahu", "Bibi Netanyahu", "Bibi"),)
    rows = _rows(
        ("Benjamin Netanyahu", "n"),
        ("Bibi Netanyahu", "b"),
        ("Bibi", "bb"),
        ("Yahya Sinwar", "y"),
        ("Yehia Sinwar", "ye"),
    )
    plain = _entity_of(rows)
    assert plain["n-0-0"] != plain["b-1-0"]
    assert plain["y-3-0"] == plain["ye-4-0"]
    decided = _entity_of(rows, overrides)
    assert decided["n-0-0"] == decided["b-1-0"] == decided["bb-2-0"]
    assert decided["y-3-0"] != decided["ye-4-0"]


def test_a_split_keeps_a_bare_name_away() -> None:
    rows = [*_rows(("Hillary Clinton", "h"), docs=3), EntityRow("bare", "e1", "Clinton", "PERSON")]
    assert _entity_of(rows)["bare"] == _entity_of(rows)["h-0-0"]  # the only candidate
    overrides = parse_overrides("split\tClinton\tHillary Clinton\n")
    of = _entity_of(rows, overrides)
    assert of["bare"] != of["h-0-0"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("join\ta\tb\n", "merge or split"), ("merge\tonly one\n", "two names")],
)
def test_bad_override_lines(text: str, message: str) -> None:
    with pytest.raises(OnrecordError, match=message):
        parse_overrides(text, "names.tsv")


# --- the store and the command ---------------------------------------------------------------


def _record(doc_id: str, name: str, *, roles: tuple[str, ...] = (), outlet: str = "Wire") -> Record:
    record = make_record(doc_id, f"Statement {doc_id}", name, outlet=outlet)
    entity = record.entities[0]
    extra = Entity(
        id="e2", name="Estovian Water Authority", type="ORG", mentions=[], aliases=[], roles=[]
    )
    return record.model_copy(
        update={"entities": [entity.model_copy(update={"roles": list(roles)}), extra]}
    )


def _fill(db: Path) -> None:
    with Store.open(db) as store:
        store.put(_record("d1", "Yahya Sinwar", roles=("Hamas leader",), outlet="Wire"))
        store.put(_record("d2", "Yehia Sinwar", outlet="Courier"))
        store.put(_record("d3", "Hillary Clinton", roles=("Secretary of State",)))
        store.put(_record("d4", "Bill Clinton", roles=("former president",)))
        store.put(_record("d5", "Clinton"))
        link_pending(store)


def test_stored_links(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _fill(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM corpus_entity_links").fetchone()[0] == 10
        rows = conn.execute(
            "SELECT c.name, c.documents, c.outlets FROM corpus_entities c"
            " WHERE c.name LIKE '%Sinwar'"
        ).fetchall()
    assert rows == [("Yahya Sinwar", 2, 2)]
    with Store.open(db) as store:
        assert not link_pending(store)  # up to date: nothing to do
    with open_corpus(db) as corpus:
        people = corpus.corpus_entities(type="PERSON")
    names = {e.name: e for e in people}
    assert names["Yahya Sinwar"].variants == ["Yahya Sinwar", "Yehia Sinwar"]
    assert "Clinton" in names and not names["Clinton"].resolved
    assert {"Hillary Clinton", "Bill Clinton"} <= set(names)


def test_stale_links_are_computed_again(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _fill(db)
    with Store.open(db) as store:
        store.put(_record("d6", "Yahia al-Sinwar"))  # no relinking: the stored links are stale
    with open_corpus(db) as corpus:
        sinwar = [e for e in corpus.corpus_entities() if "Yahia al-Sinwar" in e.variants]
    assert sinwar[0].documents == 3
    assert sinwar[0].name == "Yahya Sinwar"


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """test app"""

    register_entities(app)
    return app


def test_entities_command(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _fill(db)
    app = _app()
    result = runner.invoke(app, ["entities", "--db", str(db), "--type", "PERSON"])
    assert result.exit_code == 0, result.output
    assert "Yahya Sinwar" in result.stdout and "Yehia Sinwar" in result.stdout
    assert "Clinton (unresolved)" in result.stdout
    assert "Estovian Water Authority" not in result.stdout

    result = runner.invoke(
        app, ["entities", "--db", str(db), "--format", "jsonl", "--name", "sinwar"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["name"] for e in lines] == ["Yahya Sinwar"]
    assert lines[0]["documents"] == 2 and lines[0]["outlets"] == 2
    assert lines[0]["roles"] == ["Hamas leader"]

    result = runner.invoke(
        app, ["entities", "--db", str(db), "--format", "csv", "--min-mentions", "2"]
    )
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0]
    assert header == "id,name,type,documents,outlets,mentions,variants,roles,resolved"
    assert "Yehia Sinwar" in result.stdout  # the variants cell
    assert "Bill Clinton" not in result.stdout  # one mention only

    overrides = tmp_path / "names.tsv"
    overrides.write_text("split\tYahya Sinwar\tYehia Sinwar\n", encoding="utf-8")
    result = runner.invoke(
        app, ["entities", "--db", str(db), "--overrides", str(overrides), "-f", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    names = [json.loads(line)["name"] for line in result.stdout.splitlines()]
    assert "Yahya Sinwar" in names and "Yehia Sinwar" in names


def test_entities_command_errors(tmp_path: Path) -> None:
    app = _app()
    result = runner.invoke(app, ["entities", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "no such database" in result.stderr
    db = tmp_path / "c.db"
    _fill(db)
    bad = tmp_path / "bad.tsv"
    bad.write_text("join\ta\tb\n", encoding="utf-8")
    result = runner.invoke(app, ["entities", "--db", str(db), "--overrides", str(bad)])
    assert result.exit_code == 2
    assert "bad.tsv:1" in result.stderr
    result = runner.invoke(app, ["entities", "--db", str(db), "--name", "nobody"])
    assert result.exit_code == 0
    assert "no entities match" in result.stderr


# --- the evaluation ----------------------------------------------------------------------------

#: Just under the figures measured on 2026-11-28 (docs/EVALUATION.md): raise them when the
#: linker improves, never lower them to let a regression through.
FLOORS = {
    "pair_precision": 0.99,
    "pair_recall": 0.935,
    "bcubed_precision": 0.99,
    "bcubed_recall": 0.95,
}


def test_evaluation_floor() -> None:
    from eval.entities import evaluate

    scores, _ = evaluate()
    assert scores.rows >= 300
    for measure, floor in FLOORS.items():
        assert getattr(scores, measure) >= floor, (measure, getattr(scores, measure))


def test_a_database_without_the_tables(tmp_path: Path) -> None:
    """A database that recorded the migration before it made tables still works."""
    db = tmp_path / "c.db"
    _fill(db)
    with sqlite3.connect(db) as conn:
        for table in ("corpus_entity_links", "corpus_entities", "corpus_entities_state"):
            conn.execute(f"DROP TABLE {table}")
    with open_corpus(db) as corpus:
        assert any(e.name == "Yahya Sinwar" for e in corpus.corpus_entities())
    with Store.open(db) as store:
        assert link_pending(store)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM corpus_entity_links").fetchone()[0] == 10
