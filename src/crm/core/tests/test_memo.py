"""crm.core.memo.SharedMemo (ADR 0013): reference data held in each process, reloaded in every
process once any of them forgets it. Two memos with one key stand for two processes."""

from crm.core.memo import SharedMemo


def _counting(values):
    calls = []

    def load():
        calls.append(1)
        return dict(values)

    return load, calls


def test_the_value_is_loaded_once_until_forgotten():
    values = {"level": "大客户"}
    load, calls = _counting(values)
    memo = SharedMemo("test:memo:once", load)
    assert memo.get() == {"level": "大客户"} and memo.get() is memo.get()
    assert len(calls) == 1
    values["level"] = "重点客户"
    memo.forget()
    assert memo.get() == {"level": "重点客户"} and len(calls) == 2


def test_forgetting_in_one_process_reloads_in_the_others():
    values = {"pool": "华东公海"}
    here_load, _ = _counting(values)
    there_load, there_calls = _counting(values)
    here, there = SharedMemo("test:memo:shared", here_load), SharedMemo("test:memo:shared", there_load)
    assert here.get() == there.get() == {"pool": "华东公海"}
    values["pool"] = "华南公海"
    assert there.get() == {"pool": "华东公海"}  # nobody said it changed
    here.forget()
    assert there.get() == {"pool": "华南公海"} and len(there_calls) == 2


def test_a_held_value_expires_after_its_seconds():
    load, calls = _counting({"region": "华东"})
    memo = SharedMemo("test:memo:expiry", load, seconds=0)
    memo.get()
    memo.get()
    assert len(calls) == 2
