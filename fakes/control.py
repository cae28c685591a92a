"""The control API under /_fake: read and change behaviour, read stats, reset. JSON in and out.

    GET    /_fake/health                      {"status": "ok", "provider", "seed", "in_flight"}
    GET    /_fake/behaviour                   the provider's whole behaviour
    PUT    /_fake/behaviour                   replace it (body: a provider behaviour)
    PATCH  /_fake/behaviour                   merge: "default" overrides only the fields given,
                                              each "models" entry replaces that model (null deletes)
    GET    /_fake/behaviour/models/{model}    the model's override (404 when none)
    PUT    /_fake/behaviour/models/{model}    set the model's override
    DELETE /_fake/behaviour/models/{model}    drop the model's override
    GET    /_fake/stats[?bodies=N]            counters and the last N request bodies
    POST   /_fake/reset                       body (optional): {"behaviour": bool, "seed": int}

Bad input answers 400 with {"error": "<what is wrong>"}; the fake itself never fails on it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict

from fakes._errors import BehaviourError
from fakes.script import FakeRequest, Script, json_script
from fakes.spec import Behaviour, ProviderBehaviour, parse_model

if TYPE_CHECKING:
    from fakes.engine import FakeEngine

_MODELS_PREFIX = "/_fake/behaviour/models/"


class ResetRequest(BaseModel):
    """Body of POST /_fake/reset."""

    model_config = ConfigDict(extra="forbid")

    behaviour: bool = False
    seed: int | None = None


def _problem(status: int, message: str) -> Script:
    return json_script(status, {"error": message}, fault="control")


def _ok(payload: Any) -> Script:
    return json_script(200, payload, fault="control")


def _json_body(request: FakeRequest, *, required: bool) -> Any:
    if not request.body.strip():
        if required:
            raise BehaviourError("a JSON body is required")
        return {}
    try:
        return json.loads(request.body)
    except ValueError as exc:
        raise BehaviourError(f"the body is not valid JSON: {exc}") from exc


def _patched(current: ProviderBehaviour, patch: Any) -> ProviderBehaviour:
    if not isinstance(patch, dict):
        raise BehaviourError("the PATCH body must be a JSON object")
    merged = current.model_dump(mode="json", exclude_unset=False)
    for key, value in patch.items():
        if key == "default":
            override = parse_model(Behaviour, value, "default")
            merged["default"] = current.default.overridden_by(override).model_dump(mode="json")
        elif key == "models":
            if not isinstance(value, dict):
                raise BehaviourError("invalid behaviour patch: models: must be an object")
            for model, entry in value.items():
                if entry is None:
                    merged["models"].pop(model, None)
                else:
                    merged["models"][model] = parse_model(Behaviour, entry, f"models.{model}").model_dump(
                        mode="json", exclude_unset=True
                    )
        else:
            merged[key] = value
    return parse_model(ProviderBehaviour, merged, "behaviour patch")


def _models_route(engine: FakeEngine, request: FakeRequest, model: str) -> Script:
    current = engine.behaviour
    if request.method == "GET":
        if model not in current.models:
            return _problem(404, f"model {model!r} has no override; GET /_fake/behaviour shows all")
        return _ok(current.models[model].model_dump(mode="json", exclude_unset=True))
    models = dict(current.models)
    if request.method == "PUT":
        override = parse_model(Behaviour, _json_body(request, required=True), f"models.{model}")
        models[model] = override
    elif request.method == "DELETE":
        models.pop(model, None)
    else:
        return _problem(405, f"{request.method} is not allowed here; use GET, PUT or DELETE")
    engine.set_behaviour(current.model_copy(update={"models": models}))
    return _ok({"model": model, "behaviour": engine.behaviour.for_model(model).model_dump(mode="json")})


def describe(engine: FakeEngine) -> dict[str, Any]:
    """What /_fake/health and /_fake/reset report."""
    return {
        "status": "ok",
        "provider": engine.provider,
        "seed": engine.seed,
        "in_flight": engine.stats.in_flight,
    }


def _route(engine: FakeEngine, request: FakeRequest) -> Script:
    path, method = request.path.rstrip("/"), request.method
    if path.startswith(_MODELS_PREFIX) and len(path) > len(_MODELS_PREFIX):
        return _models_route(engine, request, unquote(path[len(_MODELS_PREFIX) :]))
    if path == "/_fake/health" and method == "GET":
        return _ok(describe(engine))
    if path == "/_fake/behaviour":
        if method == "GET":
            return _ok(engine.behaviour.model_dump(mode="json"))
        if method == "PUT":
            engine.set_behaviour(
                parse_model(ProviderBehaviour, _json_body(request, required=True), "behaviour")
            )
            return _ok(engine.behaviour.model_dump(mode="json"))
        if method == "PATCH":
            engine.set_behaviour(_patched(engine.behaviour, _json_body(request, required=True)))
            return _ok(engine.behaviour.model_dump(mode="json"))
        return _problem(405, f"{method} is not allowed on /_fake/behaviour; use GET, PUT or PATCH")
    if path == "/_fake/stats" and method == "GET":
        raw = request.query.get("bodies")
        if raw is not None and not (raw.isdigit() and int(raw) <= 100_000):
            return _problem(400, f"bodies must be a whole number between 0 and 100000, got {raw!r}")
        return _ok(engine.stats.snapshot(int(raw) if raw is not None else None))
    if path == "/_fake/reset" and method == "POST":
        reset = parse_model(ResetRequest, _json_body(request, required=False), "reset request")
        engine.reset(behaviour=reset.behaviour, seed=reset.seed)
        return _ok(describe(engine))
    return _problem(
        404, f"no control endpoint {method} {request.path}; see GET /_fake/health, /_fake/behaviour"
    )


def handle_control(engine: FakeEngine, request: FakeRequest) -> Script:
    """Answer one control request; validation problems become 400 naming the field."""
    try:
        return _route(engine, request)
    except BehaviourError as exc:
        return _problem(400, str(exc))
