"""Per-outlet log-odds recovery: does ``onrecord terms`` find the words each outlet's own voice
favours, and only those (never the words of the people it quotes)?

    python -m eval.framing_outlets          # the table
    python -m eval.framing_outlets --json   # the numbers (``recovery()``), for eval.framing

A seeded generator writes a small multi-outlet corpus of flood-and-border stories. Each
generated outlet's **narrator** sentences carry five planted words of its own ("regime",
"militants" ...; no other outlet uses them), and its **quotes** (direct, and indirect
"X said the ... had to end") carry four other planted words of its own, more often than the
narrator words, that its narrator never uses ("treachery", "cowardice" ...). Half of the articles also use one planted word of another
outlet once, so that a planted word is distinctive, not exclusive. Shared filler
sentences give every outlet the same background vocabulary.

The bundled examples (examples/articles, five outlets; Valley Wire's one article is a copy
of another outlet's story) are ingested with them, unchanged: no terms are planted into them.
Their outlets have three documents at most and a few hundred narrator words each, too few
for a planted word to mean anything, so they are background text the generated outlets are
measured against (real sentences, real quotes for the quote finder); their top-10s are
reported and checked for quote leaks against the gold quotes of eval/data/examples_gold.jsonl
(words that occur only inside gold quotes of the examples), but not scored for recovery.

Everything is analysed by the real pipeline and stored by ``onrecord.store.ingest`` in a
temporary SQLite database, so quote exclusion rests on the quotes the pipeline finds. The
control run counts the quotes too: the quoted-only words then do enter the top-10s, which
shows the check can fail.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
GOLD = Path(__file__).resolve().parent / "data" / "examples_gold.jsonl"

SEED = 8
ARTICLES_PER_OUTLET = 10
#: Narrator sentences with a planted word per article (quotes with a quoted-only word: 3).
PLANTED_PER_ARTICLE = 3
#: Share of articles with one narrator sentence that uses another outlet's planted word.
BORROW = 0.5
TOP = 10
#: ``--min-count`` of the evaluation (the generated outlets have ~1,000 narrator words each).
MIN_COUNT = 3

#: Per generated outlet: the narrator's planted words, and the words only its quotes use.
OUTLETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Ashgrove Tribune": (
        ("regime", "militants", "incursion", "crackdown", "hardliners"),
        ("treachery", "scoundrels", "cowardice", "betrayal"),
    ),
    "Brackwater Post": (
        ("insurgents", "unrest", "pacification", "separatists", "provocation"),
        ("heroes", "glorious", "triumph", "valiant"),
    ),
    "Calder Evening News": (
        ("occupation", "resistance", "annexation", "expulsion", "siege"),
        ("lies", "hypocrisy", "shameful", "disgrace"),
    ),
    "Dunlin Bay Herald": (
        ("reforms", "stability", "modernisation", "prosperity", "partnership"),
        ("nonsense", "hysteria", "fabrication", "propaganda"),
    ),
}

_PLACES = (
    "Kessbrook",
    "Mirrow",
    "Lorn Bridge",
    "Sorvik",
    "Haldra",
    "Tessel",
    "Varn",
    "Oddly Cross",
    "Pellam",
    "Greywater",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORDINALS = ("second", "third", "fourth", "fifth", "sixth")
_FIRST = ("Anna", "Piet", "Marta", "Jonas", "Ilse", "Tomas", "Vera", "Karl", "Sanne", "Emil")
_LAST = ("Holm", "Varga", "Rask", "Oster", "Dobrin", "Laske", "Brenner", "Quist", "Moll", "Sorel")
_ROLES = (
    "a local councillor",
    "a farmer",
    "a spokesman for the ministry",
    "a teacher",
    "an engineer",
    "a shopkeeper",
)

#: Shared narrator sentences (no reporting verbs: they are the outlet's own voice).
_FILLER = (
    "Rescue crews reached {place} early on {day} after the water began to fall.",
    "Roads into {place} stayed closed for a {ordinal} day, and lorries queued at the bridge.",
    "Volunteers in {place} stacked sandbags along the river wall through the night.",
    "The reservoir above {place} held less water on {day} than at any time this month.",
    "Families from the lower streets of {place} spent the night in the school gymnasium.",
    "Power returned to parts of {place} on {day} evening, though many homes remained dark.",
    "Bakeries in {place} opened their ovens to neighbours whose kitchens were flooded.",
    "A convoy of tankers carrying drinking water crossed into {place} before dawn.",
    "The border crossing near {place} reopened on {day} for aid lorries only.",
    "Engineers inspected the cracked embankment east of {place} from a boat.",
    "Farmland around {place} lay under brown water for a {ordinal} day.",
    "Church bells in {place} rang at noon for the people who died.",
    "Ferries across the lower river stopped running on {day} because of debris.",
    "Schools in {place} will stay shut until the end of the week.",
    "Helicopters ferried medicine to villages above {place} that no road reaches.",
    "Prices of bread and fuel in {place} doubled within two days.",
)
#: Narrator sentences that carry a planted word ``{term}``.
_PLANTED = (
    "The {term} in {place} entered a {ordinal} day on {day}.",
    "Reporters in {place} saw fresh signs of the {term} on {day}.",
    # not "Talk of the {term} filled the cafés": the quote finder reads "Talk of" as a cue
    "Posters about the {term} covered the walls of {place} on {day} evening.",
    "Shops in {place} closed early as the {term} spread along the river.",
    "The {term} has shaped life in {place} since the dam gave way.",
)
#: Quotes that carry a quoted-only word ``{q}``: direct (with the speaker after), or indirect.
_DIRECT = (
    "“What we have seen this week is {q}, nothing less,” {name}, {role}, said.",
    "“Nobody here will forget this {q},” said {name}, {role}.",
    "“Everyone in {place} can see the {q} for what it is,” {name} said on {day}.",
    "“There has been {q} from the first hour, and we will say so,” {name}, {role}, told reporters.",
)
_INDIRECT = (
    "{name}, {role}, said the {q} had to end before the talks could start.",
    "{name} told reporters that the {q} of the past week would not be forgotten in {place}.",
)


def _sentence(rng: random.Random, template: str, **slots: str) -> str:
    values = {
        "place": rng.choice(_PLACES),
        "day": rng.choice(_DAYS),
        "ordinal": rng.choice(_ORDINALS),
        "name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "role": rng.choice(_ROLES),
    }
    values.update(slots)
    return template.format(**values)


def _rotation(rng: random.Random, words: Sequence[str], total: int) -> Iterator[str]:
    """``total`` words, each of ``words`` equally often (give or take one), shuffled."""
    order = [words[k % len(words)] for k in range(total)]
    rng.shuffle(order)
    return iter(order)


def generate(folder: Path, *, seed: int = SEED, per_outlet: int = ARTICLES_PER_OUTLET) -> int:
    """Write the generated articles and their metadata.tsv into ``folder``; returns how many."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["file\toutlet\tpublished\ttitle"]
    written = 0
    for o, (outlet, (planted, quoted)) in enumerate(OUTLETS.items()):
        # every planted word as often as the others (6 times in 10 articles), in a seeded order
        terms = _rotation(rng, planted, per_outlet * PLANTED_PER_ARTICLE)
        said = _rotation(rng, quoted, per_outlet * 3)
        for i in range(per_outlet):
            sentences = [_sentence(rng, t) for t in rng.sample(_FILLER, 6)]  # the shared background
            sentences += [
                _sentence(rng, rng.choice(_PLANTED), term=next(terms))
                for _ in range(PLANTED_PER_ARTICLE)
            ]
            if rng.random() < BORROW:  # distinctive, not exclusive: another outlet's word
                other = rng.choice([p for name, (p, _) in OUTLETS.items() if name != outlet])
                sentences.append(_sentence(rng, rng.choice(_PLANTED), term=rng.choice(other)))
            quotes = [_sentence(rng, rng.choice(_DIRECT), q=next(said)) for _ in range(2)]
            quotes.append(_sentence(rng, rng.choice(_INDIRECT), q=next(said)))
            rng.shuffle(sentences)
            for quote in quotes:  # each quote its own paragraph, among the narrator's
                sentences.insert(rng.randrange(1, len(sentences) + 1), quote)
            paragraphs = []
            while sentences:
                take = 1 if sentences[0].startswith("“") else rng.choice((1, 2))
                paragraphs.append(" ".join(sentences[:take]))
                sentences = sentences[take:]
            title = f"Flood and border news from {rng.choice(_PLACES)}, part {i + 1}"
            name = f"gen-{o}-{i:02d}.txt"
            (folder / name).write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n")
            rows.append(f"{name}\t{outlet}\t2024-03-{4 + i % 20:02d}\t{title}")
            written += 1
    (folder / "metadata.tsv").write_text("\n".join(rows) + "\n")
    return written


