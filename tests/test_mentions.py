"""Mention finding (graph/extract/mentions.py): names, their classes and keys, on sentences written for these tests."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graph.extract.mentions import Mention, SpanIndex

# --------------------------------------------------------------------------- span index

spans = st.lists(st.tuples(st.integers(0, 200), st.integers(1, 40)), max_size=60)


def _mention(start: int, length: int) -> Mention:
    return Mention(start, start + length, "x" * length, "Person", "x", "x", "test")


@given(spans, st.integers(0, 240), st.integers(1, 30))
def test_span_index_finds_exactly_the_overlapping_mentions(items, start, length):
    mentions = [_mention(s, n) for s, n in items]
    index = SpanIndex(mentions)
    want = {id(m) for m in mentions if m.start < start + length and start < m.end}
    assert {id(m) for m in index.overlapping(start, start + length)} == want
    assert index.free(_mention(start, length)) == (not want)


@given(spans, st.integers(0, 240), st.integers(1, 30))
def test_span_index_follows_mentions_that_shrink(items, start, length):
    mentions = [_mention(s, n) for s, n in items]
    index = SpanIndex(mentions)
    for m in mentions[::2]:
        m.end = m.start + max(1, (m.end - m.start) // 2)  # an organisation name cut before a person
    want = {id(m) for m in mentions if m.start < start + length and start < m.end}
    assert {id(m) for m in index.overlapping(start, start + length)} == want
