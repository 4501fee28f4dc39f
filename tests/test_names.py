"""names: one rule for finding an entity by a typed name."""

import pytest

from graph.errors import UnknownEntityError
from graph.names import Named, match_entity, name_key

PEOPLE = [Named("p1", "Person", "Ilse Varga", ("Premier Varga",)), Named("p2", "Person", "Tomas Reyna"),
          Named("s1", "State", "Georgia"), Named("l1", "Place", "Georgia"),
          Named("o1", "Organization", "Russia Today", ("Russia",)), Named("s2", "State", "Russia")]


def find(name: str, entities=PEOPLE, degree=lambda n: 0) -> str:
    return match_entity(name, entities, degree).node


def test_name_key_folds_case_quotes_dashes_and_the():
    assert name_key("The  \u201cKim Jong\u2011un\u201d") == name_key("kim jong un") == "kim jong un"


@pytest.mark.parametrize("name, node", [("ilse varga", "p1"), ("premier VARGA", "p1"), ("Varga", "p1"),
                                        ("reyna", "p2"), ("Georgia", "s1"), ("russia", "s2"),
                                        ("Russia Today", "o1")])
def test_any_label_then_surname_then_preferences(name, node):
    assert find(name) == node


def test_degree_breaks_remaining_ties():
    twins = [Named("a", "Organization", "Harbour Council"), Named("b", "Organization", "Harbour Council")]
    assert find("harbour council", twins, {"a": 1, "b": 4}.get) == "b"


def test_a_surname_of_several_people_is_refused_not_guessed():
    people = [*PEOPLE, Named("p3", "Person", "Anna Varga")]
    with pytest.raises(UnknownEntityError, match=r"^'varga' is the surname of several people \(Anna Varga, Ilse "
                                                 r"Varga\): give a full name$"):
        find("varga", people)
    assert find("Premier Varga", people) == "p1"  # an alias still finds its person


def test_unknown_name():
    with pytest.raises(UnknownEntityError, match=r"^no entity named 'Nobody'$"):
        find("Nobody")
    with pytest.raises(UnknownEntityError):
        find("  ")
