"""The main job: ingest documents, then write graph.ttl, graph.trig and graph.png and summarise."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .export import export_to
from .pipeline import IngestReport, ingest
from .store import Store
from .summary import Stats, stats


@dataclass
class BuildResult:
    report: IngestReport
    stats: Stats
    files: list[Path] = field(default_factory=list)
    render_message: str | None = None

    def lines(self) -> list[str]:
        out = self.stats.lines()
        if self.render_message:
            out.append(self.render_message)
        out.extend(f"wrote {f}" for f in self.files)
        return out


def build(paths: Iterable[str | os.PathLike], out_dir: str | os.PathLike, store: Store,
          published: date | None = None, workers: int = 1, dask: str | None = None) -> BuildResult:
    """Ingest ``paths`` into ``store`` (on the Dask cluster ``dask`` if given) and write the three outputs
    of the store into ``out_dir``."""
    from .render import render

    out = Path(out_dir)
    if dask:
        from .distributed import ingest_dask

        report = ingest_dask(paths, store, dask, published=published)
    else:
        report = ingest(paths, store, published=published, workers=workers)
    files = [export_to(store, "turtle", out / "graph.ttl"), export_to(store, "trig", out / "graph.trig")]
    rendered = render(store, out / "graph.png")
    files.append(out / "graph.png")
    return BuildResult(report, stats(store), files, rendered.message or None)
