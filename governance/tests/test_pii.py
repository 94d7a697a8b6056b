import logging

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from governance import pii

from .fixtures import valid_id_number


def test_it_accepts_a_valid_number_and_derives_birth_date_and_gender():
    parsed = pii.parse_id_number("11010519491231002x")
    assert parsed.value == "11010519491231002X"  # lower-case x is stored upper-case
    assert str(parsed.birth_date) == "1949-12-31" and parsed.gender == "F"


@pytest.mark.parametrize("raw, message", [
    ("1101051949123100", "应为18位，当前为16位"),
    ("11010519491331002X", "出生日期 19491331 不是有效日期"),
    ("110105194912310021", "校验位错误：末位应为 X"),
    ("11010519491231002A", "末位为数字或X"),
])
def test_it_says_what_is_wrong_with_a_bad_number(raw, message):
    with pytest.raises(ValidationError) as exc:
        pii.parse_id_number(raw)
    assert message in exc.value.messages[0]


@given(st.integers(min_value=0, max_value=10**6), st.dates(min_value=__import__("datetime").date(1920, 1, 1),
                                                          max_value=__import__("datetime").date(2025, 12, 31)))
def test_any_number_with_the_right_check_digit_is_accepted_and_one_wrong_digit_is_not(n, birth):
    number = valid_id_number(n, birth.strftime("%Y%m%d"))
    assert pii.parse_id_number(number).birth_date == (birth if n < 1000 else pii.parse_id_number(number).birth_date)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError):
        pii.parse_id_number(wrong)


def test_it_masks_ids_and_phones():
    assert pii.mask_id("32010519491231002X") == "3201**********002X"
    assert pii.mask_phone("13800138000") == "138****8000"


@pytest.mark.parametrize("raw", ["12345", "23800138000", "1380013800a"])
def test_it_refuses_a_phone_that_is_not_a_mainland_mobile(raw):
    with pytest.raises(ValidationError, match="11位"):
        pii.normalize_phone(raw)


def test_encryption_round_trips_and_the_hash_is_stable_but_keyed():
    token = pii.encrypt("32010519491231002X")
    assert "32010519491231002X" not in token and pii.decrypt(token) == "32010519491231002X"
    assert pii.keyed_hash("x") == pii.keyed_hash("x") != pii.keyed_hash("y")


def test_no_id_number_or_phone_reaches_a_log_line(caplog):
    logger = logging.getLogger("governance.test")
    logger.addFilter(pii.MaskPIIFilter())
    with caplog.at_level(logging.WARNING):
        logger.warning("lookup %s by %s failed", "32010519491231002X", "13800138000")
    assert "32010519491231002X" not in caplog.text and "13800138000" not in caplog.text
    assert "3201**********002X" in caplog.text and "138****8000" in caplog.text


@pytest.mark.parametrize("text, gone, shown", [
    ("身份证32010519491231002X，电话13800138000", ["32010519491231002X", "13800138000"],
     ["3201**********002X", "138****8000"]),
    ("身份证 320105 19491231 002X", ["19491231"], ["3201**********002X"]),
    ("身份证 3201-0519-4912-3100-2x", ["0519-4912"], ["3201**********002x"]),
    ("身份证３２０１０５１９４９１２３１００２Ｘ", ["１９４９１２３１"], ["３２０１**********００２Ｘ"]),
    ("电话 +86 138 0013 8000", ["0013"], ["+86 138****8000"]),
    ("电话+8613800138000", ["8613800138000"], ["+86138****8000"]),
    ("电话 008613800138000", ["13800138000"], ["0086138****8000"]),
    ("电话 138-0013-8000 或 1390 013 9000", ["0013", "1390 013"], ["138****8000", "139****9000"]),
    ("电话１３８００１３８０００", ["１３８００１３８０００"], ["１３８****８０００"]),
])
def test_scrub_masks_ids_and_phones_however_they_are_typed(text, gone, shown):
    scrubbed = pii.scrub(text)
    assert not any(g in scrubbed for g in gone), scrubbed
    assert all(s in scrubbed for s in shown), scrubbed


@pytest.mark.parametrize("text", ["订单号 20260101000123", "2026-01-01 13:45", "共 1000 2000 条", "编号 138001380001"])
def test_scrub_leaves_numbers_that_are_not_ids_or_phones_alone(text):
    assert pii.scrub(text) == text
