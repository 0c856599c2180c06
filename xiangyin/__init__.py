"""The `xiangyin` command: one front door to the engine, the server and the evaluation."""
