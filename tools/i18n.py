"""Refresh the translation catalogues.

    .venv/bin/python tools/i18n.py          # makemessages for zh_Hans and en, fill en, list gaps

English msgids are the source; the en catalogue gets msgstr = msgid so it is complete by
construction, and the zh_Hans entries still untranslated (or fuzzy) are printed for a human.
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "crm"
CRM = ROOT / ".venv" / "bin" / "crm"
LANGUAGES = ("zh_Hans", "en")
IGNORE = ["static/vendor/*", "core/tests/scopedapp/*", "*/tests/*"]


def catalogue(language: str, domain: str = "django") -> Path:
    return PACKAGE / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


def make_messages(cwd: Path = PACKAGE) -> None:
    ignores = [arg for pattern in IGNORE for arg in ("--ignore", pattern)]
    for domain in ("django", "djangojs"):
        args = [str(CRM), "makemessages", "-d", domain, "--no-location", "--no-obsolete", *ignores, "-v", "0"]
        for language in LANGUAGES:
            args += ["-l", language]
        subprocess.run(args, cwd=cwd, check=True)


def fill_english() -> None:
    for domain in ("django", "djangojs"):
        path = catalogue("en", domain)
        if not path.exists():
            continue
        po = polib.pofile(str(path))
        for entry in po:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save()


def untranslated(language: str = "zh_Hans") -> list[str]:
    missing = []
    for domain in ("django", "djangojs"):
        path = catalogue(language, domain)
        if path.exists():
            po = polib.pofile(str(path))
            missing += [entry.msgid for entry in po.untranslated_entries() + po.fuzzy_entries()]
    return missing


if __name__ == "__main__":
    make_messages()
    fill_english()
    gaps = untranslated()
    for msgid in gaps:
        print(msgid)
    print(f"{len(gaps)} zh_Hans entries to translate", file=sys.stderr)
