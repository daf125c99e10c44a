"""Check eval/data/examples_gold.jsonl against the example articles.

Run from anywhere:  python examples/check_gold.py [ARTICLES_DIR GOLD_JSONL]
(with two arguments it checks another gold set, e.g. eval/data/speaker_cases).

For every gold quote it verifies that the content (and each content part, the
cue and the local source mention) occurs verbatim in the article, in reading
order, and that the content of a direct quote sits between quote marks. For
the HTML page the article paragraphs (<p> inside the entry content) are used.
Every `not_a_quote` string must occur in the file too, right after a quote
mark, so that the trap it names is really there. Exits 1 on any problem.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "articles"
GOLD = HERE.parent / "eval" / "data" / "examples_gold.jsonl"

KINDS = {"direct", "indirect", "mixed"}
SPEAKER_TYPES = {"PERSON", "ORG", "GPE", "MEDIA", "ANONYMOUS", "GROUP"}
OPENING = '"“‘«„'
CLOSING = '"”’»“'


class _Paragraphs(HTMLParser):
    """Collect the text of <p> elements inside <div class="entry-content">."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.all_text: list[str] = []
        self._depth = 0  # div depth inside entry-content, 0 = outside
        self._in_p = False
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and (self._depth or "entry-content" in classes):
            self._depth += 1
        elif tag == "p" and self._depth:
            self._in_p, self._buf = True, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._depth:
            self._depth -= 1
        elif tag == "p" and self._in_p:
            self.paragraphs.append("".join(self._buf))
            self._in_p = False

    def handle_data(self, data: str) -> None:
        self.all_text.append(data)
        if self._in_p:
            self._buf.append(data)


def load_text(path: Path) -> tuple[str, str]:
    """Return (body text used for quotes, whole visible text used for traps)."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix in {".html", ".htm"}:
        parser = _Paragraphs()
        parser.feed(raw)
        return "\n\n".join(parser.paragraphs), "".join(parser.all_text)
    return raw, raw


def check() -> list[str]:
    errors: list[str] = []
    cursor: dict[str, int] = {}
    texts: dict[str, tuple[str, str]] = {}
    counts: Counter[str] = Counter()
    traps: Counter[str] = Counter()
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    for lineno, line in enumerate(lines, 1):
        rec = json.loads(line)
        where = f"{GOLD.name}:{lineno}"
        name = rec["file"]
        path = ARTICLES / name
        if not path.is_file():
            errors.append(f"{where}: no such article {name}")
            continue
        body, everything = texts.setdefault(name, load_text(path))

        if "not_a_quote" in rec:
            trap = rec["not_a_quote"]
            pos = everything.find(trap)
            if pos < 0:
                errors.append(f"{where}: trap {trap!r} not in {name}")
            elif pos == 0 or everything[pos - 1] not in OPENING:
                errors.append(f"{where}: trap {trap!r} is not in quote marks")
            traps[name] += 1
            continue

        counts[name] += 1
        if rec.get("kind") not in KINDS:
            errors.append(f"{where}: bad kind {rec.get('kind')!r}")
        if rec.get("speaker_type") not in SPEAKER_TYPES:
            errors.append(f"{where}: bad speaker_type {rec.get('speaker_type')!r}")
        for field in ("content", "cue", "source", "speaker"):
            if not rec.get(field):
                errors.append(f"{where}: missing {field}")
        parts = rec.get("content_parts", [rec["content"]])
        if parts[0] != rec["content"]:
            errors.append(f"{where}: content_parts[0] differs from content")

        # parts must follow one another, and quotes must come in reading order
        start = cursor.get(name, 0)
        for i, part in enumerate(parts):
            pos = body.find(part, start)
            if pos < 0:
                why = "not found" if part not in body else "out of reading order"
                errors.append(f"{where}: {why}: {part!r}")
                break
            end = pos + len(part)
            # a paragraph of a multi-paragraph quote ends without a closing mark
            closer = CLOSING + "\n" if i < len(parts) - 1 else CLOSING
            if rec["kind"] == "direct" and (
                pos == 0
                or body[pos - 1] not in OPENING
                or end >= len(body)
                or body[end] not in closer
            ):
                errors.append(f"{where}: direct content not between quote marks: {part!r}")
            if i == 0:
                cursor[name] = pos + 1
            start = end
        for field in ("cue", "source"):
            if rec.get(field) and rec[field] not in body:
                errors.append(f"{where}: {field} {rec[field]!r} not in {name}")

    for name in sorted(texts):
        print(f"{counts[name]:3d} quotes {traps[name]:2d} traps  {name}")
    print(f"{sum(counts.values()):3d} quotes {sum(traps.values()):2d} traps  total")
    return errors


def main() -> int:
    global ARTICLES, GOLD
    if len(sys.argv) == 3:
        ARTICLES, GOLD = Path(sys.argv[1]), Path(sys.argv[2])
    errors = check()
    for err in errors:
        print("ERROR", err, file=sys.stderr)
    print("OK: every gold string occurs verbatim" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
