"""HPA-like stabilisation: act on the recommendations of a trailing window, not on one tick.

As the HPA's behaviour field does: scaling up takes the *lowest* recommendation of the
scale-up window (a one-tick blip does not add capacity), scaling down the *highest* of the
scale-down window (capacity goes only once every recent tick agreed it is spare). Time is
passed in, never read, so tests drive it without a clock.
"""

from __future__ import annotations

from collections import deque


class Stabiliser:
    def __init__(self, *, up_window_s: float, down_window_s: float) -> None:
        self.up_window_s = up_window_s
        self.down_window_s = down_window_s
        self._seen: deque[tuple[float, int]] = deque()

    def decide(self, now: float, current: int, recommended: int) -> int:
        self._seen.append((now, recommended))
        horizon = max(self.up_window_s, self.down_window_s)
        while self._seen and self._seen[0][0] < now - horizon:
            self._seen.popleft()
        if recommended > current:
            window = [r for t, r in self._seen if t >= now - self.up_window_s]
            return max(current, min(window))
        if recommended < current:
            window = [r for t, r in self._seen if t >= now - self.down_window_s]
            return min(current, max(window))
        return current


__all__ = ["Stabiliser"]
