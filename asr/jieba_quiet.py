"""jieba for word segmentation, imported without the noise it makes on import: a
setuptools deprecation warning (its pkg_resources fallback works without it) and a
debug log of dictionary loading, which users of `xiangyin lexicon build`, `lm build` and
`synth` would read as something gone wrong."""
from __future__ import annotations

import logging
import warnings
from typing import Any


def quiet_jieba() -> Any:  # jieba has no type hints
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        import jieba
    jieba.setLogLevel(logging.WARNING)
    return jieba
