"""Lexicon-free decoding of a character vocabulary with a real character KenLM."""

from pathlib import Path

import pytest

from asr.char_decoder import CharDecoder
from asr.decode_result import DecoderOptions
from asr.decoder import BLANK
from tests.decoding import build_lm, posteriors

TOKENS = [BLANK, "|", "我", "去", "银", "印", "行", "取", "钱", "o", "k"]


@pytest.fixture(scope="module")
def decoder(tmp_path_factory: pytest.TempPathFactory) -> CharDecoder:
    tmp = tmp_path_factory.mktemp("charlm")
    build_lm(tmp, ["我 去 银 行 取 钱"] * 20 + ["印 行"] * 2 + ["o k"] * 5)
    return CharDecoder(TOKENS, 0, tmp / "lm.bin")


def misleading() -> list[str | dict[str, float]]:
    return [BLANK, "我", BLANK, "去", "去", BLANK, {"印": 0.55, "银": 0.44}, BLANK, "行", BLANK,
            "|", "o", BLANK, "k", "k", BLANK]


def test_character_lm_fixes_the_acoustic_choice(decoder: CharDecoder) -> None:
    logp = posteriors(TOKENS, misleading())
    assert decoder.decode(logp, DecoderOptions(lm_weight=0.0)).transcript == "我去印行 ok"
    result = decoder.decode(logp, DecoderOptions(lm_weight=1.0))
    assert result.transcript == "我去银行 ok"
    assert [w.text for w in result.alternatives[0].words] == ["我", "去", "银", "行", "ok"]
    assert all(w.dialect == "" for w in result.alternatives[0].words)


def test_incremental_equals_batch(decoder: CharDecoder) -> None:
    logp = posteriors(TOKENS, misleading())
    options = DecoderOptions(max_alternatives=2)
    stream = decoder.stream(options)
    for i in range(0, len(logp), 3):
        stream.accept(logp[i : i + 3])
    incremental, batch = stream.finish().alternatives, decoder.decode(logp, options).alternatives
    assert [(a.transcript, a.words, a.score) for a in incremental] == [
        (a.transcript, a.words, a.score) for a in batch
    ]
    # n-best shares are normalised over the whole beam, whose weakest members may differ
    assert [a.confidence for a in incremental] == pytest.approx([a.confidence for a in batch], abs=1e-3)


def test_refuses_what_needs_a_lexicon(decoder: CharDecoder, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="dialect hints"):
        decoder.stream(DecoderOptions(dialects=("yue",)))
    with pytest.raises(FileNotFoundError, match="lm build --characters"):
        CharDecoder(TOKENS, 0, tmp_path / "missing.bin")
