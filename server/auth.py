"""API keys: `authorization: Bearer <key>` metadata checked against a TOML key file.

The file stores SHA-256 digests, so a leaked file does not leak keys (a plain `key` is
accepted too, for development):

    [[key]]
    name = "hotline-chengdu"          # shows in logs and metrics instead of the key
    sha256 = "9f86d081884c7d65…"      # sha256 of the key's UTF-8 bytes, hex
    max_streams = 40                  # concurrent streams for this key (0 = only the server limit)
    methods = ["StreamingRecognize"]  # RPCs it may call (default: all)

Unknown or missing key → UNAUTHENTICATED; a method the key may not call → PERMISSION_DENIED.
"""

from __future__ import annotations

import hashlib
import hmac
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

METHODS = ("StreamingRecognize", "Recognize", "ListDialects", "GetModelInfo")


@dataclass(frozen=True)
class ApiKey:
    name: str
    sha256: str
    max_streams: int = 0
    methods: tuple[str, ...] = METHODS


class AuthError(Exception):
    def __init__(self, message: str, denied: bool = False) -> None:
        super().__init__(message)
        self.denied = denied  # True: PERMISSION_DENIED; False: UNAUTHENTICATED


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def load_keys(path: Path) -> tuple[ApiKey, ...]:
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("key", [])
    keys = []
    for i, entry in enumerate(entries):
        name = entry.get("name") or f"key{i}"
        if ("sha256" in entry) == ("key" in entry):
            raise ValueError(f"{path}: key {name!r} needs exactly one of sha256 or key")
        methods = tuple(entry.get("methods", METHODS))
        unknown = sorted(set(methods) - set(METHODS))
        if unknown:
            raise ValueError(f"{path}: key {name!r} names unknown methods {unknown}; known: {METHODS}")
        sha = entry["sha256"].lower() if "sha256" in entry else digest(entry["key"])
        keys.append(ApiKey(name, sha, int(entry.get("max_streams", 0)), methods))
    if not keys:
        raise ValueError(f"{path}: no [[key]] entries; remove the api_keys setting to run without keys")
    return tuple(keys)


class KeyChecker:
    def __init__(self, keys: Sequence[ApiKey]) -> None:
        self.keys = tuple(keys)

    def check(self, authorization: str | None, method: str) -> ApiKey:
        if not authorization:
            raise AuthError("missing `authorization: Bearer <key>` metadata")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("authorization metadata must be `Bearer <key>`")
        wanted = digest(token.strip())
        # compare against every key so the time taken does not say which prefix matched
        found = [k for k in self.keys if hmac.compare_digest(k.sha256, wanted)]
        if not found:
            raise AuthError("unknown API key")
        if method not in found[0].methods:
            raise AuthError(f"API key {found[0].name!r} may not call {method}", denied=True)
        return found[0]
