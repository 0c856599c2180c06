"""Server settings: defaults, overridden by a TOML file, then by XIANGYIN_* environment
variables, then by command-line flags — the usual order for a service run by an operator."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "XIANGYIN_"


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 50051  # 0 picks a free port (tests)
    model: str = "models/default"
    lm: str = "lexicons/build/lm/mixed.bin"  # "" decodes without an LM
    int8: bool = True  # the acoustic model's Linear layers in int8 (README, Performance); false = fp32
    dialects: tuple[str, ...] = ()  # lexicons to load; empty = every built one
    eval_results: tuple[str, ...] = ()  # `xiangyin eval` output folders: ListDialects' levels 3–4
    workers: int = 2  # threads doing model and decoder work; one torch thread each
    processes: int = 1  # servers sharing the port, each with its own GIL and memory (server/processes.py)
    max_streams: int = 64  # concurrent StreamingRecognize calls (per process) past which RESOURCE_EXHAUSTED
    max_stream_seconds: float = 4 * 3600.0  # audio per stream past which OUT_OF_RANGE
    idle_timeout_s: float = 30.0  # wait for the next message past which DEADLINE_EXCEEDED
    max_recognize_seconds: float = 120.0  # audio in one Recognize call
    max_message_bytes: int = 8 * 1024 * 1024  # any request (Recognize carries whole recordings)
    max_audio_chunk_bytes: int = 1024 * 1024  # one StreamingRecognize audio message (32 s at 16 kHz)
    drain_grace_s: float = 20.0  # on SIGTERM, time in-flight streams get to finish by themselves
    metrics_port: int = 9464  # Prometheus /metrics over HTTP; 0 = off
    metrics_host: str = "127.0.0.1"
    tls_cert: str = ""  # PEM files; both set = TLS
    tls_key: str = ""
    tls_client_ca: str = ""  # set = mutual TLS: clients must present a certificate it signed
    api_keys: str = ""  # TOML key file (see server/auth.py); "" = no authentication
    log_level: str = "INFO"
    log_content: bool = False  # put transcripts in the logs (never audio); off by default: privacy

    def __post_init__(self) -> None:
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ValueError("TLS needs both tls_cert and tls_key")
        if self.tls_client_ca and not self.tls_cert:
            raise ValueError("mutual TLS (tls_client_ca) needs tls_cert and tls_key")
        if self.workers < 1 or self.max_streams < 1 or self.processes < 1:
            raise ValueError("workers, processes and max_streams must be at least 1")
        if self.processes > 1 and self.port == 0:
            raise ValueError("several processes share one port: give a port other than 0")


def _coerce(name: str, value: Any) -> Any:
    """A TOML, environment or flag value → the field's type, with the field named on error."""
    default = getattr(ServerConfig(), name)
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                if value.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                    raise ValueError(value)
                return value.lower() in ("1", "true", "yes", "on")
            return bool(value)
        if isinstance(default, tuple):
            items = value.split(",") if isinstance(value, str) else value
            return tuple(str(v).strip() for v in items if str(v).strip())
        return type(default)(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"setting {name!r}: cannot read {value!r} as {type(default).__name__}") from err


def load_config(
    toml_path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
) -> ServerConfig:
    names = {f.name for f in fields(ServerConfig)}
    values: dict[str, Any] = {}
    if toml_path is not None:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        table = data.get("server", data)
        unknown = sorted(set(table) - names)
        if unknown:
            raise ValueError(f"{toml_path}: unknown settings {unknown}; known: {sorted(names)}")
        values.update(table)
    environ = os.environ if environ is None else environ
    for name in names:
        if ENV_PREFIX + name.upper() in environ:
            values[name] = environ[ENV_PREFIX + name.upper()]
    values.update({k: v for k, v in (flags or {}).items() if v is not None})
    return replace(ServerConfig(), **{k: _coerce(k, v) for k, v in values.items()})
