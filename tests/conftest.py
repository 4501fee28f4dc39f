from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).parent.parent / "seeds"


@pytest.fixture
def sample_doc() -> Path:
    return DATA / "lisbon.txt"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture
def store_path(tmp_path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def failing_savefig(monkeypatch):
    """Every matplotlib save fails as a full disk would, mid-write."""

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("matplotlib.figure.Figure.savefig", broken)


@pytest.fixture
def deep_tree(tmp_path):
    """A folder nested 1,000 deep: (its top, the deepest folder). Removed here, deepest first, because
    pytest's own clean-up of the temporary folder recurses and fails on a tree this deep."""
    import os
    import shutil

    root = tmp_path / "deep"
    root.mkdir()
    levels = [str(root)]
    try:
        for _ in range(1000):  # one level at a time: makedirs itself recurses too deep for this
            levels.append(levels[-1] + "/d")
            os.mkdir(levels[-1])
        yield root, levels[-1]
    finally:
        for folder in reversed(levels):
            if not os.path.isdir(folder):
                continue
            for entry in os.scandir(folder):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
            os.rmdir(folder)
