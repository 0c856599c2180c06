"""Coverage levels are measured from what exists, never typed in."""

from dataclasses import replace

from asr.dialects import load_registry
from eval.coverage import compute_coverage, variety_evidence


def test_a_lexicon_without_lm_text_is_level_zero(built: list[str]) -> None:
    nan = variety_evidence("nan")
    assert nan.lexicon_entries > 10_000
    assert (nan.level, nan.reason) == (0, "lexicon but no LM text")


def test_no_lexicon_is_level_zero() -> None:
    assert variety_evidence("hak-x-meizhou").level == 0


def test_level_one_needs_lexicon_and_text_it_reads(built: list[str]) -> None:
    cmn = variety_evidence("cmn")
    assert cmn.level == 1
    assert cmn.text_source == "peoples-daily"
    assert cmn.text_coverage is not None and cmn.text_coverage > 0.99
    yue = variety_evidence("yue")
    assert (yue.level, yue.text_source) == (1, "hkcancor")


def test_a_row_inherits_nothing_from_a_sibling(built: list[str]) -> None:
    chengdu = next(t for t in load_registry() if t.adcode == "510100")
    liuzhou = next(t for t in load_registry() if t.adcode == "450200")
    report = compute_coverage((chengdu, liuzhou))
    assert [r.level for r in report.rows] == [1, 0]
    # the same row with a variety nobody built drops to 0
    report = compute_coverage((replace(chengdu, variety="cmn-x-chengdu"),))
    assert report.rows[0].level == 0


def test_totals(built: list[str]) -> None:
    report = compute_coverage()
    assert sum(report.levels.values()) == len(report.rows) == 337
    by_group = report.totals_by("group")
    assert sum(sum(levels.values()) for levels in by_group.values()) == 337
    assert by_group["吴语"].get(1, 0) >= 7