def _gold_quoted_only() -> set[str]:
    """Words of the examples that occur inside gold quotes and nowhere in their narrator text."""
    from onrecord.store.terms import narrator_spans, tokens

    quoted_words: Counter[str] = Counter()
    narrator_words: Counter[str] = Counter()
    by_file: dict[str, list[dict[str, Any]]] = {}
    for line in GOLD.read_text().splitlines():
        if line.strip():
            item = json.loads(line)
            by_file.setdefault(item["file"], []).append(item)
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text()
        cuts: list[tuple[int, int]] = []
        for item in by_file.get(path.name, []):
            if "content" not in item:  # a "not_a_quote" line: narrator text
                continue
            for part in item.get("content_parts") or [item["content"]]:
                at = text.find(part)
                if at >= 0:
                    cuts.append((at, at + len(part)))
                    quoted_words.update(tokens(part))
        for start, end in narrator_spans(len(text), [], cuts):
            narrator_words.update(tokens(text[start:end]))
    return set(quoted_words) - set(narrator_words)


def recovery(*, seed: int = SEED, per_outlet: int = ARTICLES_PER_OUTLET) -> dict[str, Any]:
    """Generate, ingest (with the examples) into a temporary database, and measure: per
    generated outlet, the share of its planted narrator words in its top-10 and any quoted-only
    word in it; the same with quotes counted (control); the examples' top-10s and leaks."""
    from onrecord.store import ingest, open_corpus
    from onrecord.store.terms import distinctive_terms, log_odds, narrator_counts

    started = time.perf_counter()
    quoted_only = {w for _, quoted in OUTLETS.values() for w in quoted}
    result: dict[str, Any] = {"seed": seed, "top": TOP, "min_count": MIN_COUNT}
    with tempfile.TemporaryDirectory(prefix="onrecord-framing-outlets-") as tmp:
        folder = Path(tmp) / "generated"
        generated = generate(folder, seed=seed, per_outlet=per_outlet)
        db = str(Path(tmp) / "corpus.db")
        stats = ingest([folder, EXAMPLES], db)
        ingest_seconds = time.perf_counter() - started
        outlets: dict[str, Any] = {}
        examples: dict[str, Any] = {}
        gold_only = _gold_quoted_only()
        with open_corpus(db) as corpus:
            counts = narrator_counts(corpus.conn, corpus.path)
            with_quotes = narrator_counts(corpus.conn, corpus.path, include_quotes=True)
            prior: Counter[str] = Counter()
            for counter in with_quotes.counts.values():
                prior.update(counter)
            for outlet, (planted, _) in OUTLETS.items():
                found = distinctive_terms(
                    corpus.conn, corpus.path, outlet, limit=None, min_count=MIN_COUNT
                )
                ranks = {r.term: rank for rank, r in enumerate(found.rows, 1)}
                top = [r.term for r in found.rows[:TOP]]
                # control: the same statistic over the whole body, quotes counted
                mine = with_quotes.counts.get(outlet, Counter())
                rest = prior.copy()
                rest.subtract(mine)
                scores = log_odds(mine, +rest, prior, min_count=MIN_COUNT)
                control = [
                    t for t, _ in sorted(scores.items(), key=lambda kv: (-kv[1][1], kv[0]))[:TOP]
                ]
                outlets[outlet] = {
                    "documents": found.documents_a,
                    "narrator_words": found.tokens_a,
                    "planted": list(planted),
                    "top10": top,
                    "z": [r.z for r in found.rows[:TOP]],
                    # rank among the terms with z > 0 (None: not among them)
                    "planted_ranks": {w: ranks.get(w) for w in planted},
                    "recovered": round(len(set(planted) & set(top)) / len(planted), 3),
                    "quoted_only_in_top10": sorted(quoted_only & set(top)),
                    "control_quoted_only_in_top10": sorted(quoted_only & set(control)),
                    # uses of the outlet's quoted-only words still counted as narrator text
                    # (quotes the pipeline missed), of all their uses
                    "quoted_only_uses_counted": sum(
                        counts.counts.get(outlet, Counter())[w] for w in OUTLETS[outlet][1]
                    ),
                    "quoted_only_uses": sum(mine[w] for w in OUTLETS[outlet][1]),
                    # uses of its planted narrator words counted (not taken for quotes)
                    "planted_uses_counted": sum(
                        counts.counts.get(outlet, Counter())[w] for w in planted
                    ),
                    "planted_uses": sum(mine[w] for w in planted),
                }
            for outlet in counts.outlet_names():
                if outlet in OUTLETS or not counts.documents.get(outlet):
                    continue
                found = distinctive_terms(
                    corpus.conn, corpus.path, outlet, limit=TOP, min_count=MIN_COUNT
                )
                top = [r.term for r in found.rows]
                examples[outlet] = {
                    "documents": found.documents_a,
                    "narrator_words": found.tokens_a,
                    "top10": top,
                    "gold_quoted_only_in_top10": sorted(gold_only & set(top)),
                }
            copies = counts.copies_skipped
    shares = [o["recovered"] for o in outlets.values()]
    result.update(
        {
            "generated_documents": generated,
            "ingested": stats.inserted,
            "failed": stats.failed,
            "copies_skipped": copies,
            "mean_recovery": round(sum(shares) / len(shares), 3),
            "min_recovery": min(shares),
            "quoted_only_leaks": sum(len(o["quoted_only_in_top10"]) for o in outlets.values()),
            "control_quoted_only_leaks": sum(
                len(o["control_quoted_only_in_top10"]) for o in outlets.values()
            ),
            "examples_gold_quoted_only_leaks": sum(
                len(o["gold_quoted_only_in_top10"]) for o in examples.values()
            ),
            "outlets": outlets,
            "examples": examples,
            "ingest_seconds": round(ingest_seconds, 1),
            "seconds": round(time.perf_counter() - started, 1),
        }
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    found = recovery(seed=args.seed)
    if args.json:
        print(json.dumps(found, indent=2, ensure_ascii=False))
        return 0
    print(
        f"Per-outlet narrator log-odds (seed {found['seed']}, top-{TOP}, min count "
        f"{MIN_COUNT}; {found['generated_documents']} generated articles + the examples, "
        f"{found['seconds']} s)"
    )
    for outlet, o in found["outlets"].items():
        print(
            f"  {outlet:<22} planted in top-{TOP}: {o['recovered']:.0%}  "
            f"quoted-only in top-{TOP}: {len(o['quoted_only_in_top10'])} "
            f"(quotes counted: {len(o['control_quoted_only_in_top10'])}; uses left in narrator "
            f"text: {o['quoted_only_uses_counted']}/{o['quoted_only_uses']}; planted uses "
            f"counted: {o['planted_uses_counted']}/{o['planted_uses']})  "
            f"top: {', '.join(o['top10'])}"
        )
        missed = {w: r for w, r in o["planted_ranks"].items() if r is None or r > TOP}
        if missed:
            print(f"  {'':<22} planted words outside the top-{TOP} (rank): {missed}")
    print(
        f"  mean recovery {found['mean_recovery']:.0%}, lowest {found['min_recovery']:.0%}; "
        f"quoted-only words in a top-{TOP}: {found['quoted_only_leaks']} "
        f"(with quotes counted: {found['control_quoted_only_leaks']})"
    )
    print("Examples (no planted terms; gold quoted-only words must not appear):")
    for outlet, o in found["examples"].items():
        leaks = ", ".join(o["gold_quoted_only_in_top10"]) or "none"
        print(
            f"  {outlet:<22} {o['documents']} docs, {o['narrator_words']} words; "
            f"leaks: {leaks}; top: {', '.join(o['top10'])}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
