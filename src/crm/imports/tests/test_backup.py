"""Backup and restore (IMP-4): `crm backup` writes one archive with a consistent copy of the
database and the uploaded files; `crm restore` brings it back into an empty database and refuses
one that holds data; scheduled backups keep the newest CRM_BACKUP_KEEP archives. On SQLite, and
on PostgreSQL when the suite runs there (pg_dump / pg_restore)."""

import json
import tarfile

from crm.imports.tests.conftest import HEADER, csv_bytes

ROWS = [
    HEADER,
    ["上海华信科技有限公司", "华东", "大客户", "admin", "021-62345678", "info@huaxin.cn", "", "备份测试"],
    ["杭州远景网络有限公司", "华东", "普通客户", "admin", "0571-88881111", "", "", ""],
]


EXPORT_JOB = (
    "from django.core.files.base import ContentFile; from crm.identity.models import User; "
    "from crm.imports.models import ExportJob; "
    "job = ExportJob(owner=User.objects.get(username='admin'), record_type='customers', file_format='csv', "
    "status='succeeded'); job.file.save('客户.csv', ContentFile(b'x'))"
)


def test_backup_and_restore_round_trip(installations, tmp_path):
    source = installations.migrated()
    path = tmp_path / "客户.csv"
    path.write_bytes(csv_bytes(ROWS))
    source.crm("import", "customers", str(path), "--as", "admin")
    attachment = source.root / "media" / "attachments" / "2026" / "合同.pdf"
    attachment.parent.mkdir(parents=True, exist_ok=True)
    attachment.write_bytes(b"%PDF-1.4 contract")

    # A finished background export: its file is not backed up (remade on demand), so its job
    # must not come back as downloadable (issue 12 #10).
    source.crm("shell", "-c", EXPORT_JOB)

    archive = tmp_path / "backup.tar.gz"
    result = source.crm("backup", "--output", str(archive))
    assert "backup written" in result.stdout
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    engine = "postgresql" if source.database_url else "sqlite"
    assert manifest["engine"] == engine and manifest["counts"]["customers"] == 2
    assert manifest["database_file"] in names
    assert "media/attachments/2026/合同.pdf" in names
    assert any(name.startswith("media/imports/") for name in names)  # the uploaded import file too

    target = installations.empty()
    restored = target.crm("restore", str(archive))
    assert "restored" in restored.stdout
    assert target.scalar("SELECT COUNT(*) FROM customers_customer") == 2
    assert target.scalar("SELECT notes FROM customers_customer WHERE name = '上海华信科技有限公司'") == "备份测试"
    assert target.scalar("SELECT COUNT(*) FROM identity_user WHERE username = 'admin'") == 1
    assert target.scalar("SELECT COUNT(*) FROM audit_auditevent WHERE action = 'import'") == 1
    assert source.scalar("SELECT COUNT(*) FROM imports_exportjob") == 1
    assert target.scalar("SELECT COUNT(*) FROM imports_exportjob") == 0
    assert (target.root / "media" / "attachments" / "2026" / "合同.pdf").read_bytes() == b"%PDF-1.4 contract"
    # The restored CRM works: search tokens and keys came along, a login user is there.
    check = target.crm(
        "shell", "-c", "from crm.customers.models import CustomerKey; print(CustomerKey.objects.count())"
    )
    assert check.stdout.strip().splitlines()[-1] == str(source.scalar("SELECT COUNT(*) FROM customers_customerkey"))

    # A database with data is not overwritten by mistake.
    refused = target.crm("restore", str(archive), check=False)
    assert refused.returncode != 0 and "数据库不是空的" in refused.stderr  # commands speak zh-hans
    forced = target.crm("restore", str(archive), "--force")
    assert "restored" in forced.stdout
    assert target.scalar("SELECT COUNT(*) FROM customers_customer") == 2


def test_restore_refuses_what_is_no_backup(installations, tmp_path):
    target = installations.empty()
    fake = tmp_path / "x.tar.gz"
    fake.write_bytes(b"not a tar")
    result = target.crm("restore", str(fake), check=False)
    assert result.returncode != 0 and "缺少清单" in result.stderr


def test_scheduled_backups_keep_the_newest(installations, tmp_path):
    installation = installations.migrated()
    folder = tmp_path / "backups"
    folder.mkdir()
    for stamp in ("20250101-020000", "20250102-020000", "20250103-020000"):
        (folder / f"crm-backup-{stamp}.tar.gz").write_bytes(b"old")
    env = {"CRM_BACKUP_DIR": str(folder), "CRM_BACKUP_KEEP": "2"}
    result = installation.crm("runjob", "system.backup", env=env)
    assert "succeeded" in result.stdout, result.stdout + result.stderr
    kept = sorted(path.name for path in folder.iterdir())
    assert len(kept) == 2 and kept[0] == "crm-backup-20250103-020000.tar.gz"
    with tarfile.open(folder / kept[1]) as newest:
        assert newest.getmember("manifest.json")
