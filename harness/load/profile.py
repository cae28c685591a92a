"""Load profiles as data: one YAML file per profile in ``harness/load/profiles/``.

A profile says how the load is shaped (``shape``), what the users call (``mix``), how they
reach the server (``transport``), how slow the fake provider is (``provider``), which
server settings to run with (``server_env``) and the service levels the run is judged by
(``slo``). ``load_profile("ramp")`` finds a bundled profile by name; a path works too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from harness.load.errors import ProfileError
from harness.load.shapes import ShapeSpec

PROFILES_DIR = Path(__file__).with_name("profiles")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ToolWeight(_Strict):
    """One tool in the mix. ``{marker}`` and ``{workdir}`` in string arguments are filled in."""

    tool: str = "chat"
    weight: float = Field(default=1.0, gt=0)
    arguments: dict[str, Any] = Field(default_factory=dict)
    continues: bool = True  # passes the user's continuation_id when it has one


class MixSpec(_Strict):
    tools: list[ToolWeight] = Field(default_factory=lambda: [ToolWeight()], min_length=1)
    continuation_ratio: float = Field(default=0.5, ge=0, le=1)
    max_turns: int = Field(default=8, ge=1, le=1000)
    continuation_path: str = "continuation_offer.continuation_id"


class SloSpec(_Strict):
    p95_ms: float = Field(default=2000.0, gt=0)
    error_rate: float = Field(default=0.01, ge=0, le=1)


class TargetSpec(_Strict):
    """What the load runs against: one zen_server (``server``) or a cluster the run starts itself
    (``cluster``: its own redis-server, ``instances`` zen_server in distributed mode, HAProxy)."""

    kind: Literal["server", "cluster"] = "server"
    instances: int = Field(default=3, ge=1, le=16)


class Profile(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str = ""
    transport: Literal["http", "stdio"] = "http"
    shape: ShapeSpec
    mix: MixSpec = Field(default_factory=MixSpec)
    wait_s: tuple[float, float] = (0.5, 1.5)  # think time between a user's calls (uniform)
    call_timeout_s: float = Field(default=30.0, gt=0, le=600)
    provider: dict[str, Any] = Field(default_factory=lambda: {"latency": {"fixed_ms": 1000}})
    server_env: dict[str, str] = Field(default_factory=dict)
    # Source files written to {workdir}/sources/module_<n>.py before the run (untouched
    # since long ago, as a repository's files are), for tools that read files.
    source_files: int = Field(default=0, ge=0, le=50)
    slo: SloSpec = Field(default_factory=SloSpec)
    target: TargetSpec = Field(default_factory=TargetSpec)
    # Locust worker processes: 0 runs one local process; N runs a master and N workers on this
    # machine (Locust's --processes), and the summary gets each worker's own figures.
    workers: int = Field(default=0, ge=0, le=8)


def profile_path(name_or_path: str) -> Path:
    """A bundled profile's file from its name, or the path itself when it is a file."""
    candidate = Path(name_or_path)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists():
        if not candidate.is_file():
            raise ProfileError(f"profile file {candidate} does not exist")
        return candidate
    bundled = PROFILES_DIR / f"{name_or_path}.yaml"
    if not bundled.is_file():
        raise ProfileError(f"no profile {name_or_path!r}; bundled ones: {', '.join(bundled_profiles())}")
    return bundled


def bundled_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))


def load_profile(name_or_path: str) -> Profile:
    path = profile_path(name_or_path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Profile.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise ProfileError(f"{path}: {exc}") from exc
