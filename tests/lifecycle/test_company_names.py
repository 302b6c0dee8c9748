"""Matching keys of companies and phones: what counts as "the same company"."""

from __future__ import annotations

import pytest

from app.services.lifecycle.company_names import (
    is_valid_credit_code,
    normalize_company_name,
    normalize_credit_code,
    normalize_phone,
)


@pytest.mark.parametrize(
    "variant",
    [
        "Acme Tech",
        "ACME TECH",
        "acme  tech",
        "ＡＣＭＥ　Ｔｅｃｈ",  # full width, ideographic space  # noqa: RUF001
        "Acme Tech Co., Ltd.",
        "Acme Tech Co. Ltd",
        "Acme Tech Company Limited",
        "Acme Tech Limited",
        "Acme Tech Inc.",
        "Acme-Tech Corp.",
    ],
)
def test_english_variants_share_one_key(variant):
    assert normalize_company_name(variant) == "acmetech"


@pytest.mark.parametrize(
    "variant",
    [
        "北京云帆科技",
        "北京云帆科技有限公司",
        "北京云帆科技 有限公司",
        "北京云帆科技股份有限公司",
        "北京云帆科技有限责任公司",
        "北京云帆科技公司",
    ],
)
def test_chinese_legal_forms_are_ignored(variant):
    assert normalize_company_name(variant) == "北京云帆科技"


def test_full_width_brackets_fold_to_the_same_key():
    assert normalize_company_name("云帆科技（深圳）有限公司") == normalize_company_name(  # noqa: RUF001
        "云帆科技(深圳)有限公司"
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme Tech", "Acme Technology"),
        ("北京云帆科技", "上海云帆科技"),
        # a legal form is a word: "Acmeco" is not "Acme Co."
        ("Acmeco Ltd", "Acme Co., Ltd."),
        ("云帆科技有限公司", "云帆科技分公司"),
    ],
)
def test_different_companies_stay_different(a, b):
    assert normalize_company_name(a) != normalize_company_name(b)


def test_a_name_that_is_only_a_legal_form_keeps_it():
    assert normalize_company_name("有限公司") == "有限公司"
    assert normalize_company_name("Limited") == "limited"


def test_credit_codes():
    assert normalize_credit_code(" 91110000ma01abcd1x ") == "91110000MA01ABCD1X"
    assert is_valid_credit_code("91110000MA01ABCD1X")
    assert not is_valid_credit_code("91110000MA01ABCD1")  # 17 characters
    assert not is_valid_credit_code("91110000MA01ABCDIO")  # I and O are not used


@pytest.mark.parametrize("phone", ["13812345678", "+86 138-1234-5678", "0086 138 1234 5678"])
def test_phones_normalize_to_digits_without_country_code(phone):
    assert normalize_phone(phone) == "13812345678"
