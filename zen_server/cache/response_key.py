"""The response cache key: the one place it is built, so property tests can pin it.

A reply may be reused only for a request that would be sent identically. The key is the
sha256 of canonical JSON over:

* ``KEY_SCHEMA_VERSION`` (bumped whenever what goes in changes, so old entries miss);
* the resolved target: provider, canonical model and the name sent on the wire;
* every field of the :class:`ModelRequest`, found by walking the dataclass, so a field
  added later (a seed, a new sampling knob) joins the key without anyone remembering
  to add it; a value of a type the walk does not know is refused rather than skipped.

The messages carry the full history, the system prompt's text (so its version), the
embedded files' text and every image as a data URL, so their contents are in the key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from zen_server.providers.types import ModelRequest, ResolvedCall

KEY_SCHEMA_VERSION = 1


def canonical(value: Any) -> Any:
    """``value`` as plain JSON data; the dataclass's type name kept so two shapes never meet."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        # repr keeps every bit that matters (0.1 vs 0.1000000001), and NaN/inf stay distinct.
        return {"float": repr(value)}
    if isinstance(value, tuple | list):
        return [canonical(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"type": type(value).__name__, "fields": fields}
    raise TypeError(f"the response cache key cannot include a {type(value).__name__}; teach canonical() it")


def response_key(request: ModelRequest, target: ResolvedCall) -> str:
    """Hex sha256 naming exactly this request to exactly this model."""
    document = {
        "v": KEY_SCHEMA_VERSION,
        "target": [target.provider, target.model, target.api_model],
        "request": canonical(request),
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


__all__ = ["KEY_SCHEMA_VERSION", "canonical", "response_key"]
