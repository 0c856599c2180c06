"""The gRPC service around asr.Recognizer (arrives with the service issue)."""
