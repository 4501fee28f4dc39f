"""Web-page noise: furniture blanked with offsets kept, publication dates read from stamps."""

from __future__ import annotations

from datetime import date

from graph.extract.noise import blank_noise, stamp_date

PAGE = """Harbour Daily, en Español

Coastal states agree on a new fisheries accord in Port Lorne

Thursday, March 6th 2031 - 14:05 UTC
Full article
READ ALSO: Ministers gather for talks on quotas
Advertisement
The Ministry of Fisheries of Veldoria said the accord was signed on Wednesday. PHOTO: HD FILE
Sign up for our newsletter to unlock the rest of this article
#fisheries, #Veldoria
"""


def test_blanking_keeps_length_and_line_breaks():
    out = blank_noise(PAGE)
    assert len(out) == len(PAGE)
    assert [i for i, c in enumerate(out) if c == "\n"] == [i for i, c in enumerate(PAGE) if c == "\n"]


def test_furniture_is_blanked():
    out = blank_noise(PAGE)
    for furniture in ("en Español", "14:05 UTC", "Thursday, March 6th 2031", "Full article", "READ ALSO",
                      "Ministers gather", "Advertisement", "PHOTO: HD FILE", "newsletter", "#fisheries"):
        assert furniture not in out


def test_article_text_is_kept():
    out = blank_noise(PAGE)
    assert "Harbour Daily" in out
    assert "Coastal states agree on a new fisheries accord in Port Lorne" in out
    assert "The Ministry of Fisheries of Veldoria said the accord was signed on Wednesday." in out


def test_captions_with_content_and_ordinary_sentences_stay():
    text = ("Photo: The minister (left) visited the northern province on the 12th.\n"
            "Date palms grow along the river.\n"
            "Share prices rose after the accord was signed.\n")
    assert blank_noise(text) == text


def test_dateline_stays_for_the_lead():
    text = "LORNE, May 4 (Wire) — Veldoria signed the accord on Friday.\n"
    assert blank_noise(text) == text


def test_stamp_after_the_headline_is_the_publication_date():
    # The site header is stamped with the fetch time; the article's own stamp follows its headline.
    assert stamp_date(PAGE.replace("Harbour Daily, en Español",
                                   "Port Lorne, April 1st 2032 - 00:10 UTC")) == date(2031, 3, 6)


def test_stamp_forms():
    assert stamp_date("Published 9 October 2030\n\nThe talks went on.") == date(2030, 10, 9)
    assert stamp_date(" date 2029-02-11 The council met on Friday.") == date(2029, 2, 11)
    assert stamp_date("The talks ended. ///Wire, 3 June 2028") == date(2028, 6, 3)
    assert stamp_date("LORNE, May 4, 2027 (Wire) — The talks ended.") == date(2027, 5, 4)


def test_no_stamp_no_date():
    assert stamp_date("The accord was signed on May 4, 2027 in Lorne.") is None
    assert stamp_date("LORNE, May 4 (Wire) — The talks ended.") is None


def test_outlet_of_a_sign_off_stays():
    out = blank_noise("The talks ended. ///Wire, 3 June 2028")
    assert "Wire" in out and "2028" not in out


def test_extraction_dates_an_undated_page_and_reads_no_names_from_furniture():
    from graph.documents import Document
    from graph.extract import extract

    doc = Document(name="undated.txt", text="Veldoria and Ostmark sign a fisheries accord\n\n"
                                            "Tuesday, 4 March 2031, 9:15 am\n"
                                            "READ ALSO: Lorne Harbour Board elects Mara Quint\n"
                                            "Veldoria and Ostmark signed the Lorne Fisheries Accord on Monday.\n")
    ex = extract(doc)
    assert ex.document.published == date(2031, 3, 4)
    names = {m.text for m in ex.mentions}
    assert "Mara Quint" not in names and "Lorne Harbour Board" not in names


def test_a_list_of_links_to_other_stories_is_blanked_with_its_heading():
    text = ("The accord was signed in Port Lorne.\n\nMORE FROM THE COAST\n• Veldoria's minister meets the envoy\n\n"
            "- Quotas talks resume\n\nThe next round is due in May.\n- a dash that opens an ordinary line\n")
    kept = blank_noise(text)
    assert "Veldoria" not in kept and "Quotas" not in kept and "MORE FROM" not in kept
    assert "The next round is due in May." in kept and "a dash that opens" in kept


def test_bylines_name_their_authors_and_are_blanked_for_the_tagger():
    from graph.extract.noise import bylines

    text = "Harbour deal signed\nBy Ana Ruiz and Tom Berg, Staff Writers | May 2, 2031\nThe accord was signed.\n"
    assert [name for _, _, name in bylines(text)] == ["Ana Ruiz", "Tom Berg"]
    assert all(text[s:e] == n for s, e, n in bylines(text))
    assert "Ana Ruiz" not in blank_noise(text) and "The accord was signed." in blank_noise(text)
    assert not bylines("By the way, the accord was signed.\n") and not bylines("From Staff Reporters\n")


def test_an_all_caps_breadcrumb_is_furniture():
    kept = blank_noise("WORLD > AFRICA\nCOAST | POLITICS\nGhana | Togo sign the accord\n")
    assert "AFRICA" not in kept and "POLITICS" not in kept and "Ghana | Togo sign the accord" in kept
