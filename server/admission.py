"""Concurrency limits: the server's and each API key's. A call over either is refused at
once (RESOURCE_EXHAUSTED) rather than queued, so a hotline platform can route it elsewhere.
Used from the event loop only, so plain counters suffice."""

from __future__ import annotations

from server.auth import ApiKey


class Overloaded(Exception):
    pass


class Admission:
    def __init__(self, max_streams: int) -> None:
        self.max_streams = max_streams
        self.active = 0
        self.per_key: dict[str, int] = {}
        self.draining = False

    def admit(self, key: ApiKey | None) -> str:
        """Take a stream slot (and one of the key's); give it back with `release`."""
        if self.draining:
            raise Overloaded("the server is shutting down; reconnect to another instance")
        if self.active >= self.max_streams:
            raise Overloaded(f"the server is at its limit of {self.max_streams} concurrent streams")
        name = key.name if key else ""
        if key and key.max_streams and self.per_key.get(name, 0) >= key.max_streams:
            raise Overloaded(f"API key {name!r} is at its limit of {key.max_streams} concurrent streams")
        self.active += 1
        self.per_key[name] = self.per_key.get(name, 0) + 1
        return name

    def release(self, name: str) -> None:
        self.active -= 1
        self.per_key[name] -= 1
