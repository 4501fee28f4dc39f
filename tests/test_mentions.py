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


# --------------------------------------------------------------------------- rules, on invented sentences

from datetime import date  # noqa: E402

from graph.documents import document_from_text  # noqa: E402
from graph.extract import extract  # noqa: E402


def mentions_of(text: str) -> list[Mention]:
    return extract(document_from_text("t.txt", text, date(2031, 4, 2))).mentions


def named(text: str, cls: str) -> set[str]:
    return {m.display for m in mentions_of(text) if m.cls == cls and m.key}


def test_names_stop_at_line_breaks():
    found = mentions_of("Harbour Talks Resume\nOrlan Vesk met the envoy in Lagos on Monday.")
    assert not any("\n" in m.text for m in found)


def test_formal_between_name_carries_its_parties():
    found = [m for m in mentions_of("Officials recalled the Treaty Between the Republic of Ghana and the Republic "
                                    "of Togo Relating to Border Markers, signed long ago.") if m.cls == "Treaty"]
    assert any(set(m.parties) == {"Ghana", "Togo"} for m in found)


def test_a_list_of_conventions_is_split():
    found = named("Both states joined the Convention on Migratory Seabirds and the Convention on Reef Fisheries "
                  "last year.", "Treaty")
    assert len(found) == 2


def test_honorific_heads_a_person():
    people = named("Yesterday Mrs. Anika Dorrell, the envoy, met Ms Leena Varsh in Accra.", "Person")
    assert {"Anika Dorrell", "Leena Varsh"} <= people


def test_place_by_geographic_head_word():
    assert "Korvel Reef" in named("Patrol boats gathered near Korvel Reef on Tuesday.", "Place")


def test_common_noun_body_is_dropped():
    assert "Council" not in named("The Council met on Friday and adjourned.", "Organization")


def test_acronym_in_brackets_names_the_same_body():
    found = [m for m in mentions_of("The Coastal Fisheries Authority (CFA) met in Accra. The CFA then adjourned.")
             if m.text == "CFA"]
    assert len({m.key for m in found}) == 1 and all(m.cls == "Organization" for m in found)


def test_names_after_a_plural_title_are_people():
    people = named("The text was signed by Trade Ministers Idris Valkenholm of Ghana and Soraya Quentaro of Peru.",
                   "Person")
    assert {"Idris Valkenholm", "Soraya Quentaro"} <= people
    assert not any(" of " in p for p in people)


def test_a_person_known_by_title_and_surname_is_found_under_the_full_name_too():
    people = named("Ghana's envoy to Austria, Kwesi Amankwaah, handed over the instrument. Later, "
                   "Ambassador Amankwaah thanked the hosts.", "Person")
    assert "Kwesi Amankwaah" in people
    # A title or a state before the surname is no given name.
    assert not named("Ambassador Amankwaah and Ghana Amankwaah met.", "Person") & {"Ghana Amankwaah"}


def test_the_first_words_of_a_title_are_no_body():
    assert not named("Ghanaian National Defence Minister Kofi Adansi signed it.", "Organization")
    assert "Foreign Ministry" in " ".join(named("The Ghanaian Foreign Ministry spokesman Kofi Adansi spoke.",
                                                "Organization"))


def test_a_dateline_city_is_a_place():
    for city in ("MARSEILLE", "HAMBURG"):
        text = f"Ports to reopen\n\n{city} (WCNA) – An agreement was signed on Friday by Kofi Adansi."
        assert city.title() in named(text, "Place")
        assert not named(text, "Organization") & {city, city.title()}


def test_title_case_headline_words_after_a_title_are_not_a_person():
    people = named("Foreign Minister Hails Historic Border Deal\nThe minister spoke in Accra on Monday.", "Person")
    assert not people


def test_descriptive_lower_case_treaty_names():
    found = named("Ghana and Togo signed the long-awaited extradition treaty and a new free trade agreement.",
                  "Treaty")
    assert {"Extradition Treaty", "Free Trade Agreement"} <= found


def test_contracts_and_bare_qualities_are_not_treaties():
    assert not named("The firm signed a loan agreement and a historic agreement with the bank.", "Treaty")


def test_a_first_name_the_tagger_dropped_is_kept():
    # The tagger sometimes reads a first name as a nationality and starts the name after it: set the
    # entities so, on a real parse, and the mention still takes the whole name.
    from spacy.tokens import Span

    from graph.extract.mentions import _spacy_mentions
    from graph.nlp import load_nlp

    doc = load_nlp()("The accord was signed by his Togolese counterpart Odette Abla Kpodar and was witnessed "
                     "by the envoy.")
    first = next(t.i for t in doc if t.text == "Odette")
    doc.ents = [Span(doc, first, first + 1, "NORP"), Span(doc, first + 1, first + 3, "PERSON")]
    assert "Odette Abla Kpodar" in {m.display for m in _spacy_mentions(doc) if m.cls == "Person"}


def test_a_state_s_capital_by_demonym_is_that_city():
    assert "Accra" in named("The envoy flew on to the Ghanaian capital the next day.", "Place")


def test_article_subdivisions_stay_with_their_article_and_its_treaty():
    found = [m for m in mentions_of("The council acted in line with Article 4(p) of the Keta Fisheries Accord and "
                                    "Article XI:2(a) of the Reef Charter.") if m.cls == "Article"]
    assert [(m.number, m.treaty is not None) for m in found] == [("4", True), ("11", True)]


def test_a_body_s_officer_is_not_a_body():
    found = named("Jan Kowalski, the Council of Europe's Secretary General, arrived in Lome.", "Organization")
    assert found == {"Council of Europe"}


def test_a_title_after_a_name_makes_it_a_person_whatever_the_title():
    assert "Moussa Abakar Tchiroma" in named("\u201cWe are ready,\u201d said Moussa Abakar Tchiroma, chairperson of "
                                             "the Keta Commission.", "Person")
