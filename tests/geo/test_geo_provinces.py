from __future__ import annotations

from collections import Counter

import pytest

from ckanext.pm25.geo.provinces import (
    REGIONS,
    all_provinces,
    by_code,
    by_name,
    find_province,
    find_provinces_in_text,
    normalise_code,
    provinces_in_region,
)

# ISO 3166-2:TH province numbers (TH-S, Pattaya, is a special city, not a province).
ISO_NUMBERS = (
    list(range(10, 28)) + [num for num in range(30, 50)] + list(range(50, 59)) + list(range(60, 68))
    + list(range(70, 78)) + list(range(80, 87)) + list(range(90, 97))
)


def codes(provinces: list) -> list[str]:
    return [province.code for province in provinces]


def test_the_77_iso_codes_and_dopa_numbers() -> None:
    provinces = all_provinces()
    assert len(ISO_NUMBERS) == 77
    assert [p.code for p in provinces] == [f"TH-{number}" for number in ISO_NUMBERS if number not in (28, 29)]
    assert all(p.dopa == p.code[3:] for p in provinces)
    assert len({p.name_th for p in provinces}) == 77 and len({p.name_en for p in provinces}) == 77


@pytest.mark.parametrize(
    ("code", "name_th", "name_en", "region"),
    [
        ("TH-10", "กรุงเทพมหานคร", "Bangkok", "central"),
        ("TH-17", "สิงห์บุรี", "Sing Buri", "central"),
        ("TH-52", "ลำปาง", "Lampang", "north"),
        ("TH-50", "เชียงใหม่", "Chiang Mai", "north"),
        ("TH-38", "บึงกาฬ", "Bueng Kan", "northeast"),
        ("TH-30", "นครราชสีมา", "Nakhon Ratchasima", "northeast"),
        ("TH-63", "ตาก", "Tak", "west"),
        ("TH-27", "สระแก้ว", "Sa Kaeo", "east"),
        ("TH-83", "ภูเก็ต", "Phuket", "south"),
        ("TH-96", "นราธิวาส", "Narathiwat", "south"),
    ],
)
def test_known_provinces(code: str, name_th: str, name_en: str, region: str) -> None:
    province = by_code(code)
    assert province is not None
    assert (province.name_th, province.name_en, province.region) == (name_th, name_en, region)
    assert province.to_dict() == {"code": code, "name_th": name_th, "name_en": name_en, "region": region}


def test_six_region_scheme() -> None:
    counts = Counter(p.region for p in all_provinces())
    assert counts == {"north": 9, "northeast": 20, "central": 22, "east": 7, "west": 5, "south": 14}
    assert set(REGIONS) == set(counts)
    assert REGIONS["northeast"]["th"] == "ภาคตะวันออกเฉียงเหนือ"
    assert "TH-26" in codes(list(provinces_in_region("central")))  # Nakhon Nayok: central, not east


@pytest.mark.parametrize("value", ["TH-52", "TH52", "th-52", " TH 52 ", "52", 52, "TH_52", "TH052"])
def test_code_forms(value: object) -> None:
    assert normalise_code(value) == "TH-52"  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["TH-99", "TH-S", "", "5", "TH-528", None, True, "Lampang"])
def test_not_a_province_code(value: object) -> None:
    assert by_code(value) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ลำปาง", "TH-52"),
        ("จังหวัดลำปาง", "TH-52"),
        ("จ.ลำปาง", "TH-52"),
        ("Lampang", "TH-52"),
        ("  LAMPANG province ", "TH-52"),
        ("Changwat Lampang", "TH-52"),
        ("Province Lampang", "TH-52"),
        ("Singburi", "TH-17"),
        ("sing buri", "TH-17"),
        ("Krung Thep Maha Nakhon", "TH-10"),
        ("Bangkok Metropolis", "TH-10"),
        ("กรุงเทพฯ", "TH-10"),
        ("กทม.", "TH-10"),
        ("Prachuap Khirikhan", "TH-77"),
        ("Kalasin", "TH-46"),
        ("Korat", "TH-30"),
        ("Ayutthaya", "TH-14"),
        ("Chiang-Mai", "TH-50"),
        ("Buriram", "TH-31"),
        ("Sisaket", "TH-33"),
        ("บึงกาฬ", "TH-38"),
    ],
)
def test_by_name(name: str, code: str) -> None:
    province = by_name(name)
    assert province is not None and province.code == code


def test_unknown_names() -> None:
    assert by_name("Atlantis") is None
    assert by_name("") is None
    assert by_name("จังหวัด") is None


def test_find_province_takes_codes_and_names() -> None:
    assert find_province(65).code == "TH-65"  # type: ignore[union-attr]  # GISTDA pv_idn
    assert find_province("Phitsanulok").code == "TH-65"  # type: ignore[union-attr]
    assert find_province(None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ข้อมูลฝุ่นจังหวัดลำปาง", ["TH-52"]),
        ("ค่าฝุ่นPM2.5เชียงใหม่ลำพูนลำปาง", ["TH-50", "TH-51", "TH-52"]),
        ("สถานีตรวจวัดนครศรีธรรมราช", ["TH-80"]),
        ("พระนครศรีอยุธยา", ["TH-14"]),
        ("คุณภาพอากาศกรุงเทพมหานครและปริมณฑล", ["TH-10"]),
        ("ไม่มีข้อมูลเลย", []),
        ("ฝุ่นแพร่กระจาย", []),
        ("ข้อมูลจังหวัดเลย", ["TH-42"]),
        ("ข้อมูล จ.แพร่", ["TH-54"]),
        ("PM2.5 in Chiang Mai and chiang-rai", ["TH-50", "TH-57"]),
        ("Air quality, Nan province", ["TH-55"]),
        ("nanotechnology with NaN values", []),
        ("pm25-lampang", ["TH-52"]),
        ("Singburi hourly", ["TH-17"]),
        ("", []),
    ],
)
def test_find_provinces_in_text(text: str, expected: list[str]) -> None:
    assert codes(find_provinces_in_text(text)) == expected
