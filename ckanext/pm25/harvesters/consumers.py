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

A fetch message is handled only when this consumer can claim its object (:func:`claim`):
ckanext-harvest's ``harvest_jobs_run`` re-queues every WAITING object it does not find on the
fetch queue, and between a gather writing its objects and queueing them, or a consumer taking a
message and starting the fetch, such an object is WAITING and off the queue: it would be queued
twice and fetched twice (the second import finds nothing to change, so the report said "not
modified" for what had just been updated). A second message for an object another consumer
holds or has finished is dropped; an object left in FETCH or IMPORT longer than the job time
budget (its consumer died) can be claimed again, which is what ckanext-harvest's re-queueing
is for.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from ckan import model

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestObject
from ckanext.pm25.harvesters import budget

log = logging.getLogger(__name__)

WAIT_SECONDS = 2
Message = tuple[Any, Any, Any]


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


def claim(body: Any) -> bool:
    """Take the object of fetch message ``body`` for this consumer (WAITING, or stuck in FETCH or
    IMPORT past the job time budget, becomes FETCH in one statement); False when another consumer
    holds it or it is done. A message without an object id is left to ckanext-harvest."""
    try:
        object_id = json.loads(body)["harvest_object_id"]
    except (ValueError, KeyError, TypeError):
        return True
    now = datetime.utcnow()
    stuck_since = now - timedelta(seconds=budget.seconds())
    table = HarvestObject.__table__
    claimed = model.Session.execute(table.update().where(
        table.c.id == object_id,
        sa.or_(table.c.state == "WAITING",
               sa.and_(table.c.state.in_(("FETCH", "IMPORT")),
                       table.c.fetch_started < stuck_since))).values(
        state="FETCH", fetch_started=now).returning(table.c.id)).first() is not None
    model.Session.commit()
    if not claimed and model.Session.query(HarvestObject.id).filter(
            HarvestObject.id == object_id).first() is None:
        return True  # ckanext-harvest logs and drops a message for an unknown object
    if not claimed:
        log.info("Harvest object %s is held by another consumer or done: message dropped",
                 object_id)
    return claimed


def handle_fetch(consumer: Any, method: Any, header: Any, body: Any) -> None:
    """ckanext-harvest's fetch callback for a message whose object this consumer claimed; a
    message for an object held elsewhere or done is acknowledged and dropped."""
    if claim(body):
        queue.fetch_callback(consumer, method, header, body)
    else:
        consumer.basic_ack(method.delivery_tag)
    model.Session.remove()


STAGES: dict[str, tuple[Callable[[], Any], Callable[[], str], Callable[..., Any]]] = {
    "gather": (queue.get_gather_consumer, queue.get_gather_queue_name, queue.gather_callback),
    "fetch": (queue.get_fetch_consumer, queue.get_fetch_queue_name, handle_fetch),
}


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
