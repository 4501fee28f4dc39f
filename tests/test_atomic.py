import os
import stat

import pytest

from graph.atomic import atomic_output


def test_output_gets_the_mode_open_would_give(tmp_path):
    old = os.umask(0o027)
    try:
        with atomic_output(tmp_path / "out.txt") as tmp:
            tmp.write_text("new")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o640
    assert (tmp_path / "out.txt").read_text() == "new"


def test_failing_write_keeps_the_old_file_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(OSError), atomic_output(target) as tmp:
        tmp.write_text("half")
        raise OSError("disk full")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_export_on_a_failing_write_keeps_the_old_file(tmp_path, monkeypatch, sample_doc):
    from pathlib import Path

    from graph.export import export_to
    from graph.pipeline import ingest
    from graph.store import OxigraphStore

    store = OxigraphStore(None)
    ingest([sample_doc], store)
    target = tmp_path / "graph.ttl"
    target.write_text("old")
    real = Path.write_bytes

    def half_then_full(self, data):
        real(self, data[: len(data) // 2])
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_bytes", half_then_full)
    with pytest.raises(OSError, match="disk full"):
        export_to(store, "turtle", target)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]
