"""The REST API on a small corpus (tests/web/conftest.py): every endpoint, pages, filters,
errors, limits, security headers, and the ``serve`` command's defaults."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from .conftest import BREAKOUT, HOSTILE_FILE, HOSTILE_OUTLET, HOSTILE_SPEAKER, HOSTILE_URL, SCRIPT

VALLEY = "2024-03-05_valley-wire_toll-passes-60.txt"


def _pages(client: TestClient, url: str) -> list[dict[str, Any]]:
    """Every item of a paged list, following ``next``."""
    items: list[dict[str, Any]] = []
    seen = 0
    while url:
        data = client.get(url).json()
        items.extend(data["items"])
        seen += 1
        assert seen < 100
        url = data["next"]
    return items


def _error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    if code is not None:
        assert body["error"]["code"] == code, body
    assert "Traceback" not in response.text
    return dict(body["error"])


# --- articles ------------------------------------------------------------------------------


def test_articles_list_newest_first(client: TestClient) -> None:
    data = client.get("/api/articles").json()
    assert data["total"] == 10 and data["limit"] == 50 and data["offset"] == 0
    assert data["next"] is None
    dates = [a["published"] for a in data["items"]]
    assert dates == sorted(dates, reverse=True)
    first = data["items"][0]
    assert first["id"] == HOSTILE_FILE and first["url"] == HOSTILE_URL
    assert first["outlet"] == HOSTILE_OUTLET and first["quotes"] >= 1


def test_articles_pages_cover_everything_once(client: TestClient) -> None:
    first = client.get("/api/articles", params={"limit": 3}).json()
    assert first["total"] == 10 and len(first["items"]) == 3
    assert first["next"] == "/api/articles?limit=3&offset=3"
    items = _pages(client, "/api/articles?limit=3")
    assert len(items) == 10 and len({a["id"] for a in items}) == 10
    last = client.get("/api/articles", params={"limit": 3, "offset": 9}).json()
    assert len(last["items"]) == 1 and last["next"] is None
    beyond = client.get("/api/articles", params={"offset": 50}).json()
    assert beyond["items"] == [] and beyond["total"] == 10 and beyond["next"] is None


def test_articles_filters(client: TestClient) -> None:
    meridian = client.get("/api/articles", params={"outlet": "meridian times"}).json()
    assert meridian["total"] == 3
    assert {a["outlet"] for a in meridian["items"]} == {"Meridian Times"}
    window = client.get("/api/articles", params={"since": "2024-03-05", "until": "2024-03-05"})
    assert {a["published"] for a in window.json()["items"]} == {"2024-03-05"}
    assert window.json()["total"] == 3
    found = client.get("/api/articles", params={"q": "inquiry"}).json()
    assert found["total"] >= 1
    assert "2024-03-07_meridian-times_inquiry.txt" in {a["id"] for a in found["items"]}
    nothing = client.get("/api/articles", params={"q": "zzzyzzx"}).json()
    assert nothing == {"total": 0, "limit": 50, "offset": 0, "next": None, "items": []}
    # FTS5 syntax in the words is read as text, never an error
    for q in ['"unbalanced', "dam AND*", "NEAR(a b)", "col:umn -x ^y"]:
        response = client.get("/api/articles", params={"q": q})
        assert response.status_code == 200, (q, response.text)


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"since": "2024-13-01"}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"until": "0"}, "until"),
        ({"since": "20240305"}, "since"),
        ({"q": "  "}, "q"),
    ],
)
def test_articles_bad_parameters(client: TestClient, params: dict[str, Any], where: str) -> None:
    error = _error(client.get("/api/articles", params=params), 422, "invalid")
    assert where in error["message"]


def test_article_record_follows_the_contract(client: TestClient, record_validator: Any) -> None:
    response = client.get(f"/api/articles/{VALLEY}")
    assert response.status_code == 200
    record = response.json()
    record_validator.validate(record)
    assert record["id"] == VALLEY and record["outlet"] == "Valley Wire"
    for quote in record["quotes"]:
        span = quote["content"]
        assert record["text"][span["start"] : span["end"]] == span["text"]


def test_article_hostile_text_is_data(client: TestClient) -> None:
    response = client.get(f"/api/articles/{HOSTILE_FILE}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    record = response.json()
    assert SCRIPT in record["text"] and BREAKOUT in record["text"]
    assert record["url"] == HOSTILE_URL


def test_article_ids_with_slashes_and_missing_ones(client: TestClient) -> None:
    _error(client.get("/api/articles/no-such-article"), 404, "not_found")
    _error(client.get("/api/articles/a/b/../c"), 404)
    _error(client.get("/api/articles/%00"), 404)


# --- quotes --------------------------------------------------------------------------------


def test_quotes_filters_and_pages(client: TestClient) -> None:
    everything = client.get("/api/quotes", params={"limit": 500}).json()
    total = everything["total"]
    assert total == len(everything["items"]) > 50
    items = _pages(client, "/api/quotes?limit=40")
    assert len(items) == total
    assert len({(q["document_id"], q["quote_id"]) for q in items}) == total
    varga = client.get("/api/quotes", params={"speaker": "VARGA", "limit": 500}).json()
    assert varga["total"] > 0
    assert all("varga" in q["speaker_name"].lower() for q in varga["items"])
    direct = client.get("/api/quotes", params={"kind": "direct", "limit": 500}).json()
    assert {q["kind"] for q in direct["items"]} == {"direct"}
    valley = client.get("/api/quotes", params={"outlet": "Valley Wire"}).json()
    assert {q["outlet"] for q in valley["items"]} == {"Valley Wire"}
    day = client.get("/api/quotes", params={"since": "2024-03-06", "until": "2024-03-06"}).json()
    assert day["total"] > 0 and {q["published"] for q in day["items"]} == {"2024-03-06"}
    found = client.get("/api/quotes", params={"contains": "script"}).json()
    assert found["total"] >= 1
    assert all(q["speaker_name"] == HOSTILE_SPEAKER for q in found["items"])
    assert any(SCRIPT in q["content"] for q in found["items"])
    exact = client.get(
        "/api/quotes", params={"speaker": "lena varga", "speaker_exact": True}
    ).json()
    assert {q["speaker_name"] for q in exact["items"]} == {"Lena Varga"}
    _error(client.get("/api/quotes", params={"kind": "sarcastic"}), 422, "invalid")
    percent = client.get("/api/quotes", params={"speaker": "%"}).json()
    assert percent["total"] == 0  # LIKE wildcards are escaped


# --- speakers ------------------------------------------------------------------------------


def test_speakers_most_quoted_first_and_pages(client: TestClient) -> None:
    data = client.get("/api/speakers", params={"limit": 500}).json()
    counts = [s["quotes"] for s in data["items"]]
    assert counts == sorted(counts, reverse=True) and data["total"] == len(data["items"])
    assert data["items"][0]["name"] == "Lena Varga"
    assert all(sum(s["by_outlet"].values()) == s["quotes"] for s in data["items"])
    paged = _pages(client, "/api/speakers?limit=7")
    assert [s["name"] for s in paged] == [s["name"] for s in data["items"]]
    hostile = client.get("/api/speakers", params={"outlet": HOSTILE_OUTLET}).json()
    assert [s["name"] for s in hostile["items"]] == [HOSTILE_SPEAKER]
    assert hostile["total"] == 1


def test_speaker_detail(client: TestClient) -> None:
    response = client.get("/api/speakers/Lena Varga", params={"quotes_limit": 2})
    assert response.status_code == 200
    varga = response.json()
    assert varga["name"] == "Lena Varga" and varga["types"] == ["PERSON"]
    assert sum(day["quotes"] for day in varga["timeline"]) == varga["quotes"]
    assert sum(varga["by_outlet"].values()) == varga["quotes"]
    assert sum(varga["kinds"].values()) == varga["quotes"]
    assert [d["date"] for d in varga["timeline"]] == sorted(d["date"] for d in varga["timeline"])
    assert any("minister" in role.lower() for role in varga["roles"])
    assert varga["entity_id"] is not None
    assert len(varga["recent_quotes"]) == 2
    assert varga["more_quotes"].startswith("/api/quotes?speaker=Lena+Varga&speaker_exact=true")
    rest = client.get(varga["more_quotes"]).json()
    assert rest["items"] and {q["speaker_name"] for q in rest["items"]} == {"Lena Varga"}
    assert client.get("/api/speakers/lena varga").json()["name"] == "Lena Varga"
    _error(client.get("/api/speakers/Nobody At All"), 404, "not_found")


# --- outlets, figures, entities -------------------------------------------------------------


def test_outlets(client: TestClient) -> None:
    data = client.get("/api/outlets").json()
    names = [o["outlet"] for o in data["items"]]
    assert data["total"] == 6 and names[0] == "Meridian Times" and HOSTILE_OUTLET in names
    assert sum(o["documents"] for o in data["items"]) == 10
    page = client.get("/api/outlets", params={"limit": 2, "offset": 2}).json()
    assert [o["outlet"] for o in page["items"]] == names[2:4]
    assert page["next"] == "/api/outlets?limit=2&offset=4"


def test_figures(client: TestClient) -> None:
    data = client.get("/api/figures", params={"term": "killed"}).json()
    assert data["term"] == "killed" and data["by"] == "outlet" and data["total"] >= 3
    assert data["groups"] and {f["group"] for f in data["items"]} <= set(data["groups"])
    assert all(f["value"] is not None or f["low"] is not None for f in data["items"])
    assert data["spreads"], "the example outlets disagree on the toll"
    paged = client.get("/api/figures", params={"term": "killed", "limit": 1}).json()
    assert len(paged["items"]) == 1 and paged["next"] is not None
    by_source = client.get("/api/figures", params={"term": "killed", "by": "source"}).json()
    assert by_source["by"] == "source"
    _error(client.get("/api/figures"), 422, "invalid")
    _error(client.get("/api/figures", params={"term": "123"}), 422, "invalid")
    _error(client.get("/api/figures", params={"term": "dead", "by": "mood"}), 422)
    for term in ("giraffes", "the a"):  # no figure; only stop words
        empty = client.get("/api/figures", params={"term": term}).json()
        assert empty["total"] == 0 and empty["items"] == [] and empty["spreads"] == []


def test_entities(client: TestClient) -> None:
    data = client.get("/api/entities", params={"limit": 500}).json()
    assert data["total"] == len(data["items"]) > 10
    docs = [e["documents"] for e in data["items"]]
    assert docs == sorted(docs, reverse=True)
    people = client.get("/api/entities", params={"type": "PERSON", "limit": 500}).json()
    assert {e["type"] for e in people["items"]} == {"PERSON"}
    varga = client.get("/api/entities", params={"q": "varga"}).json()
    assert varga["items"][0]["name"] == "Lena Varga"
    _error(client.get("/api/entities", params={"type": "ALIEN"}), 422)


# --- analysis ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def analyze_client(make_app: Callable[..., Any]) -> Iterator[TestClient]:
    with TestClient(
        make_app(allow_analyze=True, max_body=20_000), raise_server_exceptions=False
    ) as test_client:
        yield test_client


def test_analyze_is_forbidden_without_the_flag(client: TestClient) -> None:
    _error(client.post("/api/analyze", json={"text": "“Hi,” she said."}), 403, "forbidden")
    files = {"file": ("a.txt", b"\xe2\x80\x9cHi,\xe2\x80\x9d she said.", "text/plain")}
    _error(client.post("/api/analyze/file", files=files), 403, "forbidden")


def test_analyze_text_and_html(analyze_client: TestClient, record_validator: Any) -> None:
    text = "“We will rebuild the bridge by May,” Mayor Anna Kowal said on Monday."
    response = analyze_client.post("/api/analyze", json={"text": text, "published": "2024-03-04"})
    assert response.status_code == 200, response.text
    record = response.json()
    record_validator.validate(record)
    assert record["text"] == text and record["published"] == "2024-03-04"
    assert record["quotes"] and record["quotes"][0]["speaker"]["name"] == "Anna Kowal"
    html = (
        f"<html><head><title>T</title></head><body><article><p>{text}</p></article></body></html>"
    )
    response = analyze_client.post("/api/analyze", json={"html": html})
    assert response.status_code == 200, response.text
    assert "Anna Kowal" in response.json()["text"]
    files = {"file": ("story.txt", text.encode(), "text/plain")}
    response = analyze_client.post(
        "/api/analyze/file", files=files, data={"published": "2024-03-04"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["source"] == "story.txt" and response.json()["quotes"]


def test_analyze_bad_bodies(analyze_client: TestClient) -> None:
    _error(analyze_client.post("/api/analyze", json={}), 422, "invalid")
    _error(analyze_client.post("/api/analyze", json={"text": "a", "html": "b"}), 422)
    _error(analyze_client.post("/api/analyze", json={"text": "a", "extra": 1}), 422)
    _error(analyze_client.post("/api/analyze", json={"text": "a", "published": "soon"}), 422)
    _error(analyze_client.post("/api/analyze", json={"text": "a", "published": 0}), 422)
    _error(analyze_client.post("/api/analyze", json={"html": "<p></p>"}), 422, "invalid")
    broken = analyze_client.post(
        "/api/analyze", content=b'{"text": ', headers={"content-type": "application/json"}
    )
    assert broken.status_code in (400, 422)
    _error(broken, broken.status_code)


def test_bodies_over_the_limit_are_refused(analyze_client: TestClient) -> None:
    big = "x" * 30_000
    _error(analyze_client.post("/api/analyze", json={"text": big}), 413, "too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        yield b'{"text": "'
        for _ in range(40):
            yield b"y" * 1000
        yield b'"}'

    response = analyze_client.post(
        "/api/analyze", content=chunks(), headers={"content-type": "application/json"}
    )
    _error(response, 413, "too_large")
    files = {"file": ("big.txt", b"z" * 30_000, "text/plain")}
    _error(analyze_client.post("/api/analyze/file", files=files), 413, "too_large")


# --- security ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/articles", "/api/articles/nope", "/openapi.json", "/api/figures"]
)
def test_security_headers(client: TestClient, url: str) -> None:
    headers = client.get(url).headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"


def test_read_only(client: TestClient) -> None:
    for method in ("DELETE", "PUT", "PATCH"):
        response = client.request(method, "/api/articles")
        assert response.status_code in (403, 405), (method, response.status_code)
        _error(response, response.status_code)
    _error(client.post("/api/articles"), 405, "method_not_allowed")


def test_unknown_host_and_cross_origin_posts(
    client: TestClient, make_app: Callable[..., Any]
) -> None:
    _error(client.get("/api/articles", headers={"host": "evil.example"}), 400, "bad_host")
    assert client.get("/api/articles", headers={"host": "127.0.0.1:8765"}).status_code == 200
    assert client.get("/api/articles", headers={"host": "localhost"}).status_code == 200
    with TestClient(make_app(allowed_hosts=("*",))) as anywhere:
        assert anywhere.get("/api/articles", headers={"host": "box.lan"}).status_code == 200
    with TestClient(make_app(allow_analyze=True)) as analyse:
        response = analyse.post(
            "/api/analyze", json={"text": "x"}, headers={"origin": "https://evil.example"}
        )
        _error(response, 403, "forbidden")


def test_unexpected_errors_hide_the_details(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from onrecord.web import queries

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail /etc/passwd")

    monkeypatch.setattr(queries, "article_page", explode)
    response = client.get("/api/articles")
    error = _error(response, 500, "internal")
    assert "secret" not in response.text and "passwd" not in error["message"]
    assert response.headers["content-security-policy"]


def test_openapi_documents_every_route(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/articles",
        "/api/articles/{document_id}",
        "/api/quotes",
        "/api/speakers",
        "/api/speakers/{name}",
        "/api/outlets",
        "/api/figures",
        "/api/entities",
        "/api/analyze",
        "/api/analyze/file",
    ):
        assert path in paths, path
    errors = paths["/api/quotes"]["get"]["responses"]
    assert errors["422"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorResponse")
    assert "400" in errors
    assert client.get("/docs").status_code == 404  # the Swagger page needs inline script


def test_a_missing_or_foreign_database_is_refused(tmp_path: Path) -> None:
    from onrecord.store import StoreError
    from onrecord.web.app import create_app

    with pytest.raises(StoreError):
        create_app(tmp_path / "missing.db")
    (tmp_path / "text.db").write_text("not a database")
    with pytest.raises(StoreError):
        create_app(tmp_path / "text.db")


# --- onrecord serve ------------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    from onrecord import cli_web

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(cli_web, "_run", lambda app, **kw: calls.append({"app": app, **kw}))
    return calls


def test_serve_binds_loopback_by_default(corpus_db: Path, served: list[dict[str, Any]]) -> None:
    from onrecord.cli import app

    result = CliRunner().invoke(app, ["serve", "--db", str(corpus_db)])
    assert result.exit_code == 0, result.output
    assert served[0]["host"] == "127.0.0.1" and served[0]["port"] == 8765
    assert "warning" not in result.output
    web = served[0]["app"]
    assert web.state.allow_analyze is False and web.state.max_body == 2 * 1024 * 1024


def test_serve_warns_off_loopback(corpus_db: Path, served: list[dict[str, Any]]) -> None:
    from onrecord.cli import app

    result = CliRunner().invoke(
        app,
        ["serve", "--db", str(corpus_db), "--host", "0.0.0.0", "--port", "9000",
         "--allow-analyze", "--max-body", "1000"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and "0.0.0.0" in result.output
    assert served[0]["host"] == "0.0.0.0" and served[0]["port"] == 9000
    assert served[0]["app"].state.allow_analyze is True
    assert served[0]["app"].state.max_body == 1000


def test_serve_refuses_a_missing_database(tmp_path: Path, served: list[dict[str, Any]]) -> None:
    from onrecord.cli import app

    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and not served
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("onrecord: error:") and "none.db" in lines[0]


def test_the_pool_hands_out_read_only_connections(app: Any) -> None:
    import sqlite3
    from concurrent.futures import ThreadPoolExecutor

    pool = app.state.pool
    corpus = pool.acquire()
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            corpus.conn.execute("DELETE FROM documents")
    finally:
        pool.release(corpus)

    def count(_: int) -> int:
        held = pool.acquire()
        try:
            return int(held.conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        finally:
            pool.release(held)

    with ThreadPoolExecutor(8) as threads:
        assert set(threads.map(count, range(64))) == {10}
    assert pool._idle.qsize() <= pool.size


def test_concurrent_requests(client: TestClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    urls = ["/api/articles", "/api/quotes?limit=5", "/api/speakers", "/api/outlets"] * 8
    with ThreadPoolExecutor(8) as threads:
        statuses = set(threads.map(lambda url: client.get(url).status_code, urls))
    assert statuses == {200}


@pytest.mark.parametrize(
    "params",
    [{}, {"contains": "said"}, {"kind": "direct"}, {"speaker": "a"}, {"outlet": "meridian times"}],
)
def test_every_way_of_reading_a_page_agrees(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, params: dict[str, Any]
) -> None:
    """Small pages are read directly, deep ones and searches from a remembered order, big
    lists in date order: the same items in the same order whichever way."""
    from onrecord.web import queries

    def read(path: str) -> list[Any]:
        return [
            (item.get("document_id"), item.get("quote_id"), item.get("id"))
            for item in _pages(
                client, f"{path}?limit=7&" + "&".join(f"{k}={v}" for k, v in params.items())
            )
        ]

    direct = read("/api/quotes")
    articles = read("/api/articles") if set(params) <= {"outlet"} else None
    monkeypatch.setattr(queries, "_DIRECT_PAGES", 0)
    assert read("/api/quotes") == direct
    if articles is not None:
        assert read("/api/articles") == articles
    monkeypatch.setattr(queries, "_DIRECT_PAGES", 10**9)
    monkeypatch.setattr(queries, "_DATE_ORDER_FROM", 0)
    assert read("/api/quotes") == direct
    assert len(direct) == client.get("/api/quotes", params=params).json()["total"]


def test_words_to_find_need_a_letter_or_digit_of_any_script(client: Any) -> None:
    assert client.get("/api/quotes", params={"contains": "!!!"}).status_code == 422
    for words in ("harbour", "Gaza", "غزة", "é", "\u0300"):
        assert client.get("/api/quotes", params={"contains": words}).status_code == 200
