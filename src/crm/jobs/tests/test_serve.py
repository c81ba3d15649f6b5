"""`crm serve` and the static files: they belong to the installed code, not to the data
directory, and the server collects them itself when they are missing or out of date (ADR 0016)."""

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.core.management import CommandError, call_command

from crm.jobs.management.commands.serve import static_files_outdated
from crm.jobs.tests.test_backends import CRM, background_process, free_port, shared_database, wait_for


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRM_", "DJANGO_", "CELERY_"))}
    return {**env, "DJANGO_SETTINGS_MODULE": "crm.settings", "CRM_JOBS_SCHEDULER": "0", **extra}


def test_the_static_files_do_not_live_in_the_data_directory(tmp_path):
    script = "from django.conf import settings; print(settings.STATIC_ROOT)"
    env = production_env(CRM_DATA_DIR=str(tmp_path))
    shown = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"], env=env, capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr
    assert not shown.stdout.strip().startswith(str(tmp_path)), shown.stdout


@pytest.mark.django_db(transaction=True)
def test_serve_with_a_new_data_directory_asks_for_migrate_then_collects_the_static_files(tmp_path):
    """What a new user does: point CRM_DATA_DIR somewhere new and start the server; here the
    static files are not collected yet either (a fresh `pip install .`)."""
    port, static = free_port(), tmp_path / "static"
    env = production_env(CRM_DATA_DIR=str(tmp_path / "data"), CRM_STATIC_ROOT=str(static))
    refused = subprocess.run([str(CRM), "serve"], env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0
    assert "run `crm migrate` first" in refused.stderr
    log = tmp_path / "serve.log"
    with (
        shared_database(tmp_path) as database_url,  # migrated: the test database
        background_process(
            # with the option the README gives for a proxy that keeps connections open
            [str(CRM), "serve", "--bind", f"127.0.0.1:{port}", "--worker-connections", "16"],
            {**env, "CRM_DATABASE_URL": database_url},
            log,
        ),
    ):

        def login_page():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, ""
            except OSError:
                return None

        # Collecting the static files comes first: slow on a busy machine.
        answer = wait_for(login_page, timeout=150, interval=0.5)
    assert answer is not None and answer[0] == 200, log.read_text()[-3000:]
    assert "Collecting static files" in log.read_text()
    assert (static / "staticfiles.json").exists()
    assert "/static/vendor/bootstrap/bootstrap.min." in answer[1]  # the hashed name from the manifest


def test_static_files_are_outdated_when_missing_or_older_than_a_source(settings, tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "app.css").write_text("body {}")
    settings.STATICFILES_DIRS = [sources]
    settings.STATIC_ROOT = tmp_path / "collected"
    assert static_files_outdated()
    (tmp_path / "collected").mkdir()
    manifest = tmp_path / "collected" / "staticfiles.json"
    manifest.write_text("{}")
    assert not static_files_outdated()
    os.utime(sources / "app.css", (manifest.stat().st_mtime + 10,) * 2)
    assert static_files_outdated()


def test_serve_refuses_with_a_clear_message_when_it_cannot_collect(db, settings, tmp_path):
    (tmp_path / "a-file").write_text("")
    settings.STATIC_ROOT = tmp_path / "a-file" / "static"
    with pytest.raises(CommandError, match=r"cannot be collected there.*CRM_STATIC_ROOT"):
        call_command("serve")
