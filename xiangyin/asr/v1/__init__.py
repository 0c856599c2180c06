"""Generated gRPC stubs for proto/xiangyin/asr/v1 (`make proto`): import these to call the service."""
