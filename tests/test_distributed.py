"""Ingest on Dask: a LocalCluster, and a real scheduler with two worker processes on 127.0.0.1."""

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.distributed import ingest_dask
from graph.errors import TreatyKGError
from graph.pipeline import ingest
from graph.store import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent


def quads(store) -> list[str]:
    return sorted(str(q) for q in store._store)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, seeds_dir) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for src in [*sorted((ROOT / "tests" / "corpus").glob("*.txt"))[:4], *sorted(seeds_dir.glob("*.txt"))]:
        shutil.copy(src, folder / src.name)
        meta = src.with_suffix(".meta.json")
        if meta.exists():
            shutil.copy(meta, folder / meta.name)
    return folder


@pytest.fixture(scope="module")
def one_worker(corpus) -> list[str]:
    store = OxigraphStore(None)
    ingest([corpus], store)
    return quads(store)


def test_local_cluster_gives_the_one_worker_graph(corpus, one_worker, tmp_path):
    store = tmp_path / "store"
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--store", str(store), "--dask", "local:2"])
    assert result.exit_code == 0, result.output
    assert "ingested 6 document(s)" in result.output
    assert quads(OxigraphStore(store)) == one_worker


def test_bad_address_is_one_line(tmp_path):
    with pytest.raises(TreatyKGError, match="bad Dask address"):
        ingest_dask([tmp_path], OxigraphStore(None), "somewhere:8786")
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path), "--store", str(tmp_path / "s"), "--dask", "x"])
    assert result.exit_code != 0 and "bad Dask address" in result.output and "Traceback" not in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask(*args: str) -> subprocess.Popen:
    exe = Path(sys.executable).parent / "dask"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([str(exe), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


def test_real_scheduler_survives_a_lost_worker(corpus, one_worker):
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = _dask("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
    workers = [_dask("worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                     "--host", "127.0.0.1", "--no-nanny") for _ in range(2)]
    try:
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        killed: list[int] = []

        def lose_a_worker(_iri: str) -> None:
            # After the first document is written, one worker dies with its tasks.
            if not killed:
                os.kill(workers[0].pid, signal.SIGKILL)
                killed.append(workers[0].pid)

        store = OxigraphStore(None)
        report = ingest_dask([corpus], store, address, batch_size=1, on_document=lose_a_worker)
        assert killed and workers[0].wait(timeout=10) == -signal.SIGKILL
        assert len(report.documents) == 6
        assert quads(store) == one_worker
    finally:
        for proc in [*workers, scheduler]:
            _stop(proc)


def test_build_on_a_local_cluster(seeds_dir, tmp_path):
    out, store = tmp_path / "out", tmp_path / "store"
    result = CliRunner().invoke(cli, ["build", str(seeds_dir), "--out", str(out), "--store", str(store),
                                      "--dask", "local:1"])
    assert result.exit_code == 0, result.output
    expected = OxigraphStore(None)
    ingest([seeds_dir], expected)
    assert quads(OxigraphStore(store)) == quads(expected)
    assert (out / "graph.trig").stat().st_size > 0
