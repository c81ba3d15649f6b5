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


def test_within_a_request_the_stamps_are_read_together_once(monkeypatch):
    """A request reads every memo's stamp in one round trip (stamps_read_together, opened by the
    middleware); a change made elsewhere meanwhile shows from the next request on, and the
    request's own change at once."""
    from django.core.cache import cache

    from crm.core.memo import stamps_read_together

    values = {"tag": "重点"}
    first_load, first_calls = _counting(values)
    second_load, _ = _counting({"item": "大客户"})
    first, second = SharedMemo("test:memo:together:1", first_load), SharedMemo("test:memo:together:2", second_load)
    first.get(), second.get()
    reads, real_get, real_get_many = [], cache.get, cache.get_many

    def get(*args, **kwargs):
        if reads[-1:] != ["get_many…"]:  # not the backend's own reads inside get_many
            reads.append("get")
        return real_get(*args, **kwargs)

    def get_many(keys):
        reads.append("get_many…")
        found = real_get_many(keys)
        reads[-1] = "get_many"
        return found

    monkeypatch.setattr(cache, "get", get)
    monkeypatch.setattr(cache, "get_many", get_many)
    with stamps_read_together():
        assert first.get() == {"tag": "重点"} and second.get() == {"item": "大客户"}
        assert reads == ["get_many"]
        values["tag"] = "老客户"
        cache.set(first.version_key, "changed elsewhere", None)
        assert first.get() == {"tag": "重点"} and len(first_calls) == 1  # this request goes on as it began
        first.forget()  # the request's own change
        assert first.get() == {"tag": "老客户"} and len(first_calls) == 2
        assert reads == ["get_many"]
    values["tag"] = "新客户"
    cache.set(first.version_key, "changed again", None)
    with stamps_read_together():
        assert first.get() == {"tag": "新客户"}
