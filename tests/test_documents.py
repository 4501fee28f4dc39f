import json
from datetime import date

import pytest

from graph.documents import clean_text, document_from_text, find_documents, iter_documents, read_document
from graph.errors import InputError


def test_sidecar_gives_published_date_and_title(tmp_path):
    (tmp_path / "a.txt").write_text("Headline\n\nBody text about a treaty.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"published": "2024-06-19", "title": "T", "url": "u"}))
    doc = read_document(tmp_path / "a.txt")
    assert doc.published == date(2024, 6, 19)
    assert doc.title == "T" and doc.url == "u"
    assert doc.iri.endswith("/doc/a-txt")


def test_cli_date_overrides_sidecar(tmp_path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"published": "2024-06-19"}))
    assert read_document(tmp_path / "a.txt", date(2020, 1, 1)).published == date(2020, 1, 1)


def test_repeated_headlines_and_source_trailer_are_dropped():
    raw = "Big news\n\nBig news\n\nBig news\n\nThe body.\n\nsource: somewhere\n"
    assert clean_text(raw) == "Big news\n\nThe body."


def test_backslash_credit_is_split_from_caption():
    assert clean_text("Caption here. \\Some Agency") == "Caption here.\nSome Agency"


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty"), (b"   \n\n ", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"), (b"caf\xe9 au lait", "UTF-8")],
)
def test_bad_files_give_clear_errors(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_document(path)


def test_huge_file_is_refused(tmp_path, monkeypatch):
    import graph.documents as documents

    monkeypatch.setattr(documents, "MAX_BYTES", 10)
    (tmp_path / "big.txt").write_text("x" * 11)
    with pytest.raises(InputError, match="too large"):
        read_document(tmp_path / "big.txt")


def test_bad_sidecar_date(tmp_path):
    (tmp_path / "a.txt").write_text("Text.")
    (tmp_path / "a.meta.json").write_text(json.dumps({"published": "yesterday"}))
    with pytest.raises(InputError, match="ISO date"):
        read_document(tmp_path / "a.txt")


def test_folders_expand_to_txt_and_md_only(tmp_path):
    for name in ("b.txt", "a.md", "c.json", "d.png"):
        (tmp_path / name).write_text("Some text.")
    (tmp_path / "a.meta.json").write_text("{}")
    assert [p.name for p in find_documents([tmp_path])] == ["a.md", "b.txt"]
    assert len(list(iter_documents([tmp_path]))) == 2


def test_missing_path():
    with pytest.raises(InputError, match="no such"):
        find_documents(["/nonexistent/file.txt"])


def test_document_from_text_rejects_binary():
    with pytest.raises(InputError):
        document_from_text("x", "a\x00b")
