"""A proxy's toxics: one ordered chain per direction, and the live links they apply to.

Owns the JSON handling of toxic create/update (Toxiproxy's defaults, checks and error
order) and fans every change out to the connections that are open right now.
"""

from __future__ import annotations

import asyncio

from harness.errors import ToxiproxyBadRequest, ToxiproxyConflict, ToxiproxyNotFound
from harness.proxy import decoding
from harness.proxy.link import ToxicLink
from harness.proxy.stream import Direction, parse_direction
from harness.proxy.toxics.base import Toxic, ToxicWrapper, new_toxic

INVALID_STREAM = "stream was invalid, can be either upstream or downstream"
INVALID_TYPE = "invalid toxic type"
TOXIC_EXISTS = "toxic already exists"
TOXIC_NOT_FOUND = "toxic not found"
_STRUCT = "toxics.ToxicWrapper"


def _decode_attributes(toxic: Toxic, raw: object) -> dict[str, int]:
    """Validated attribute values present in ``raw``; absent ones are left as they are."""
    if decoding.is_missing(raw):
        return {}
    attributes = decoding.require_object(raw, f"*toxics.{type(toxic).__name__}")
    values: dict[str, int] = {}
    for name in toxic.attribute_names():
        value = decoding.get_int(attributes, name, ".attributes", toxic.go_int_type)
        if value is not None:
            values[name] = value
    return values


class ToxicCollection:
    def __init__(self) -> None:
        self._chains: dict[Direction, list[ToxicWrapper]] = {d: [] for d in Direction}
        self._links: set[ToxicLink] = set()
        self._lock = asyncio.Lock()  # one change at a time: removals await live links

    # -- reading --------------------------------------------------------------------

    def toxics(self) -> list[ToxicWrapper]:
        return [wrapper for direction in Direction for wrapper in self._chains[direction]]

    def get(self, name: str) -> ToxicWrapper:
        for wrapper in self.toxics():
            if wrapper.name == name:
                return wrapper
        raise ToxiproxyNotFound(TOXIC_NOT_FOUND)

    def chain(self, direction: Direction) -> list[ToxicWrapper]:
        return list(self._chains[direction])

    # -- links ----------------------------------------------------------------------

    def attach(self, link: ToxicLink) -> None:
        self._links.add(link)

    def detach(self, link: ToxicLink) -> None:
        self._links.discard(link)

    def _links_for(self, direction: Direction) -> list[ToxicLink]:
        return [link for link in self._links if link.direction == direction]

    # -- changes --------------------------------------------------------------------

    async def add_json(self, body: object) -> ToxicWrapper:
        obj = decoding.require_object(body, _STRUCT)
        name = decoding.get_str(obj, "name", "ToxicWrapper", "")
        type_name = decoding.get_str(obj, "type", "ToxicWrapper", "")
        stream = decoding.get_str(obj, "stream", "ToxicWrapper", "downstream")
        toxicity = decoding.get_float(obj, "toxicity", "ToxicWrapper", 1.0)
        raw_attributes = decoding.lookup(obj, "attributes")
        direction = parse_direction(stream)
        if direction is None:
            raise ToxiproxyBadRequest(INVALID_STREAM)
        name = name or f"{type_name}_{stream}"
        toxic = new_toxic(type_name)
        if toxic is None:
            raise ToxiproxyBadRequest(INVALID_TYPE)
        async with self._lock:
            if any(wrapper.name == name for wrapper in self.toxics()):
                raise ToxiproxyConflict(TOXIC_EXISTS)
            toxic.set_attributes(_decode_attributes(toxic, raw_attributes))
            wrapper = ToxicWrapper(name, type_name, stream, toxicity, direction, toxic)
            self._chains[direction].append(wrapper)
            for link in self._links_for(direction):
                link.add_toxic(wrapper)
            return wrapper

    async def update_json(self, name: str, body_text: bytes) -> ToxicWrapper:
        async with self._lock:
            wrapper = self.get(name)  # 404 before looking at the body, as Toxiproxy does
            obj = decoding.require_object(decoding.decode_body(body_text), "struct")
            values = _decode_attributes(wrapper.toxic, decoding.lookup(obj, "attributes"))
            toxicity = decoding.get_float(obj, "toxicity", "struct", wrapper.toxicity)
            wrapper.toxic.set_attributes(values)
            wrapper.toxicity = toxicity
            await asyncio.gather(*(link.update_toxic(wrapper) for link in self._links_for(wrapper.direction)))
            return wrapper

    async def remove(self, name: str) -> None:
        async with self._lock:
            wrapper = self.get(name)
            await self._remove(wrapper)

    async def reset(self) -> None:
        async with self._lock:
            for wrapper in self.toxics():
                await self._remove(wrapper)

    async def _remove(self, wrapper: ToxicWrapper) -> None:
        self._chains[wrapper.direction].remove(wrapper)
        links = self._links_for(wrapper.direction)
        await asyncio.gather(*(link.remove_toxic(wrapper) for link in links))
