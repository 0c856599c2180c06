"""Lexicon-free decoding for character-vocabulary models (a transformers CTC model
whose vocabulary is characters): flashlight-text's lexicon-free search scored by a
character KenLM (`xiangyin lm build --characters`), through the same incremental
stream as the unit decoder.

Such a vocabulary says nothing about dialect, so words carry an empty dialect tag;
hotwords and dialect hints need the lexicon decoder and are refused here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from flashlight.lib.text.decoder import CriterionType, LexiconFreeDecoder, LexiconFreeDecoderOptions
from flashlight.lib.text.decoder.kenlm import KenLM
from flashlight.lib.text.dictionary import Dictionary

from asr.decode_result import DecodeResult, DecoderOptions, LogProbs, Word
from asr.search_stream import SearchStream, Span

WORD_DELIMITER = "|"
CHARACTER_LM_SUFFIX = "-chars"  # `xiangyin lm build --characters` names an LM NAME-chars.bin


def character_lm(lm_path: Path) -> Path:
    """The character LM for a word LM's path (a character LM's path is kept), so one
    LM setting serves unit and character models alike."""
    if lm_path.stem.endswith(CHARACTER_LM_SUFFIX):
        return lm_path
    return lm_path.with_name(f"{lm_path.stem}{CHARACTER_LM_SUFFIX}{lm_path.suffix}")


class CharDecoder:
    def __init__(self, tokens: Sequence[str], blank: int, lm_path: Path | None) -> None:
        if not 0 <= blank < len(tokens):
            raise ValueError(f"blank index {blank} outside the {len(tokens)}-token vocabulary")
        self.tokens = list(tokens)
        self.blank = blank
        self.delimiter = self.tokens.index(WORD_DELIMITER) if WORD_DELIMITER in self.tokens else blank
        dictionary = Dictionary()
        for token in self.tokens:
            dictionary.add_entry(token)
        if lm_path is not None and not lm_path.exists():
            raise FileNotFoundError(f"no character LM at {lm_path}; run `xiangyin lm build --characters`")
        self.lm = KenLM(str(lm_path), dictionary) if lm_path is not None else None

    def stream(self, options: DecoderOptions | None = None) -> SearchStream:
        options = options or DecoderOptions()
        if options.hotwords or options.dialects:
            raise ValueError("hotwords and dialect hints need a unit model and its lexicons")
        if self.lm is None:
            raise ValueError("lexicon-free decoding needs a character LM")
        search_options = LexiconFreeDecoderOptions(
            beam_size=options.beam_size,
            beam_size_token=options.beam_size_token or len(self.tokens),
            beam_threshold=options.beam_threshold,
            lm_weight=options.lm_weight * math.log(10),  # KenLM here answers in log10
            sil_score=0.0,
            log_add=False,
            criterion_type=CriterionType.CTC,
        )
        search = LexiconFreeDecoder(search_options, self.lm, self.delimiter, self.blank, [])
        return SearchStream(search, len(self.tokens), self._words, options, token_labels=True)

    def _words(self, spans: Sequence[Span], shift: float) -> list[Word]:
        """Han characters are words of their own; Latin letters join until a delimiter."""
        words: list[Word] = []
        latin: list[Span] = []

        def flush() -> None:
            if latin:
                text = "".join(self.tokens[s.label] for s in latin)
                confidence = sum(s.confidence for s in latin) / len(latin)
                words.append(Word(text, latin[0].begin * shift, (latin[-1].end + 1) * shift, confidence, ""))
                latin.clear()

        for span in spans:
            token = self.tokens[span.label]
            if span.label == self.delimiter:
                flush()
            elif token.isascii() and token.isalpha():
                latin.append(span)
            else:
                flush()
                words.append(Word(token, span.begin * shift, (span.end + 1) * shift, span.confidence, ""))
        flush()
        return words

    def decode(self, logprobs: LogProbs, options: DecoderOptions | None = None) -> DecodeResult:
        stream = self.stream(options)
        stream.accept(logprobs)
        return stream.finish()
