"""Lines of a source file (``server.py`` under 500), with the package's biggest modules plotted.

On a baseline (``--compare baseline:NAME``), the module of the same name its pip install
put at the top of site-packages (the upstream ships ``server.py`` there)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Literal

from pydantic import Field

from harness.gates import plots
from harness.gates.errors import NotMeasured
from harness.gates.metrics.base import MeasureContext, Measurement, MeasureParams


class Params(MeasureParams):
    kind: Literal["file_lines"]
    path: str = "zen_server/server.py"
    package: str = "zen_server"  # its largest modules go on the plot, for context
    limit: int = Field(default=500, ge=1)
    plot_top: int = Field(default=15, ge=1, le=60)


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def _baseline_file(params: Params, ctx: MeasureContext) -> Path:
    """The same file in a baseline: a pip-installed server's top-level module of that name."""
    assert ctx.baseline is not None
    name = Path(params.path).name
    found = sorted((ctx.baseline.folder / "venv").glob(f"lib/python*/site-packages/{name}"))
    if not found:
        raise NotMeasured(f"not applicable to {ctx.baseline.label}: it installs no top-level {name}")
    return found[0]


def measure(params: Params, ctx: MeasureContext) -> Measurement:
    started = time.monotonic()
    if ctx.baseline is not None:
        target = _baseline_file(params, ctx)
        return Measurement(
            values={"lines": count_lines(target), "largest_module_lines": None},
            details={"path": str(target)},
            duration_s=time.monotonic() - started,
        )
    target = ctx.repo_root / params.path
    if not target.is_file():
        raise NotMeasured(f"{target} does not exist")
    lines = count_lines(target)
    modules = sorted(
        (
            (str(p.relative_to(ctx.repo_root)), count_lines(p))
            for p in (ctx.repo_root / params.package).rglob("*.py")
        ),
        key=lambda item: -item[1],
    )
    result = Measurement(
        values={"lines": lines, "largest_module_lines": modules[0][1] if modules else None},
        details={"path": params.path, "largest_modules": modules[: params.plot_top]},
        duration_s=time.monotonic() - started,
    )
    shown = dict(modules[: params.plot_top])
    shown.setdefault(params.path, lines)
    path = ctx.out_dir / "module_lines.png"
    title = f"Lines per module ({params.package}); {params.path} must stay under {params.limit}"
    result.plots.append(
        plots.bars(list(shown), list(shown.values()), params.limit, path, title=title, ylabel="lines")
    )
    return result
