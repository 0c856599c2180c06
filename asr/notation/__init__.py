"""Normalisers from each source notation into the shared unit inventory (`asr.units`).

Each module exposes `to_units(text) -> list[str]` for one word's pronunciation and raises
`asr.units.UnitError` on anything it cannot place.
"""
