"""Ingest on a Dask cluster: workers parse and extract, the client writes to any store.

``ADDRESS`` is a scheduler (``tcp://host:8786``) or ``local:N`` for a local cluster of N worker
processes. Each batch of documents is one task running the pipeline's own batch function, so the
graph is the one a single process would build. A bounded number of batches is in flight at a time
(documents are read as the cluster asks for more), and each task is retried on another worker
if the one running it dies, so a lost worker loses no document.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from .documents import find_documents
from .errors import TreatyKGError
from .pipeline import BATCH_DOCS, IngestReport, _batches, _NoBar, _read_all, _write, _zoned_batch
from .store import Store

RETRIES = 3
IN_FLIGHT_PER_WORKER = 2


@contextmanager
def connect(address: str) -> Iterator:
    """A ``distributed.Client`` for ``address`` (``local:N`` starts and later stops a LocalCluster)."""
    from distributed import Client, LocalCluster

    m = re.fullmatch(r"local:(\d+)", address)
    try:
        if m:
            with LocalCluster(n_workers=max(1, int(m.group(1))), threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster) as client:
                yield client
        elif re.match(r"^(tcp|tls|inproc|ucx)://", address):
            with Client(address, timeout="30s") as client:
                yield client
        else:
            raise TreatyKGError(f"bad Dask address {address!r}: expected tcp://host:port or local:N")
    except OSError as exc:
        raise TreatyKGError(f"cannot reach the Dask scheduler {address}: {' '.join(str(exc).split())}") from None


def ingest_dask(paths: Iterable[str | os.PathLike], store: Store, address: str, published: date | None = None,
                batch_size: int = BATCH_DOCS, on_document: Callable[[str], None] | None = None) -> IngestReport:
    """``pipeline.ingest`` with parsing and extraction as tasks on the Dask cluster at ``address``."""
    from distributed import as_completed

    report = IngestReport()
    docs = _read_all(find_documents(paths), published, report)
    with connect(address) as client:
        limit = IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info().get("workers", {})))
        batches = _batches(docs, batch_size)
        # pure=False: two batches with equal content are still two tasks.
        submit = lambda batch: client.submit(_zoned_batch, batch, retries=RETRIES, pure=False)  # noqa: E731
        pending = as_completed([submit(b) for _, b in zip(range(limit), batches, strict=False)])
        for future in pending:
            _write(store, future.result(), report, _NoBar(), on_document)
            future.release()
            nxt = next(batches, None)
            if nxt is not None:
                pending.add(submit(nxt))
    return report

