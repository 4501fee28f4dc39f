"""Lifecycle acts read through the frame lexicon: positive, negative and modality cases per family."""

from datetime import date

import pytest

from graph.documents import document_from_text
from graph.extract import extract

PACT = "Harbour Safety Convention"


def facts(text: str, relation: str) -> set[tuple[str, str]]:
    ex = extract(document_from_text("t.txt", text, date(2024, 5, 10)))
    return {(f.s.display, f.o.display if f.o else f.value) for f in ex.relations.facts if f.p == relation}


def test_parties_listed_after_a_colon_ratified():
    found = facts(f"Four governments have ratified the {PACT}: Norway, Chile, Kenya and Japan.", "ratified")
    assert {s for s, _ in found} == {"Norway", "Chile", "Kenya", "Japan"}


def test_acceding_is_its_own_act_and_makes_a_party():
    text = f"Kenya acceded to the {PACT} in 2019."
    assert facts(text, "acceded") == {("Kenya", PACT)}
    assert facts(text, "partyTo") == {("Kenya", PACT)}
    assert facts(text, "ratified") == set()


def test_nominal_accession_names_its_agent():
    assert facts(f"Kenya's accession to the {PACT} was welcomed by Chile.", "acceded") == {("Kenya", PACT)}


def test_instrument_of_accession_is_an_accession():
    assert facts(f"Kenya deposited its instrument of accession to the {PACT} on 2 June 2020.",
                 "acceded") == {("Kenya", PACT)}


def test_passive_with_agent_list_signs_for_each():
    found = facts(f"The {PACT} was signed by Norway and Chile on 2 May 2018.", "signed")
    assert found == {("Norway", PACT), ("Chile", PACT)}


def test_withdrawal():
    assert facts(f"Norway withdrew from the {PACT} in 2022.", "withdrewFrom") == {("Norway", PACT)}


@pytest.mark.parametrize("sentence", [
    f"Kenya plans to ratify the {PACT} next year.",
    f"Kenya did not ratify the {PACT}.",
    f"Kenya might accede to the {PACT}.",
])
def test_planned_denied_and_possible_acts_are_not_facts(sentence):
    assert facts(sentence, "ratified") == set() and facts(sentence, "acceded") == set()


def test_a_general_verb_needs_a_treaty_as_object():
    assert facts("Kenya joined the talks on fisheries.", "acceded") == set()


def test_a_text_adopted_by_the_general_assembly_is_not_ratified():
    assert not facts("The Keta Fisheries Accord was approved by the UN General Assembly on 10 May 2019.",
                     "ratified")


def test_states_listed_after_a_relative_clause_on_a_group_noun_ratified():
    got = facts("The Keta Fisheries Accord was signed in 2019. Among the states that have ratified the accord are: "
                "Ghana, Togo and Benin.", "ratified")
    assert {s for s, _ in got} == {"Ghana", "Togo", "Benin"}


def test_the_treaty_on_a_date_is_the_treaty_and_its_parliament_one_body():
    text = ("The Keta Fisheries Protocol was signed in 2022. Ghana's National Assembly ratified the protocol on "
            "March 27.")
    ex = extract(document_from_text("t.txt", text, date(2024, 5, 10)))
    bodies = [e for e in ex.resolution.entities if e.cls == "Organization"]
    assert len(bodies) == 1
    assert (bodies[0].display, "Keta Fisheries Protocol") in facts(text, "ratified")


def test_a_decree_suspending_participation_is_no_ratification():
    got = facts("Russia signed the Keta Fisheries Accord in 2010. President Vladimir Putin signed a decree in March "
                "suspending Russia's own participation in the treaty.", "ratified")
    assert not got


def test_where_a_treaty_was_signed_is_not_who_signed_it():
    got = facts("The Keta Fisheries Accord was first signed by 44 countries in Lome, Togo, on March 21, 2018.",
                "signed")
    assert not got
