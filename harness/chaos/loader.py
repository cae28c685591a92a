"""Reading scenario files: YAML -> validated ``Scenario``, or a ``ScenarioError`` naming
``file:line: field.path: message`` for every problem found (not only the first).

Actions and hypotheses are validated by their registries: the ``action:`` / ``type:`` key
picks the model, so an unknown kind lists the known ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from harness.chaos.actions import ACTIONS
from harness.chaos.actions.cluster import CLUSTER_ACTIONS
from harness.chaos.errors import ScenarioError, ScenarioIssue
from harness.chaos.hypotheses import HYPOTHESES
from harness.chaos.scenario import Scenario
from harness.chaos.yaml_source import LineMap, load_yaml

SCENARIO_SUFFIXES = (".yaml", ".yml")
LIBRARY = Path("scenarios")  # the scenario library, relative to the repository root
_REGISTRY_LISTS: dict[str, tuple[str, Mapping[str, type[BaseModel]]]] = {
    "method": ("action", ACTIONS),
    "rollbacks": ("action", ACTIONS),
    "hypotheses": ("type", HYPOTHESES),
}


def _data_path(data: Any, loc: Sequence[str | int]) -> list[str | int]:
    """Follow pydantic's loc through the data, dropping segments (union tags, model
    names) that are not keys or indexes of the data itself."""
    path: list[str | int] = []
    node = data
    for part in loc:
        in_mapping = isinstance(node, Mapping) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_mapping or in_list:
            node = node[part]
            path.append(part)
    return path


def _issues_from(
    error: ValidationError, data: Any, prefix: Sequence[str | int], file: Path, lines: LineMap
) -> Iterable[ScenarioIssue]:
    for item in error.errors():
        path = [*prefix, *_data_path(data, item["loc"])]
        # Name the missing or extra field even though it is not a path in the data.
        tail = [str(p) for p in item["loc"][len(_data_path(data, item["loc"])) :] if isinstance(p, str)]
        field = ".".join(str(p) for p in path)
        if item["type"] in {"missing", "extra_forbidden"} and tail:
            field = ".".join(filter(None, [field, tail[-1]]))
        message = item["msg"].removeprefix("Value error, ")
        yield ScenarioIssue(file, lines.line_for(path), field, message)


def _validate_registry_list(
    key: str, raw: Any, file: Path, lines: LineMap, issues: list[ScenarioIssue]
) -> list[BaseModel]:
    tag, registry = _REGISTRY_LISTS[key]
    if raw is None:
        return []
    if not isinstance(raw, list):
        issues.append(ScenarioIssue(file, lines.line_for([key]), key, "must be a list"))
        return []
    models: list[BaseModel] = []
    for index, item in enumerate(raw):
        where: list[str | int] = [key, index]
        if not isinstance(item, Mapping):
            issues.append(ScenarioIssue(file, lines.line_for(where), f"{key}.{index}", "must be a mapping"))
            continue
        name = item.get(tag)
        model = registry.get(str(name)) if name is not None else None
        if model is None:
            known = ", ".join(sorted(registry))
            issues.append(
                ScenarioIssue(
                    file,
                    lines.line_for([*where, tag]),
                    f"{key}.{index}.{tag}",
                    f"unknown {tag} {name!r}; known: {known}",
                )
            )
            continue
        try:
            models.append(model.model_validate(item))
        except ValidationError as exc:
            issues.extend(_issues_from(exc, item, where, file, lines))
    return models


def parse_scenario(text: str, file: Path) -> Scenario:
    """Validate one scenario's text; ``file`` names it in errors and gives its default name."""
    try:
        data, lines = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError([ScenarioIssue(file, line, "", f"not valid YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        raise ScenarioError([ScenarioIssue(file, 1, "", "a scenario is a YAML mapping")])
    issues: list[ScenarioIssue] = []
    top = dict(data)
    top.setdefault("name", file.stem)
    for key in _REGISTRY_LISTS:
        top[key] = _validate_registry_list(key, data.get(key), file, lines, issues)
    flagged = {issue.field.split(".")[0] for issue in issues}
    try:
        scenario = Scenario.model_validate(top)
    except ValidationError as exc:
        # A list whose items were rejected above would only add a misleading "too short".
        issues.extend(
            i for i in _issues_from(exc, data, [], file, lines) if i.field.split(".")[0] not in flagged
        )
        raise ScenarioError(_sorted(issues)) from exc
    issues.extend(_cross_checks(scenario, file, lines))
    if issues:
        raise ScenarioError(_sorted(issues))
    return scenario


def _sorted(issues: list[ScenarioIssue]) -> list[ScenarioIssue]:
    return sorted(issues, key=lambda issue: issue.line or 0)


def _cross_checks(scenario: Scenario, file: Path, lines: LineMap) -> Iterable[ScenarioIssue]:
    """References between sections: proxies and providers must exist, kill needs a restartable target."""
    names = {p.name for p in scenario.providers}
    if len(names) != len(scenario.providers):
        yield ScenarioIssue(file, lines.line_for(["providers"]), "providers", "provider names must be unique")
    # The redis: section adds a proxy named "redis" (when proxied), not a provider.
    proxies = names | ({"redis"} if scenario.redis is not None and scenario.redis.proxied else set())
    for key in ("method", "rollbacks"):
        for index, action in enumerate(getattr(scenario, key)):
            for field, known in (("proxy", proxies), ("provider", names)):
                ref = getattr(action, field, None)
                if ref is not None and ref not in known:
                    what = "proxy" if field == "proxy" else "provider"
                    yield ScenarioIssue(
                        file,
                        lines.line_for([key, index, field]),
                        f"{key}.{index}.{field}",
                        f"no {what} named {ref!r}; {what} names: {', '.join(sorted(known)) or 'none'}",
                    )
            if action.kind in {"kill_redis", "restart_redis"} and scenario.redis is None:
                yield ScenarioIssue(
                    file,
                    lines.line_for([key, index, "action"]),
                    f"{key}.{index}.action",
                    "needs a 'redis:' section: only the harness's own redis-server may be killed",
                )
            if action.kind in {"kill_server", "restart_server"} and not scenario.target.restartable:
                yield ScenarioIssue(
                    file,
                    lines.line_for([key, index, "action"]),
                    f"{key}.{index}.action",
                    "a target given by URL cannot be killed or restarted by the harness",
                )
            if action.kind in CLUSTER_ACTIONS and scenario.target.kind != "cluster":
                yield ScenarioIssue(
                    file,
                    lines.line_for([key, index, "action"]),
                    f"{key}.{index}.action",
                    "acts on cluster instances: needs target: {kind: cluster, instances: N}",
                )
            instance = getattr(action, "instance", None)
            if isinstance(instance, int) and instance >= scenario.target.instances:
                yield ScenarioIssue(
                    file,
                    lines.line_for([key, index, "instance"]),
                    f"{key}.{index}.instance",
                    f"no instance {instance}: the cluster has {scenario.target.instances} (0-based)",
                )
            if key == "method" and action.at > scenario.phases.during + scenario.phases.after:
                yield ScenarioIssue(
                    file, lines.line_for([key, index, "at"]), f"{key}.{index}.at", "is after the run ends"
                )


def load_scenario(path: Path) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([ScenarioIssue(path, None, "", f"cannot read: {exc.strerror}")]) from exc
    return parse_scenario(text, path)


def scenario_files(paths: Iterable[Path], library: Path | None = None) -> list[Path]:
    """Files named directly, every *.yaml / *.yml in named directories (sorted), and a bare
    name (``hanging-provider``, ``cluster/rolling-restart``) that is no file here taken from the
    library (``scenarios/``)."""
    library = LIBRARY if library is None else library
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in SCENARIO_SUFFIXES))
        elif not path.exists() and path.suffix == "" and not path.is_absolute() and ".." not in path.parts:
            named = [library / f"{path}{suffix}" for suffix in SCENARIO_SUFFIXES]
            files.append(next((f for f in named if f.is_file()), named[0]))
        else:
            files.append(path)
    return files
