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


def test_a_paragraph_of_an_article_is_a_clause_of_its_own_and_part_of_the_article():
    ex = run("Ghana invoked Article 7(1) of the Treaty on Reef Fisheries. Togo cited Article 7 of the Treaty "
             "on Reef Fisheries and paragraph 2 of Article 7.")
    arts = {e.display: e for e in entities(ex, "Article")}
    assert {"Article 7", "Article 7(1)", "Article 7(2)"} <= set(arts)
    assert arts["Article 7(1)"].part_of is arts["Article 7"] is arts["Article 7(2)"].part_of
    assert "paragraph 2 of Article 7" in arts["Article 7(2)"].labels
    invoked = {f.o.display for f in ex.relations.facts if f.p == "invokes" and f.s.display == "Ghana"}
    assert invoked == {"Article 7(1)"}


def test_the_treaty_points_at_the_treaty_the_paragraph_named():
    ex = run("Ghana and Togo signed the Treaty on Reef Fisheries in Accra. The treaty takes effect in May.")
    treaty = next(e for e in entities(ex, "Treaty") if "Reef" in e.display)
    assert any(m.anaphor for m in treaty.mentions)



def test_a_generic_treaty_name_belongs_to_its_document():
    text = "Ghana and Togo signed the fisheries agreement in Lome on Monday."
    one, other = run(text, "a.txt"), run(text, "b.txt")
    [t1], [t2] = entities(one, "Treaty"), entities(other, "Treaty")
    assert t1.iri != t2.iri  # two reports' "fisheries agreement" need not be one treaty
    assert t1.iri == entities(run(text, "a.txt"), "Treaty")[0].iri  # and the same on every run
    assert "fisheries-agreement" in t1.iri


def test_a_generic_name_refers_to_the_treaty_the_report_names():
    ex = run("Ghana ratified the Treaty of Keta on Reef Fisheries in May.\n\nThe fisheries pact will enter into "
             "force in June.")
    assert len(entities(ex, "Treaty")) == 1


def test_an_indefinite_generic_name_is_a_new_treaty():
    ex = run("Ghana ratified the Treaty of Keta on Reef Fisheries in May. In June it signed a border demarcation "
             "agreement with Togo.")
    assert len(entities(ex, "Treaty")) == 2


def test_a_description_joins_the_proper_name_the_report_gives_later():
    ex = run("Ghana and Togo signed a treaty on reef fisheries management.\n\nThe Treaty on Reef Fisheries "
             "Management enters into force in May.")
    assert len(entities(ex, "Treaty")) == 1


def test_a_treaty_called_by_another_name_is_one_treaty():
    ex = run("Ghana and Togo agreed on the text of a Fisheries Cooperation Treaty, called the Keta Treaty, on Monday. "
             "The Keta Treaty will be signed in May.")
    [treaty] = entities(ex, "Treaty")
    assert treaty.display == "Keta Treaty"


def test_two_treaties_offered_as_alternatives_stay_two():
    ex = run("Parliament debated whether to ratify the Keta Treaty or the Volta Basin Treaty.")
    assert len(entities(ex, "Treaty")) == 2


def test_a_known_body_s_acronym_in_a_longer_name_keys_like_its_full_name():
    short = entities(run("The AU Commission met in Addis Ababa on Monday."), "Organization")
    full = entities(run("The African Union Commission met in Addis Ababa on Monday.", "b.txt"), "Organization")
    assert {e.iri for e in short} & {e.iri for e in full}


def test_pact_and_agreement_with_one_name_are_one_treaty():
    ex = run("Ghana ratified the Keta Fisheries Agreement in May. The Keta Fisheries pact enters into force in June.")
    assert len(entities(ex, "Treaty")) == 1


def test_a_protocol_is_not_the_convention_of_the_same_name():
    ex = run("Ghana ratified the Keta Fisheries Convention in May and the Keta Fisheries Protocol in June.")
    assert len(entities(ex, "Treaty")) == 2


def test_the_statute_refers_back_to_the_statute_named():
    ex = run("Ghana joined the Statute of the Keta Court in 2001. Togo signed the statute in December 2000.")
    assert len(entities(ex, "Treaty")) == 1
    assert any(f.p == "signed" and f.s.display == "Togo" for f in ex.relations.facts)
