from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from asr.lexicon import BUILD_DIR, built_varieties

if TYPE_CHECKING:
    from collections.abc import Iterator

    from asr.recognizer import Recognizer
    from tests.server_harness import Served, Servers

ROOT = Path(__file__).resolve().parent.parent


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.fixture(scope="session")
def built() -> list[str]:
    """Built lexicons: `make test` builds them before pytest runs."""
    varieties = built_varieties(BUILD_DIR)
    if not varieties:
        pytest.fail("no built lexicons in lexicons/build: run `make test` or `xiangyin lexicon build`")
    return varieties


@pytest.fixture(scope="session")
def recognizer(built: list[str]) -> Recognizer:
    """The shipped default model with the cmn, yue and en lexicons and the mixed KenLM,
    loaded once for every end-to-end test."""
    from asr.recognizer import Recognizer

    return Recognizer.load(ROOT / "models" / "default", ["cmn", "yue", "en"])


@pytest.fixture(scope="module")
def servers(recognizer: Recognizer) -> Iterator[Servers]:
    """Real servers on loopback ports sharing the session's recognizer; stopped per module."""
    from tests.server_harness import Servers

    s = Servers(recognizer)
    yield s
    s.close()


@pytest.fixture(scope="module")
def server(servers: Servers) -> Served:
    return servers.start()
