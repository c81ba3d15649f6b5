"""The fast path of the search tokens (issue 4: import speed) gives exactly what the plain one
gives: pypinyin through a remembering converter (crm.customers.tokens)."""

import pypinyin
import pytest

from crm.customers import tokens

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
