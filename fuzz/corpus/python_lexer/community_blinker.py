# SPDX-License-Identifier: MIT
"""
`community_blinker`
====================================================

A tiny stand-in for a Community Bundle library (cpslim test fixture).
It blinks a DigitalInOut without blocking, using a monotonic clock.

* Author(s): cpslim tests
"""

import time

__version__ = "1.0.3"
__repo__ = "https://github.com/example/CircuitPython_Community_Blinker.git"


class Blinker:
    """Toggle a pin every ``interval`` seconds.

    :param pin: a ``digitalio.DigitalInOut`` already switched to output
    :param float interval: seconds between toggles
    """

    def __init__(self, pin, interval: float = 0.5) -> None:
        self._pin = pin
        self._interval = interval
        self._last = time.monotonic()

    @property
    def interval(self) -> float:
        """Seconds between toggles."""
        return self._interval

    @interval.setter
    def interval(self, value: float) -> None:
        if value <= 0:
            raise ValueError("interval must be positive")
        self._interval = value

    def update(self) -> bool:
        """Call often; returns True when the pin was toggled."""
        now = time.monotonic()
        if now - self._last < self._interval:
            return False
        self._last = now
        self._pin.value = not self._pin.value
        return True
