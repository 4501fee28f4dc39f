"""The frame lexicon and its trigger matcher."""

from graph import data
from graph.extract.frames import FrameMatcher, lexicon
from graph.nlp import load_nlp


def test_lexicon_reads_every_frame_of_the_data_file():
    raw = data.load("frames")["frames"]
    lex = lexicon()
    assert set(lex.frames) == set(raw)
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


def test_words_outside_the_lexicon_trigger_nothing():
    assert _triggers("Peru praised the Andes Water Pact in Lima.") == []
