"""The background processes the tests start (a Celery worker, the OpenID provider): stopped
the same way, politely first."""

from __future__ import annotations

import subprocess


def stop(process: subprocess.Popen, *, timeout: float) -> None:
    """Ask `process` to end (SIGTERM); kill it if it has not within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
