"""`xiangyin serve --processes N`: N whole servers sharing one port.

In one process the lexicon search and the event loop need Python's GIL, and at about 32
real-time streams on two cores the streams wait for it while a core idles (README,
Performance). Servers in separate processes each have their own GIL; they listen on the
same port (grpcio sets SO_REUSEPORT) and the kernel spreads new connections over them.
Each holds its own model and lexicon trie, so each costs a server's memory.

The supervisor forwards SIGTERM and SIGINT, so every server drains its own streams, and
exits once all have. Should one server die on its own, it stops the others and exits
with that server's code: the service manager restarts the whole set.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import asdict, replace
from types import FrameType

from server.config import ENV_PREFIX, ServerConfig


def server_environment(config: ServerConfig, index: int) -> dict[str, str]:
    """Server `index`'s settings as XIANGYIN_* variables (they override any TOML file it
    would read): one process, and its own metrics port next to the first one."""
    metrics_port = config.metrics_port + index if config.metrics_port else 0
    settings = asdict(replace(config, processes=1, metrics_port=metrics_port))
    environment = dict(os.environ)
    for name, value in settings.items():
        if isinstance(value, tuple):
            value = ",".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        environment[ENV_PREFIX + name.upper()] = str(value)
    return environment


def supervise(config: ServerConfig) -> int:
    """Run `config.processes` servers until a signal stops them; their exit status."""
    command = [sys.executable, "-m", "xiangyin.cli", "serve"]
    servers = [subprocess.Popen(command, env=server_environment(config, i)) for i in range(config.processes)]
    stopping = False

    def forward(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for server in servers:
            if server.poll() is None:
                server.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, forward)
    first_exit = 0
    running = {server.pid: server for server in servers}
    while running:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        server = running.pop(pid, None)
        if server is None:
            continue
        code = os.waitstatus_to_exitcode(status)
        server.returncode = code
        if not stopping:  # died on its own: take the rest down with it, and fail
            code = code or 1
            forward(signal.SIGTERM, None)
        first_exit = first_exit or code
    return first_exit
