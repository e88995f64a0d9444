"""Harvest queue consumers that keep waiting through quiet hours.

ckanext-harvest's ``ckan harvester gather-consumer`` and ``fetch-consumer`` wait for work with
a Redis BLPOP without a timeout, but redis-py 8 (CKAN 2.12's pin) gives every connection a
5-second socket timeout, so an idle consumer exits after 5 s with "Timeout reading from socket"
and only runs again if a supervisor restarts it (several seconds of CPU each time, and no
consumer at all under ``make run``). These consumers take the same messages from the same queues
and hand them to ckanext-harvest's own callbacks, but ask Redis to wait at most
``WAIT_SECONDS`` at a time: Redis answers "nothing yet" before the client would give up, so no
wait is ever cut off mid-way (where a message popped at that instant could be lost).
Errors inside a callback are not caught here.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from ckanext.harvest import queue

WAIT_SECONDS = 2
Message = tuple[Any, Any, Any]
STAGES: dict[str, tuple[Callable[[], Any], Callable[[], str], Callable[..., Any]]] = {
    "gather": (queue.get_gather_consumer, queue.get_gather_queue_name, queue.gather_callback),
    "fetch": (queue.get_fetch_consumer, queue.get_fetch_queue_name, queue.fetch_callback),
}


def _redis_messages(consumer: queue.RedisConsumer) -> Iterator[Message]:
    while True:
        popped = consumer.redis.blpop(consumer.routing_key, timeout=WAIT_SECONDS)
        if popped is None:
            continue
        _, body = popped
        # Marks the message as taken, as RedisConsumer.consume does (basic_ack removes the mark).
        consumer.redis.set(consumer.persistance_key(body), str(datetime.now()))
        yield queue.FakeMethod(body), consumer, body


def messages(consumer: Any, queue_name: str) -> Iterator[Message]:
    """Every message of the queue as ckanext-harvest's consumers yield them, waiting as long as it takes."""
    if isinstance(consumer, queue.RedisConsumer):
        return _redis_messages(consumer)
    return consumer.consume(queue=queue_name)  # AMQP: the broker connection has its own heartbeat


def consume(stage: str, limit: int | None = None) -> int:
    """Run ``stage`` ("gather" or "fetch") messages through ckanext-harvest's callback; returns how
    many were handled (``limit`` stops after that many, for tests; None runs until killed)."""
    get_consumer, queue_name, callback = STAGES[stage]
    consumer = get_consumer()
    handled = 0
    for method, header, body in messages(consumer, queue_name()):
        callback(consumer, method, header, body)
        handled += 1
        if limit is not None and handled >= limit:
            break
    return handled
