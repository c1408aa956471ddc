"""What a build says while it works: one line per finished edition, and on a terminal a live
line with the elapsed time and what is still running."""

from __future__ import annotations

import sys
import threading
import time


class Progress:
    """One line per finished edition; a live line with elapsed time while work runs on a TTY."""

    def __init__(self, quiet: bool = False, stream=None) -> None:
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.live = not quiet and self.stream.isatty()
        self._running: list[str] = []
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def say(self, text: str) -> None:
        if not self.quiet:
            self._clear()
            print(text, file=self.stream, flush=True)

    def start(self, labels: list[str]) -> None:
        self._running = list(labels)
        self._started = time.monotonic()
        if self.live:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()

    def done(self, label: str) -> None:
        if label in self._running:
            self._running.remove(label)

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self._clear()

    def _tick(self) -> None:
        width = 24
        while not self._stop.wait(0.2):
            elapsed = time.monotonic() - self._started
            filled = int(elapsed * 4) % (2 * width)
            pos = filled if filled < width else 2 * width - filled - 1
            bar = "".join("=" if i == pos else " " for i in range(width))
            text = f"\r  [{bar}] {elapsed:5.1f} s  {', '.join(self._running)}"
            self.stream.write(text[:100].ljust(100))
            self.stream.flush()

    def _clear(self) -> None:
        if self.live:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()
