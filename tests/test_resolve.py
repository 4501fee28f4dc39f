"""Resolution (graph/extract/resolve.py): one entity per thing, on sentences written for these tests."""

from __future__ import annotations

from datetime import date

from graph.documents import document_from_text
from graph.extract import extract


def run(text: str, name: str = "t.txt"):
    return extract(document_from_text(name, text, date(2031, 4, 2)))


def entities(ex, cls: str) -> list:
    return [e for e in ex.resolution.entities if e.cls == cls]


def test_surname_joins_the_full_name():
    ex = run("Foreign Minister Orlan Vesk arrived in Accra. Vesk said the talks went well.")
    assert len([e for e in entities(ex, "Person") if "Vesk" in e.display]) == 1


def test_bare_article_joins_the_article_named_with_its_treaty():
    ex = run("Ghana invoked Article 7 of the Treaty on Reef Fisheries.\n\nLater, Article 7 was cited again.")
    arts = [e for e in entities(ex, "Article") if e.number == "7"]
    assert len(arts) == 1 and arts[0].treaty is not None


def test_the_treaty_points_at_the_treaty_the_paragraph_named():
    ex = run("Ghana and Togo signed the Treaty on Reef Fisheries in Accra. The treaty takes effect in May.")
    treaty = next(e for e in entities(ex, "Treaty") if "Reef" in e.display)
    assert any(m.anaphor for m in treaty.mentions)

