"""Evaluation harness: per-dialect figures and coverage toward the 333 (DESIGN §4)."""
