"""`xiangyin bench …`: performance figures printed by commands, never asserted in tests."""
