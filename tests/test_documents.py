import hashlib
import json
import os
from datetime import date

import pytest

from graph.documents import (
    clean_label,
    clean_text,
    document_from_text,
    find_documents,
    find_sources,
    iter_documents,
    read_document,
)
from graph.errors import InputError
from graph.namespaces import document_iri


def test_sidecar_gives_published_date_and_title(tmp_path):
    (tmp_path / "a.txt").write_text("Headline\n\nBody text about a treaty.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"published": "2024-06-19", "title": "T", "url": "u"}))
    doc = read_document(tmp_path / "a.txt")
    assert doc.published == date(2024, 6, 19)
    assert doc.title == "T" and doc.url == "u"
    assert doc.name == "u" and doc.iri == document_iri("u")


def test_cli_date_overrides_sidecar(tmp_path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"published": "2024-06-19"}))
    assert read_document(tmp_path / "a.txt", date(2020, 1, 1)).published == date(2020, 1, 1)


def test_repeated_headlines_and_source_trailer_are_dropped():
    raw = "Big news\n\nBig news\n\nBig news\n\nThe body.\n\nsource: somewhere\n"
    cleaned = clean_text(raw)
    assert len(cleaned) == len(raw)
    assert cleaned.split() == ["Big", "news", "The", "body."]


def test_backslash_credit_is_split_from_caption():
    assert clean_text("Caption here. \\Some Agency") == "Caption here. \nSome Agency"


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


def test_cleaning_keeps_every_offset():
    raw = ("## Big news\r\nBig news\r\n\r\nThe treaty was signed in Lisbon.\\Photo: Agency\r\n"
           "Caf\u0065\u0301 talks \x07 continued.\r\n\r\nsource: somewhere\r\n")
    cleaned = clean_text(raw)
    assert len(cleaned) == len(raw)
    i = raw.index("The treaty")
    assert cleaned[i:i + 32] == raw[i:i + 32] == "The treaty was signed in Lisbon."
    assert "\r" not in cleaned and "\x07" not in cleaned and "#" not in cleaned
    assert "source" not in cleaned and cleaned.count("Big news") == 1


def test_document_keeps_the_original_text_and_the_file_hash(tmp_path):
    data = "\ufeffHeadline\r\n\r\nThe treaty was signed.\r\nsource: x\r\n".encode()
    (tmp_path / "a.txt").write_bytes(data)
    doc = read_document(tmp_path / "a.txt")
    assert doc.original == data.decode("utf-8-sig")
    assert len(doc.text) == len(doc.original)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


def test_utf16_with_a_bom_is_read(tmp_path):
    (tmp_path / "a.txt").write_bytes("The treaty was signed in Łódź.".encode("utf-16"))
    assert read_document(tmp_path / "a.txt").original == "The treaty was signed in Łódź."


def test_identity_from_sidecar_id_then_url_then_name(tmp_path):
    (tmp_path / "a.txt").write_text("Text one.")
    (tmp_path / "b.txt").write_text("Text two.")
    (tmp_path / "c.txt").write_text("Text three.")
    (tmp_path / "a.meta.json").write_text(json.dumps({"id": "wire-123", "url": "https://example.org/a"}))
    (tmp_path / "b.meta.json").write_text(json.dumps({"url": "https://example.org/b"}))
    names = [d.name for d in iter_documents([tmp_path])]
    assert names == ["wire-123", "https://example.org/b", "c.txt"]


def test_names_are_paths_relative_to_the_folder_given(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / "news" / sub).mkdir(parents=True)
        (tmp_path / "news" / sub / "report.txt").write_text("Text.")
    assert [s.name for s in find_sources([tmp_path / "news"])] == ["a/report.txt", "b/report.txt"]
    assert [s.name for s in find_sources([tmp_path / "news" / "a" / "report.txt"])] == ["report.txt"]
    # The same file named twice is read once.
    assert len(find_sources([tmp_path / "news", tmp_path / "news" / "a" / "report.txt"])) == 2


@pytest.mark.parametrize("names", [("a b.txt", "A_B.txt"), ("日本.txt", "Россия.txt"),
                                   ("news/a/report.txt", "news/b/report.txt")])
def test_names_that_read_alike_get_distinct_iris(names):
    first, second = (document_iri(n) for n in names)
    assert first != second
    assert first.isascii() and second.isascii()


def test_folder_nested_a_thousand_deep(deep_tree):
    root, deepest = deep_tree
    with open(os.path.join(deepest, "deep.txt"), "w") as f:
        f.write("Text.")
    (root / "top.txt").write_text("Text.")
    sources = find_sources([root])
    assert sorted(s.path.name for s in sources) == ["deep.txt", "top.txt"]


@pytest.mark.parametrize("sidecar, message", [
    ('{"title": {"text": "T"}}', "'title' must be a string"),
    ('{"url": ["u"]}', "'url' must be a string"),
    ('{"published": 20240101}', "'published' must be a string"),
    ('{"title": "\\ud800"}', "lone surrogate"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply|expected a JSON object"),
    ('{"name": "x", "raw": 1, "path": 2}', None),
])
def test_sidecars_of_unexpected_shape(tmp_path, sidecar, message):
    (tmp_path / "a.txt").write_text("Text.")
    (tmp_path / "a.meta.json").write_text(sidecar)
    if message is None:
        assert read_document(tmp_path / "a.txt").name == "a.txt"
        return
    with pytest.raises(InputError, match=message) as err:
        read_document(tmp_path / "a.txt")
    assert "\n" not in str(err.value)


def test_file_name_with_a_newline_gives_one_line(tmp_path):
    path = tmp_path / "bad\nname.txt"
    path.write_bytes(b"")
    with pytest.raises(InputError) as err:
        read_document(path)
    assert "\n" not in str(err.value) and "bad\\nname.txt" in str(err.value)


def test_labels_lose_control_characters():
    assert clean_label("Vladimir\x07 Pu\u202etin\n") == "Vladimir Putin"
    assert clean_label("Jose\u0301") == "Jos\u00e9"
