"""Property tests: on hostile text, analysis never raises and every span is exact."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import onrecord
from tests.conftest import assert_offsets

QUOTE_MARKS = list("\"'“”‘’«»„‹›「」") + [
    "\n",
    "\n\n",
    " said ",
    " she said, ",
    ": ",
    "according to ",
]
WORDS = [
    "We",
    "will",
    "rebuild",
    "Varga",
    "Holt",
    "the",
    "dam",
    "Gaza’s",
    "won’t",
    "’90s",
    ".",
    ",",
    "he",
    "told",
]

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(QUOTE_MARKS),
        st.sampled_from(WORDS),
        st.text(
            min_size=1, max_size=6
        ),  # arbitrary unicode: combining marks, surrogates-free, controls
    ),
    max_size=60,
).map(" ".join)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(hostile_text)
def test_analysis_never_raises_and_offsets_hold(text: str) -> None:
    record = onrecord.analyze(text)
    data = json.loads(record.to_json())
    assert data["text"] == text
    assert_offsets(data)
    for quote in data["quotes"]:
        for part in quote["content_parts"]:
            assert (
                quote["content"]["start"] <= part["start"] <= part["end"] <= quote["content"]["end"]
            )
