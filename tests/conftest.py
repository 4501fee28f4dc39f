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
