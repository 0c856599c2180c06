"""Language-model building: real lmplz/build_binary over the project's own text."""

from pathlib import Path

from asr.lm import LMOptions, build_lm, load_lm, normalise_token, pieces, segment


def test_sentences_split_at_what_no_lexicon_can_pronounce() -> None:
    vocab = {"我", "去", "银行", "meeting", "开"}
    words = ["我", "去", "１２３", "銀行", "，", "开", "Meeting"]
    assert list(pieces(words, vocab)) == [["我", "去"], ["银行"], ["开", "meeting"]]


def test_normalisation() -> None:
    assert normalise_token("ＷｉＦｉ") == "wifi"
    assert normalise_token("醫院") == "医院"


def test_segmentation_by_variety() -> None:
    assert segment("我们去银行办理业务", "cmn")[:2] == ["我们", "去"]
    assert "佢哋" in segment("佢哋去咗銀行", "yue")


def test_build_a_per_variety_lm(built: list[str], tmp_path: Path) -> None:
    report = build_lm("yue", ["yue"], tmp_path, LMOptions(order=3))
    assert report.path.exists() and report.size_bytes == report.path.stat().st_size
    assert report.train_sentences > 10_000 and report.heldout_sentences > 500
    assert 10 < report.perplexity < 1000
    assert report.oov_rate < 0.1
    model = load_lm(report.path)
    assert model.order == 3
    assert model.score("我 哋 去 饮茶") > model.score("饮茶 去 哋 我")


def test_character_lm_for_lexicon_free_decoding(built: list[str], tmp_path: Path) -> None:
    report = build_lm("yue-chars", ["yue"], tmp_path, LMOptions(order=4, characters=True))
    model = load_lm(report.path)
    assert "佢哋" not in model and "佢" in model
    assert report.perplexity < 200
