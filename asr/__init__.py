"""xiangyin's recognition engine: a library with no network code (DESIGN §1)."""
