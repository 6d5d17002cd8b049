"""What the scheduler does every minute (the task notify.send_due): hands out what has come
due — each registered producer first (the udmeldinger whose moment has come), then every
queued message whose next try is due and that no task is sending (a task lost with a worker
or a broker)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from orgreg import clock

from . import sending, services

# name → produce(now): queues what has come due, says how many messages it queued.
_PRODUCERS: dict[str, Callable[[datetime.datetime], int]] = {}


def register(name: str, produce: Callable[[datetime.datetime], int]) -> None:
    """Have the scheduler's sweep call `produce(now)` every minute."""
    _PRODUCERS[name] = produce


def run(now: datetime.datetime | None = None) -> int:
    now = now or clock.now()
    count = sum(produce(now) for produce in _PRODUCERS.values())
    for message in services.overdue(now):
        sending.deliver(message.pk)
        count += 1
    return count
