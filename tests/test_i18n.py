"""Both catalogues are complete and current: every gettext string has a zh-hans and an en text."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "crm"
LANGUAGES = ("zh_Hans", "en")


def _entries(path: Path) -> polib.POFile:
    return polib.pofile(str(path))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language):
    problems = []
    for path in (PACKAGE / "locale" / language / "LC_MESSAGES").glob("*.po"):
        po = _entries(path)
        problems += [f"{path.name}: {e.msgid!r}" for e in po.untranslated_entries() + po.fuzzy_entries()]
    assert problems == [], f"untranslated in {language}: run tools/i18n.py and translate"


def test_the_catalogues_hold_every_string_in_the_code(tmp_path):
    """makemessages on a copy finds no string that the committed catalogues lack."""
    copy = tmp_path / "crm"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("vendor", "__pycache__", "*.mo"))
    crm = ROOT / ".venv" / "bin" / "crm"
    for domain in ("django", "djangojs"):
        subprocess.run(
            [
                str(crm),
                "makemessages",
                "-d",
                domain,
                "-l",
                "zh_Hans",
                "--no-location",
                "--no-obsolete",
                "--ignore",
                "core/tests/scopedapp/*",
                "--ignore",
                "*/tests/*",
                "--ignore",
                "static/vendor/*",
                "-v",
                "0",
            ],
            cwd=copy,
            check=True,
            timeout=120,
        )
        fresh_path = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"
        committed_path = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"
        if not fresh_path.exists():
            continue
        fresh = {(e.msgctxt, e.msgid) for e in _entries(fresh_path)}
        committed = {(e.msgctxt, e.msgid) for e in _entries(committed_path)} if committed_path.exists() else set()
        assert sorted(fresh - committed) == [], "new strings: run tools/i18n.py and translate"


def test_pages_render_in_both_languages(client, admin_user):
    client.force_login(admin_user)
    chinese = client.get("/profile/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的资料" in chinese or "个人资料" in chinese
    client.cookies.load({"django_language": "en"})
    english = client.get("/profile/").content.decode()
    assert "My profile" in english
