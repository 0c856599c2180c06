import unicodedata

import pytest

from asr.lexicon import BUILD_DIR, built_varieties


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.fixture(scope="session")
def built() -> list[str]:
    """Built lexicons: `make test` builds them before pytest runs."""
    varieties = built_varieties(BUILD_DIR)
    if not varieties:
        pytest.fail("no built lexicons in lexicons/build: run `make test` or `xiangyin lexicon build`")
    return varieties
