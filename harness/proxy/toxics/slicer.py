"""slicer: cut each chunk into pieces of about ``average_size`` +/- ``size_variation`` bytes,
waiting ``delay`` microseconds (Toxiproxy's unit for this toxic) after each piece.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from harness.proxy.stream import Chunk, Signal
from harness.proxy.toxics.base import Toxic, ToxicStub, register_toxic


@register_toxic
@dataclass
class SlicerToxic(Toxic):
    type_name = "slicer"
    go_int_type = "int"
    average_size: int = 0  # bytes; 0 or less passes chunks whole
    size_variation: int = 0  # bytes, +/- around average_size
    delay: int = 0  # microseconds between pieces

    def cut_points(self, size: int) -> list[int]:
        """Offsets [0, a, b, ..., size]; halving recursively keeps pieces evenly varied."""
        if self.average_size <= 0 or size <= 0:
            return [0, size]
        points = [0]
        pending = [(0, size)]
        while pending:
            start, end = pending.pop()
            if (end - start) - self.average_size <= self.size_variation or end - start < 2:
                points.append(end)
                continue
            middle = start + (end - start) // 2
            if self.size_variation > 0:
                middle += random.randrange(-self.size_variation, self.size_variation)
            middle = min(max(middle, start + 1), end - 1)  # never an empty or inverted piece
            pending.append((middle, end))
            pending.append((start, middle))
        return points

    async def pipe(self, stub: ToxicStub) -> None:
        while True:
            item = await stub.receive()
            if item is Signal.INTERRUPT:
                return
            if item is Signal.END:
                stub.close()
                return
            points = self.cut_points(len(item.data))
            for index in range(1, len(points)):
                stub.send(Chunk(item.data[points[index - 1] : points[index]], item.timestamp))
                if index + 1 < len(points) and not await stub.sleep(self.delay / 1_000_000):
                    stub.send(Chunk(item.data[points[index] :], item.timestamp))
                    return
