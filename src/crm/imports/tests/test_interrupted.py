"""An import whose worker is killed mid-file resumes cleanly (IMP-1): every batch of rows was
committed together with its checkpoint, so after `kill -9` the database holds whole batches only,
and resuming from the checkpoint writes each remaining row once: no half row, no row twice."""

import csv
import os
import signal
import time

TOTAL = 6000
BATCH = 200


def _write_file(path) -> int:
    """TOTAL rows: unique customers, every 50th row a copy of the row before it (skipped)."""
    unique = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["客户名称", "地区", "客户等级", "电话", "邮箱"])
        previous = None
        for i in range(TOTAL):
            if i % 50 == 49:
                writer.writerow(previous)
                continue
            previous = [f"断点续传{i:05d}号科技有限公司", "华东", "普通客户", f"021-6{i:07d}", f"kill{i}@example.cn"]
            writer.writerow(previous)
            unique += 1
    return unique


SEEN_AS = (
    "from crm.imports.models import ImportJob; from crm.imports.api.serializers import ImportJobSerializer; "
    "from crm.imports.services.lifecycle import is_interrupted; job = ImportJob.objects.latest('id'); "
    "print(is_interrupted(job), ImportJobSerializer(job).data['interrupted'])"
)


def _consistent(installation) -> dict:
    """What the database holds, counted independently of the import's own bookkeeping."""
    q = installation.scalar
    facts = {
        "customers": q("SELECT COUNT(*) FROM customers_customer"),
        "distinct_names": q("SELECT COUNT(DISTINCT name) FROM customers_customer"),
        "distinct_numbers": q("SELECT COUNT(DISTINCT number) FROM customers_customer"),
        "name_keys": q("SELECT COUNT(*) FROM customers_customerkey WHERE kind = 'name'"),
        "phone_keys": q("SELECT COUNT(*) FROM customers_customerkey WHERE kind = 'phone'"),
        "events": q("SELECT COUNT(*) FROM customers_customerevent WHERE kind = 'created'"),
        "audit": q("SELECT COUNT(*) FROM audit_auditevent WHERE action = 'create' AND message LIKE 'import %'"),
    }
    row = installation.query(
        "SELECT status, next_row, created_count, skipped_count, rejected_count FROM imports_importjob ORDER BY id DESC"
    )[0]
    facts["job"] = dict(zip(["status", "next_row", "created", "skipped", "rejected"], row, strict=True))
    return facts


def test_a_killed_import_resumes_without_partial_or_doubled_rows(installations, tmp_path):
    installation = installations.migrated()
    path = tmp_path / "big.csv"
    unique = _write_file(path)
    env = {"CRM_IMPORT_BATCH_SIZE": str(BATCH)}
    worker = installation.popen("import", "customers", str(path), "--as", "admin", env=env)
    deadline = time.monotonic() + 300
    progress = 0
    while time.monotonic() < deadline and worker.poll() is None:
        try:
            progress = installation.scalar("SELECT COALESCE(MAX(next_row), 0) FROM imports_importjob")
        except Exception:  # the table may be locked for a moment, or the job not there yet
            progress = 0
        if progress >= 5 * BATCH:
            break
        time.sleep(0.05)
    assert worker.poll() is None, f"the import ended before it could be killed:\n{worker.communicate()}"
    os.killpg(worker.pid, signal.SIGKILL)  # mid-file, with the next batch half read
    worker.wait(timeout=30)

    after_kill = _consistent(installation)
    job = after_kill["job"]
    assert job["status"] == "running" and 0 < job["next_row"] < TOTAL
    # Known dead at once (its process is gone from this machine), not CRM_IMPORT_STALE_SECONDS later,
    # on the page and in the API alike (issue 12 #11).
    answer = installation.crm("shell", "-c", SEEN_AS)
    assert answer.stdout.split()[-2:] == ["True", "True"], answer.stdout
    assert job["next_row"] % BATCH == 0  # whole batches only
    created = job["created"]
    assert after_kill["customers"] == created == after_kill["distinct_names"] == after_kill["distinct_numbers"]
    assert after_kill["name_keys"] == after_kill["phone_keys"] == after_kill["events"] == after_kill["audit"] == created
    assert created + job["skipped"] == job["next_row"]

    import_id = installation.scalar("SELECT MAX(id) FROM imports_importjob")
    resumed = installation.crm("import", "--resume", str(import_id), "--as", "admin", env=env)
    assert "succeeded" in resumed.stdout, resumed.stdout + resumed.stderr

    done = _consistent(installation)
    assert done["job"]["status"] == "succeeded" and done["job"]["next_row"] == TOTAL
    assert done["customers"] == unique == done["distinct_names"] == done["distinct_numbers"] == done["job"]["created"]
    assert done["name_keys"] == done["phone_keys"] == done["events"] == done["audit"] == unique
    assert done["job"]["skipped"] == TOTAL - unique and done["job"]["rejected"] == 0
    numbers = sorted(int(n[2:]) for (n,) in installation.query("SELECT number FROM customers_customer"))
    assert numbers == list(range(1, unique + 1))  # the killed batch's reserved numbers were given back
