"""The fast paths of the search tokens (issue 4: import speed) give exactly what the plain ones
give: pypinyin through a remembering converter, and a new customer's tokens drafted before its
number (crm.customers.tokens, crm.customers.services.indexing)."""

from types import SimpleNamespace

import pypinyin
import pytest

from crm.customers import tokens
from crm.customers.services import indexing

NAMES = [
    "中国银行股份有限公司上海分行",
    "重庆长安汽车股份有限公司",
    "长沙市朝阳区乐器行",
    "厦门音乐行长沙分店",
    "单于曾经营的仇氏商行",
    "上海华信科技有限公司",
    "上海华信科技有限公司",  # the second time from what the converter remembers
    "北京 ABC 信息技术 2号店",
    "〇㐀𠀀混合字",
]


@pytest.mark.parametrize("name", NAMES)
def test_remembered_pinyin_is_pypinyins(name):
    for run in tokens.runs(name):
        if tokens._IS_CJK.match(run):
            assert tokens.lazy_pinyin(run) == pypinyin.lazy_pinyin(run)


def test_a_caller_changing_its_result_does_not_change_the_next():
    first = tokens.lazy_pinyin("银行")
    first.append("changed")
    first[0] = "x"
    assert tokens.lazy_pinyin("银行") == pypinyin.lazy_pinyin("银行") == ["yin", "hang"]


@pytest.mark.parametrize(
    ("name", "phone", "credit_code", "number"),
    [
        ("上海华信科技有限公司", "021-62345678", "", "KH000123"),
        ("深圳腾飞电子有限公司", "", "91310000MA1K4XXX7B", "KH000124"),
        ("无电话无代码公司", "", "", "KH1"),
        ("kh000125 同名编号公司", "138 1234 5678", "", "KH000125"),  # the number's token is there already
    ],
)
def test_drafted_tokens_finished_with_the_number_are_compute_tokens(name, phone, credit_code, number):
    customer = SimpleNamespace(name=name, phone=phone, credit_code=credit_code, number="")
    syllables = tokens.pinyin_syllables(name)
    drafted = indexing.draft_tokens(customer, syllables)
    customer.number = number
    assert indexing.finish_tokens(drafted, number) == indexing.compute_tokens(customer, [], syllables)
    assert drafted == sorted(drafted)  # finish_tokens keeps the order it relies on
