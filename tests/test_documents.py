import hashlib
import json
import os
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    # A quoted value is escaped once: what it holds shows as typed in Python, not doubled.
    (tmp_path / "a.meta.json").write_text(json.dumps({"published": "\x1b[2J"}))
    with pytest.raises(InputError) as err:
        read_document(tmp_path / "a.txt")
    assert str(err.value).endswith("'published' is not an ISO date: '\\x1b[2J'")


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


# Properties over the reader and sidecars: any text, in any of the encodings a file may come in.
# Characters that tend to break readers: NUL and other controls, CR and CRLF, a BOM inside the text,
# bidi overrides, combining marks, quotes, braces, backslashes.
_AWKWARD = ["\x00", "\x07", "\x1b[31m", "\r\n", "\r", "\n\n", "\u2028", "\x85", "\ufeff", "\u202e", "\u200f",
            "\u0301", "\u0663", "שלום", "Москва", "東京", '"', '"""', "}", "<", ">", "\\", "\t", " "]
_TEXTS = st.lists(st.one_of(st.sampled_from(_AWKWARD), st.characters(blacklist_categories=("Cs",)),
                            st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)),
                  max_size=40).map("".join)
_ENCODINGS = {"utf-8": lambda t: t.encode("utf-8"), "utf-8-bom": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
              "utf-16": lambda t: t.encode("utf-16"), "latin-1": lambda t: t.encode("latin-1", "replace")}
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXTS,
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXTS, inner, max_size=3),
                     max_leaves=8)
_SIDECARS = st.dictionaries(st.sampled_from(["id", "url", "title", "source", "published", "other"]), _JSON,
                            max_size=5)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("properties")


def _read(folder, data: bytes, sidecar: bytes | None = None):
    """read_document on a file of ``data`` (and a sidecar of ``sidecar``): the Document, or the InputError."""
    path = folder / "doc.txt"
    path.write_bytes(data)
    meta = folder / "doc.meta.json"
    meta.unlink(missing_ok=True)
    if sidecar is not None:
        meta.write_bytes(sidecar)
    try:
        return read_document(path)
    except InputError as exc:
        message = str(exc)
        assert "\n" not in message and ("doc.txt" in message or "doc.meta.json" in message), message
        return exc


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.sampled_from(sorted(_ENCODINGS)))
def test_any_text_in_any_encoding_reads_or_is_refused_in_one_line(scratch, text, encoding):
    data = _ENCODINGS[encoding](text)
    doc = _read(scratch, data)
    if isinstance(doc, InputError):
        return
    # The text the user has, byte for byte: the hash is sha256sum's, the original the decoded file.
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    # Two texts cannot be told from a byte order mark: UTF-8 of one that starts with U+FEFF (read as
    # a BOM, so the character is dropped), and UTF-16 of one that starts with NUL (FF FE 00 00: the
    # UTF-32 mark, and read so).
    if encoding == "utf-8" and text.startswith("\ufeff"):
        assert doc.original == text[1:]
    elif encoding != "latin-1" and not (encoding == "utf-16" and text.startswith("\x00")):
        assert doc.original == text
    # Cleaning only blanks: every character stays where it was, or becomes a space or a line break.
    assert len(doc.text) == len(doc.original)
    assert all(c == o or c in " \n" for c, o in zip(doc.text, doc.original, strict=True))
    assert doc.text.strip() and "\r" not in doc.text
    assert not any(c != "\n" and unicodedata.category(c) == "Cc" for c in doc.text)


@settings(max_examples=200, deadline=None)
@given(_TEXTS)
def test_text_is_refused_exactly_when_it_is_binary_or_blank(text):
    try:
        doc = document_from_text("a.txt", text)
    except InputError as exc:
        assert "\x00" in text or not clean_text(text).strip(), exc
        return
    assert "\x00" not in text and doc.text == clean_text(text)


@settings(max_examples=300, deadline=None)
@given(_SIDECARS, st.sampled_from(["utf-8", "utf-8-bom", "utf-16"]))
def test_any_sidecar_gives_its_strings_or_one_line_naming_it(scratch, sidecar, encoding):
    doc = _read(scratch, b"Chile signed the treaty.\r\n", _ENCODINGS[encoding](json.dumps(sidecar, ensure_ascii=False)))
    fields = ("id", "url", "title", "source", "published")
    if isinstance(doc, InputError):
        assert any(sidecar.get(k) is not None and not isinstance(sidecar.get(k), str) for k in fields) \
            or "published" in str(doc) or "surrogate" in str(doc), str(doc)
        return
    assert all(sidecar.get(k) in (None, "") or isinstance(sidecar[k], str) for k in fields)
    expected = next((sidecar[k].strip() for k in ("id", "url") if (sidecar.get(k) or "").strip()), "doc.txt")
    assert doc.name == expected and doc.iri == document_iri(expected)
    # Names become one plain line (clean_label), and an empty one is none.
    assert doc.title == (clean_label(sidecar.get("title") or "") or None)
    assert doc.url == (clean_label(sidecar.get("url") or "") or None)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_as_a_sidecar_are_read_or_refused_in_one_line(scratch, data):
    doc = _read(scratch, b"Chile signed the treaty.", data)
    assert isinstance(doc, InputError) or doc.name
