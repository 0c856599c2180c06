"""What operators and integrators touch besides recognition: keys, TLS, health,
reflection, metrics, logs, the unary calls, configuration, the client CLI."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
import urllib.request
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from asr.audio import linear16
from eval.bench.server_process import free_port
from server.config import ServerConfig, load_config
from server.logs import LOGGER, JsonFormatter
from tests.server_harness import Served, Servers, config, fixture_audio, requests
from xiangyin.asr.v1 import asr_pb2 as pb
from xiangyin.asr.v1 import asr_pb2_grpc
from xiangyin.cli import main

ROOT = Path(__file__).resolve().parent.parent


def code_of(call: object) -> grpc.StatusCode:
    try:
        call()
    except grpc.RpcError as err:
        return err.code()
    return grpc.StatusCode.OK


def test_api_keys_authenticate_authorise_and_limit(servers: Servers, tmp_path: Path) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text(
        f'[[key]]\nname = "hotline"\nsha256 = "{hashlib.sha256(b"s3cret").hexdigest()}"\nmax_streams = 1\n'
        '[[key]]\nname = "dashboard"\nkey = "look-only"\nmethods = ["GetModelInfo", "ListDialects"]\n'
    )
    served = servers.start(api_keys=str(keys))
    stub = served.stub()
    info = pb.GetModelInfoRequest()
    assert code_of(lambda: stub.GetModelInfo(info)) == grpc.StatusCode.UNAUTHENTICATED
    assert code_of(lambda: stub.GetModelInfo(info, metadata=[("authorization", "Bearer nope")])) \
        == grpc.StatusCode.UNAUTHENTICATED
    assert code_of(lambda: stub.GetModelInfo(info, metadata=[("authorization", "Bearer s3cret")])) \
        == grpc.StatusCode.OK
    look = [("authorization", "Bearer look-only")]
    assert code_of(lambda: stub.GetModelInfo(info, metadata=look)) == grpc.StatusCode.OK
    recognize = pb.RecognizeRequest(config=config(16000).streaming_config.config, audio_content=bytes(3200))
    assert code_of(lambda: stub.Recognize(recognize, metadata=look)) == grpc.StatusCode.PERMISSION_DENIED


def test_tls_and_mutual_tls(servers: Servers, tmp_path: Path) -> None:
    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp_path)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca",
            "-keyout", "ca.key", "-out", "ca.pem")
    for name in ("server", "client"):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", f"{name}.key",
                "-out", f"{name}.csr")
        (tmp_path / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "1", "-extfile", "san.ext", "-out", f"{name}.pem")
    pem = {p.name: p.read_bytes() for p in tmp_path.glob("*.*")}
    served = servers.start(tls_cert=str(tmp_path / "server.pem"), tls_key=str(tmp_path / "server.key"),
                           tls_client_ca=str(tmp_path / "ca.pem"))
    target = f"localhost:{served.running.port}"

    def info(credentials: grpc.ChannelCredentials) -> grpc.StatusCode:
        with grpc.secure_channel(target, credentials) as channel:
            stub = asr_pb2_grpc.AsrStub(channel)
            return code_of(lambda: stub.GetModelInfo(pb.GetModelInfoRequest(), timeout=10))

    with_cert = grpc.ssl_channel_credentials(pem["ca.pem"], pem["client.key"], pem["client.pem"])
    assert info(with_cert) == grpc.StatusCode.OK
    assert info(grpc.ssl_channel_credentials(pem["ca.pem"])) != grpc.StatusCode.OK  # no client certificate
    with grpc.insecure_channel(target) as plain:  # plaintext to a TLS port
        stub = asr_pb2_grpc.AsrStub(plain)
        assert code_of(lambda: stub.GetModelInfo(pb.GetModelInfoRequest(), timeout=5)) != grpc.StatusCode.OK


def test_health_and_reflection(server: Served) -> None:
    with grpc.insecure_channel(server.target) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for service in ("", "xiangyin.asr.v1.Asr"):
            reply = health.Check(health_pb2.HealthCheckRequest(service=service))
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
        ask = reflection_pb2.ServerReflectionRequest(list_services="")
        [reply] = reflection.ServerReflectionInfo(iter([ask]))
        names = {s.name for s in reply.list_services_response.service}
        assert {"xiangyin.asr.v1.Asr", "grpc.health.v1.Health"} <= names


def test_recognize_list_dialects_and_model_info(server: Served) -> None:
    stub = server.stub()
    samples, rate, _ = fixture_audio("s11-0000035")
    reply = stub.Recognize(pb.RecognizeRequest(config=config(rate).streaming_config.config,
                                               audio_content=linear16(samples)))
    assert reply.results and reply.results[0].alternatives[0].transcript
    assert abs(reply.total_audio_time.ToNanoseconds() / 1e9 - len(samples) / rate) < 0.01
    rows = stub.ListDialects(pb.ListDialectsRequest()).dialects
    assert len(rows) == 337 and sum(r.in_333 for r in rows) == 333
    sichuan = stub.ListDialects(pb.ListDialectsRequest(province="四川")).dialects
    assert sichuan and all("四川" in r.province for r in sichuan)
    chengdu = next(r for r in rows if r.name.startswith("成都"))
    assert chengdu.variety == "cmn-x-sichuan" and not chengdu.decodable  # this server loaded cmn, yue, en
    beijing = next(r for r in rows if r.variety == "cmn")
    assert beijing.decodable and beijing.coverage_level >= 2  # lexicon + LM text + training data
    info = stub.GetModelInfo(pb.GetModelInfoRequest())
    assert info.kind == "xiangyin-emformer" and info.name == "default"
    assert sorted(info.decoder_dialects) == ["cmn", "en", "yue"]
    assert info.chunk_ms == 320 and info.frame_shift_ms == 20 and info.parameters > 1_000_000  # two CTC slots


def test_recognize_refuses_audio_longer_than_its_limit(servers: Servers) -> None:
    served = servers.start(max_recognize_seconds=1.0)
    request = pb.RecognizeRequest(config=config(16000).streaming_config.config, audio_content=bytes(64000))
    with pytest.raises(grpc.RpcError) as caught:
        served.stub().Recognize(request)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "StreamingRecognize" in caught.value.details()


def test_metrics_count_audio_streams_and_codes(servers: Servers) -> None:
    port = free_port()
    served = servers.start(metrics_port=port)
    samples, rate, _ = fixture_audio("s11-0000035")
    list(served.stub().StreamingRecognize(requests(config(rate), linear16(samples))))
    with pytest.raises(grpc.RpcError):
        list(served.stub().StreamingRecognize(requests(config(4000), bytes(100))))
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    audio = next(line for line in text.splitlines() if line.startswith("xiangyin_audio_seconds_total"))
    assert abs(float(audio.split()[-1]) - len(samples) / rate) < 0.01
    assert 'xiangyin_calls_total{code="OK",method="StreamingRecognize"} 1.0' in text
    assert 'xiangyin_calls_total{code="INVALID_ARGUMENT",method="StreamingRecognize"} 1.0' in text
    assert "xiangyin_active_streams 0.0" in text
    assert "xiangyin_final_latency_seconds_count 1.0" in text


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(JsonFormatter().format(record))


@pytest.mark.parametrize("log_content", [False, True])
def test_logs_are_json_and_hold_transcripts_only_when_allowed(servers: Servers, log_content: bool) -> None:
    served = servers.start(log_content=log_content)
    handler = Captured()
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    try:
        samples, rate, _ = fixture_audio("s11-0000035")
        list(served.stub().StreamingRecognize(requests(config(rate), linear16(samples))))
    finally:
        LOGGER.removeHandler(handler)
    entries = [json.loads(line) for line in handler.lines]
    ended = next(e for e in entries if e["event"] == "stream ended")
    assert ended["audio_s"] > 0 and ended["finals"] == 1 and ended["encoding"] == "LINEAR16"
    assert any("transcript" in e for e in entries) is log_content


def test_settings_come_from_toml_then_environment_then_flags(tmp_path: Path) -> None:
    toml = tmp_path / "xiangyin.toml"
    toml.write_text('[server]\nport = 6000\nmax_streams = 10\ndialects = ["cmn", "yue"]\nlog_content = 1\n')
    loaded = load_config(toml, {"XIANGYIN_MAX_STREAMS": "20", "XIANGYIN_LOG_CONTENT": "off"}, {"port": 7000})
    assert (loaded.port, loaded.max_streams, loaded.log_content) == (7000, 20, False)
    assert loaded.dialects == ("cmn", "yue")
    assert load_config(None, {}, {}) == ServerConfig()
    toml.write_text("[server]\nmax_stream = 3\n")
    with pytest.raises(ValueError, match="unknown settings"):
        load_config(toml, {}, {})
    with pytest.raises(ValueError, match="max_streams"):
        load_config(None, {"XIANGYIN_MAX_STREAMS": "many"}, {})
    with pytest.raises(ValueError, match="tls_key"):
        ServerConfig(tls_cert="cert.pem")


def test_the_committed_grpc_modules_match_the_proto(tmp_path: Path) -> None:
    outputs = [f"--python_out={tmp_path}", f"--pyi_out={tmp_path}", f"--grpc_python_out={tmp_path}"]
    command = [sys.executable, "-m", "grpc_tools.protoc", "-Iproto", *outputs, "xiangyin/asr/v1/asr.proto"]
    subprocess.run(command, check=True, cwd=ROOT)
    for name in ("asr_pb2.py", "asr_pb2.pyi", "asr_pb2_grpc.py"):
        generated = (tmp_path / "xiangyin" / "asr" / "v1" / name).read_text()
        assert generated == (ROOT / "xiangyin" / "asr" / "v1" / name).read_text(), f"{name}: run `make proto`"


def test_transcribe_cli_prints_one_json_line_per_result(
    server: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    audio = ROOT / "tests" / "fixtures" / "synth" / "audio" / "s11-0000035.flac"
    assert main(["transcribe", str(audio), "--server", server.target, "--json", "--hotword", "湖州:5"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["is_final"] for line in lines] == [False] * (len(lines) - 1) + [True]
    final = lines[-1]
    assert final["transcript"] and final["words"][0]["dialect"] in ("cmn", "yue", "en")
    assert set(final) >= {"is_final", "transcript", "stability", "dialect", "words"}
    assert set(final["words"][0]) == {"word", "start", "end", "confidence", "dialect"}
    assert main(["transcribe", str(audio), "--server", server.target, "--dialect", "xx", "--json"]) == 1
    error = json.loads(capsys.readouterr().out)
    assert error["error"] == "INVALID_ARGUMENT" and "xx" in error["message"]


def test_each_key_has_its_own_stream_quota_inside_the_servers() -> None:
    from server.admission import Admission, Overloaded
    from server.auth import ApiKey

    admission, hotline = Admission(max_streams=2), ApiKey("hotline", "0" * 64, max_streams=1)
    slot = admission.admit(hotline)
    with pytest.raises(Overloaded, match="'hotline' is at its limit of 1"):
        admission.admit(hotline)
    admission.admit(None)
    with pytest.raises(Overloaded, match="server is at its limit of 2"):
        admission.admit(None)
    admission.release(slot)
    admission.admit(hotline)
