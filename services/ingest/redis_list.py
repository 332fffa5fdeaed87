"""A lossless consumer of a Redis list fed by Suricata's `redis` output (`mode: list`).

Suricata `LPUSH`es each event (`mode: rpush` appends instead; pass `from_left`), so the oldest
event is at the right end. The reliable-queue pattern keeps every event in Redis until it is
stored:

1. `take`: a Lua script atomically moves up to a batch of items from the list into this
   consumer's processing list (`<key>:sightline:<consumer>:processing`); it waits (BLMOVE) when
   the list is empty.
2. The batch is stored; item *i* gets the offset `base + i`, where `base` is the consumer's
   counter (`...:offset`), the number of items it has finished.
3. `commit`: one MULTI deletes the processing list and advances the counter.

A crash between 1 and 3 leaves the processing list in place; `recover` hands it back on restart
with the same base, hence the same offsets, and `checkpoints.resume_point` skips the lines that
were stored before the crash. The state's id (`...:id`) is the checkpoint identity, so a Redis
that lost its state starts a fresh identity instead of skipping offsets it has reused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import redis

from services.ingest.pipeline import Line

# KEYS: list, processing. ARGV: max items, max bytes, source side, processing side.
MOVE_BATCH = """
local moved, size = 0, 0
while moved < tonumber(ARGV[1]) and size < tonumber(ARGV[2]) do
    local item = redis.call('LMOVE', KEYS[1], KEYS[2], ARGV[3], 'LEFT')
    if not item then break end
    moved = moved + 1
    size = size + string.len(item)
end
return moved
"""


@dataclass(frozen=True)
class Pending:
    """Items taken into the processing list and not yet committed, oldest first."""

    items: list[bytes]
    base: int

    def lines(self) -> list[Line]:
        found = []
        for index, item in enumerate(self.items):
            raw = item.rstrip(b"\r\n")
            if raw.strip():
                found.append(Line(raw=raw, offset=self.base + index, line_no=self.base + index + 1))
        return found

    @property
    def end(self) -> int:
        return self.base + len(self.items)


class RedisList:
    def __init__(
        self, client: redis.Redis, key: str, consumer: str = "default", from_left: bool = False
    ) -> None:
        self.client = client
        self.key = key
        self.consumer = consumer
        self.side = "LEFT" if from_left else "RIGHT"
        prefix = f"{key}:sightline:{consumer}"
        self.processing = f"{prefix}:processing"
        self.counter = f"{prefix}:offset"
        self.state_id = f"{prefix}:id"
        self._move: Any = client.register_script(MOVE_BATCH)

    @classmethod
    def from_url(
        cls, url: str, key: str, consumer: str = "default", from_left: bool = False
    ) -> RedisList:
        return cls(redis.Redis.from_url(url), key, consumer, from_left)

    def identity(self) -> str:
        """The id of this consumer's state (created on first use)."""
        self.client.set(self.state_id, uuid.uuid4().hex, nx=True)
        value = self.client.get(self.state_id)
        assert value is not None
        return f"redis:{self.consumer}:{_text(value)}"

    def recover(self) -> Pending | None:
        """The batch a previous run took and did not commit, if any."""
        items = [_bytes(item) for item in self.client.lrange(self.processing, 0, -1)]
        if not items:
            return None
        return Pending(list(reversed(items)), self._base())

    def take(self, max_items: int, max_bytes: int, wait_seconds: int) -> Pending | None:
        """Move up to a batch into the processing list; None if nothing came within the wait."""
        if self.client.llen(self.processing):
            pending = self.recover()
            assert pending is not None
            return pending
        moved = int(
            self._move(keys=[self.key, self.processing], args=self._args(max_items, max_bytes))
        )
        if moved == 0 and wait_seconds > 0:
            first = self.client.blmove(self.key, self.processing, wait_seconds, self.side, "LEFT")
            if first is None:
                return None
            if max_items > 1:
                self._move(
                    keys=[self.key, self.processing], args=self._args(max_items - 1, max_bytes)
                )
        return self.recover()

    def commit(self, pending: Pending) -> None:
        """The batch is stored: drop it from the processing list and advance the counter."""
        with self.client.pipeline(transaction=True) as pipe:
            pipe.delete(self.processing)
            pipe.set(self.counter, pending.end)
            pipe.execute()

    def backlog(self) -> int:
        return int(self.client.llen(self.key))

    def _args(self, max_items: int, max_bytes: int) -> list[Any]:
        return [max_items, max_bytes, self.side]

    def _base(self) -> int:
        value = self.client.get(self.counter)
        return int(_text(value)) if value is not None else 0


def _bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else value


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
