"""The registry of 333 targets: complete, consistent, and tied to the lexicons we ship."""

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from asr.dialects import load_registry, select

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "prefectures-2024.tsv"
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
GROUPS = {
    "东北官话", "北京官话", "冀鲁官话", "胶辽官话", "中原官话", "兰银官话", "西南官话", "江淮官话",
    "晋语", "吴语", "徽语", "赣语", "湘语", "闽语", "粤语", "客家话", "平话和土话",
}


def test_333_targets_plus_four_municipalities() -> None:
    rows = load_registry()
    assert len(rows) == 337
    assert len({t.adcode for t in rows}) == 337
    assert sum(t.in_333 for t in rows) == 333
    assert {t.adcode for t in rows if not t.in_333} == MUNICIPALITIES


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/reference is not part of the product")
def test_adcodes_names_and_provinces_equal_the_official_2024_list() -> None:
    with REFERENCE.open(encoding="utf-8", newline="") as f:
        official = {r["adcode"]: (r["name"], r["province"]) for r in csv.DictReader(f, delimiter="\t")}
    ours = {t.adcode: (t.name, t.province) for t in load_registry() if t.in_333}
    assert ours == official


def test_every_row_has_group_iso_code_and_coordinates_in_china() -> None:
    for t in load_registry():
        assert t.group in GROUPS, t
        assert re.fullmatch(r"[a-z]{3}", t.iso639_3), t
        assert re.fullmatch(r"[a-z]{3}(-x-[a-z0-9]+)?", t.variety), t
        assert t.variety.startswith(t.iso639_3), t
        assert 3 <= t.lat <= 54 and 73 <= t.lon <= 135, t  # 三沙 lies at 16.8° N


def test_nearly_every_row_has_a_subgroup() -> None:
    rows = load_registry()
    assert sum(bool(t.subgroup) for t in rows) / len(rows) >= 0.95


def test_glottocodes_are_well_formed_where_present() -> None:
    for t in load_registry():
        assert t.glottocode == "" or re.fullmatch(r"[a-z]{4}\d{4}", t.glottocode), t


@pytest.mark.parametrize(
    ("adcode", "group", "variety"),
    [
        ("110000", "北京官话", "cmn"),
        ("310000", "吴语", "wuu-x-shanghai"),
        ("440100", "粤语", "yue"),
        ("510100", "西南官话", "cmn-x-sichuan"),
        ("320500", "吴语", "wuu-x-suzhou"),
        ("330300", "吴语", "wuu-x-wenzhou"),
        ("350200", "闽语", "nan-x-xiamen"),
        ("441400", "客家话", "hak-x-meizhou"),
        ("140100", "晋语", "cjy-x-taiyuan"),
        ("430100", "湘语", "hsn-x-changsha"),
    ],
)
def test_known_seats(adcode: str, group: str, variety: str) -> None:
    row = next(t for t in load_registry() if t.adcode == adcode)
    assert (row.group, row.variety) == (group, variety)


def test_ngungu_points_lie_in_registry_rows() -> None:
    with (Path(__file__).resolve().parents[1] / "lexicons" / "points.tsv").open(encoding="utf-8") as f:
        points = list(csv.DictReader(f, delimiter="\t"))
    adcodes = {t.adcode for t in load_registry()}
    assert {p["adcode"] for p in points} <= adcodes
    seats = {t.variety for t in load_registry()}
    # every point that is a seat carries the seat's variety code
    assert {p["variety"] for p in points if p["note"].startswith("seat")} <= seats


def test_select_by_province_and_group() -> None:
    rows = load_registry()
    sichuan = select(rows, province="四川")
    assert len(sichuan) == 21
    assert Counter(t.group for t in select(rows, group="吴语"))["吴语"] >= 10
