"""Prometheus metrics, served over HTTP on their own port (`metrics_port`)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0)


@dataclass(frozen=True)
class Metrics:
    registry: CollectorRegistry
    active_streams: Gauge
    streams: Counter
    audio_seconds: Counter
    real_time_factor: Histogram
    chunk_latency: Histogram
    final_latency: Histogram
    responses: Counter

    @classmethod
    def create(cls) -> Metrics:
        r = CollectorRegistry()
        return cls(
            registry=r,
            active_streams=Gauge("xiangyin_active_streams", "Open StreamingRecognize calls", registry=r),
            streams=Counter("xiangyin_calls", "Finished calls by method and gRPC status code",
                            ["method", "code"], registry=r),
            audio_seconds=Counter("xiangyin_audio_seconds", "Audio received, seconds", registry=r),
            real_time_factor=Histogram(
                "xiangyin_real_time_factor", "Compute seconds per audio second, per call",
                buckets=(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0), registry=r),
            chunk_latency=Histogram(
                "xiangyin_chunk_latency_seconds", "Audio message received → its response sent",
                buckets=LATENCY_BUCKETS, registry=r),
            final_latency=Histogram(
                "xiangyin_final_latency_seconds", "Endpoint reached in the audio → final result sent",
                buckets=LATENCY_BUCKETS, registry=r),
            responses=Counter("xiangyin_results", "Results sent, by kind", ["kind"], registry=r),
        )

    def serve(self, host: str, port: int) -> None:
        start_http_server(port, addr=host, registry=self.registry)
