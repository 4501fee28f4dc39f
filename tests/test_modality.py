"""Modality of triggers, decided from the cue lists in the vocabulary."""

import pytest

from graph.extract.modality import cues, status_of
from graph.nlp import load_nlp


def trigger(text: str, word: str):
    doc = load_nlp()(text)
    return next(t for t in doc if t.text == word)


@pytest.mark.parametrize("text,word,status", [
    ("Chile signed the treaty on Monday.", "signed", "asserted"),
    ("Chile will sign the treaty next week.", "sign", "planned"),
    ("Chile plans to sign the treaty.", "sign", "planned"),
    ("Chile did not sign the treaty.", "sign", "denied"),
    ("Peru denied that it had signed the treaty.", "signed", "denied"),
    ("If Chile ratifies the treaty, Peru will follow.", "ratifies", "conditional"),
    ("Peru claims that Chile signed the treaty.", "signed", "claimed"),
    ("Chile reportedly signed the treaty.", "signed", "claimed"),
    ("The ministers discussed the planned visit.", "visit", "planned"),
])
def test_status(text, word, status):
    assert status_of(trigger(text, word)) == status


def test_cues_come_from_the_vocabulary():
    c = cues()
    assert "will" in c.auxiliaries and "plan" in c.planned and "deny" in c.denied and "if" in c.conditional_marks
