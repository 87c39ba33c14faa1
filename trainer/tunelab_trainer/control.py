"""How a running trainer is told to stop.

Stop (SIGTERM, or a line `stop` on stdin, which also works on Windows): finish the current step,
save the adapter, report done(status=stopped). A second stop skips the final evaluation.
Cancel (SIGINT): exit at once with code 130; the run then has no terminal event (interrupted).
"""

from __future__ import annotations

import os
import signal
import sys
import threading


class Control:
    def __init__(self) -> None:
        self._stops = 0

    def request_stop(self) -> None:
        self._stops += 1

    @property
    def stop_requested(self) -> bool:
        return self._stops > 0

    @property
    def hurry(self) -> bool:
        """Asked to stop twice: skip whatever is optional."""
        return self._stops > 1

    def install(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: self.request_stop())
        signal.signal(signal.SIGINT, _cancel)
        threading.Thread(target=self._read_stdin, name="stdin-control", daemon=True).start()

    def _read_stdin(self) -> None:
        # Raw reads on fd 0: a daemon thread blocked inside sys.stdin's buffered reader can hold
        # its lock while the interpreter shuts down.
        pending = b""
        while True:
            try:
                chunk = os.read(0, 4096)
            except OSError:
                return
            if not chunk:
                return
            pending += chunk
            *lines, pending = pending.split(b"\n")
            if any(line.strip().lower() == b"stop" for line in lines):
                self.request_stop()


def _cancel(*_) -> None:
    sys.stderr.write("tunelab: cancelled (SIGINT)\n")
    sys.stderr.flush()
    os._exit(130)
