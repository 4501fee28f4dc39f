"""The frame lexicon and its trigger matcher."""

from graph import data
from graph.extract.frames import FrameMatcher, lexicon
from graph.nlp import load_nlp


def test_lexicon_reads_every_frame_of_the_data_file():
    raw = data.load("frames")
    more = {k for group in ("clause_frames", "role_frames") for k in raw[group] if not k.startswith("_")}
    lex = lexicon()
    assert set(lex.frames) == set(raw["frames"]) | more
    assert lex.frames["Visit"].reach("arrive") == tuple(raw["role_frames"]["Visit"]["verbs"]["arrive"])
    raw = raw["frames"]
    assert lex.frames["Ratification"].verbs == tuple(raw["Ratification"]["verbs"])
    assert lex.instrument_kinds["accession"] == "Accession"


def _triggers(text: str) -> list[tuple[str, str, str]]:
    nlp = load_nlp()
    doc = nlp(text)
    return [(t.frame.event, t.form, t.token.text) for t in FrameMatcher(nlp.vocab).match(doc[:])]


def test_verbs_nouns_and_agent_nouns_trigger_their_frames():
    assert ("Ratification", "verb", "ratified") in _triggers("Peru ratified the Andes Water Pact.")
    assert ("Accession", "noun", "accession") in _triggers("Peru's accession to the Andes Water Pact was welcomed.")
    assert ("Signing", "agent_noun", "signatories") in _triggers("The signatories of the pact met in Lima.")


def test_prepositions_of_several_words_trigger_with_their_extent():
    nlp = load_nlp()
    doc = nlp("Peru acted pursuant to Article 4 of the Andes Water Pact.")
    [trig] = [t for t in FrameMatcher(nlp.vocab).match(doc[:]) if t.form == "prep"]
    assert (trig.frame.event, doc[trig.token.i:trig.end].text) == ("Invocation", "pursuant to")


def test_visits_and_meetings_are_frames_too():
    assert ("Visit", "noun", "visit") in _triggers("Her visit to Lima ended on Monday.")
    assert ("Meeting", "noun", "talks") in _triggers("The talks with the envoy ended on Monday.")


def test_words_outside_the_lexicon_trigger_nothing():
    assert _triggers("Peru praised the Andes Water Pact in Lima.") == []
