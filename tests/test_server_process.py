"""`xiangyin serve` as operators run it: a separate process that prints where it listens,
and on SIGTERM lets five live streams finish with their finals before it exits; with
`--processes 2`, two such servers on one port under a supervisor."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import grpc
import psutil

from eval.bench.server_process import free_port, listening_pids, wait_for_listeners
from server.client import Connection, StreamOptions, load_audio, stream
from tests.server_harness import FIXTURES

ROOT = Path(__file__).resolve().parent.parent


def test_sigterm_during_five_live_streams_lets_each_get_its_final(built: list[str]) -> None:
    command = [sys.executable, "-c", "import sys; from xiangyin.cli import main; sys.exit(main())", "serve",
               "--port", "0", "--metrics-port", "0", "--dialects", "cmn,yue,en"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        match = re.search(r"on 127\.0\.0\.1:(\d+)", banner)
        assert match, f"no address in {banner!r}: {process.stderr.read() if process.stderr else ''}"
        connection = Connection(f"127.0.0.1:{match.group(1)}")
        rows = [json.loads(line) for line in (FIXTURES / "manifest.jsonl").read_text().splitlines()][:5]
        finals: dict[int, int] = {}
        errors: list[grpc.RpcError] = []
        started = threading.Barrier(6)

        def caller(i: int) -> None:
            audio = load_audio(FIXTURES / rows[i]["audio"])
            with connection.channel() as channel:
                responses = stream(connection.stub(channel), audio, StreamOptions(realtime=True))
                try:
                    first = True
                    for timed in responses:
                        if first:
                            started.wait(timeout=60)
                            first = False
                        finals[i] = finals.get(i, 0) + sum(r.is_final for r in timed.response.results)
                except grpc.RpcError as err:
                    errors.append(err)

        threads = [threading.Thread(target=caller, args=(i,)) for i in range(5)]
        for t in threads:
            t.start()
        started.wait(timeout=60)  # every caller has its first response: five streams are live
        process.send_signal(signal.SIGTERM)
        for t in threads:
            t.join(timeout=60)
        assert process.wait(timeout=60) == 0
        assert not errors
        assert sorted(finals) == [0, 1, 2, 3, 4] and all(finals[i] >= 1 for i in finals)
        log = process.stderr.read() if process.stderr else ""
        assert '"event": "draining", "active_streams": 5' in log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def start_two_servers() -> tuple[subprocess.Popen[bytes], str]:
    """`xiangyin serve --processes 2` on a free port, once both servers listen."""
    port = free_port()
    command = [sys.executable, "-c", "import sys; from xiangyin.cli import main; sys.exit(main())", "serve",
               "--port", str(port), "--metrics-port", "0", "--dialects", "cmn,yue,en", "--processes", "2"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    target = f"127.0.0.1:{port}"
    try:
        wait_for_listeners(process, target, 2, timeout_s=120)
    except RuntimeError:
        process.kill()
        raise
    return process, target


def test_two_processes_share_the_port_and_stop_together(built: list[str]) -> None:
    """`--processes 2`: two servers listen on one port, calls on separate connections get
    their finals, and SIGTERM to the supervisor drains both and leaves no process."""
    process, target = start_two_servers()
    try:
        servers = [psutil.Process(pid) for pid in listening_pids(target)]
        assert all(s.ppid() == process.pid for s in servers)  # the supervisor's two children
        connection = Connection(target)
        audio = load_audio(FIXTURES / "audio" / "s11-0000003.flac")
        transcripts = []
        for _ in range(4):  # a connection each: the kernel picks the server
            with connection.channel() as channel:
                results = [r for t in stream(connection.stub(channel), audio, StreamOptions())
                           for r in t.response.results if r.is_final]
            transcripts.append(results[0].alternatives[0].transcript)
        assert len(set(transcripts)) == 1 and transcripts[0]  # the same model in each server
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert not any(s.is_running() and s.status() != psutil.STATUS_ZOMBIE for s in servers)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_one_server_dying_stops_the_set(built: list[str]) -> None:
    process, target = start_two_servers()
    try:
        first, second = (psutil.Process(pid) for pid in listening_pids(target))
        first.kill()
        assert process.wait(timeout=60) != 0  # the service manager sees a failure and restarts
        second.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
