"""Client stubs of the xiangyin.asr API, generated from proto/."""
