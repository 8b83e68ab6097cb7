"""Every text a person reads has its Dutch translation; the compiled catalogue matches.
Extraction runs Django's makemessages (GNU gettext) over a copy of the source, so a new
string without a Dutch translation fails here, not in front of a customer."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

SOURCE = Path(__file__).resolve().parents[2] / "src" / "poortwachter"
NL_PO = SOURCE / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def _untranslated(po: polib.POFile) -> list[str]:
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        values = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        if "fuzzy" in entry.flags or not all(v.strip() for v in values):
            missing.append(entry.msgid)
    return missing


def test_every_text_in_the_code_has_a_dutch_translation(tmp_path):
    assert shutil.which("xgettext"), "GNU gettext is missing: `make test` installs it"
    copy = tmp_path / "poortwachter"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "var"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "nl", "--no-location", "--no-obsolete"],
        cwd=copy, check=True, capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "poortwachter.settings",
             "POORTWACHTER_DATA_DIR": str(tmp_path / "var")},
    )
    extracted = polib.pofile(str(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    assert len(extracted) > 50
    assert _untranslated(extracted) == [], "Dutch translation missing; run `make messages` and translate"


def test_committed_dutch_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(NL_PO))
    assert _untranslated(po) == []
    compiled = {e.msgid: (e.msgstr or dict(e.msgstr_plural)) for e in polib.mofile(str(NL_PO.with_suffix(".mo")))}
    for entry in po:
        expected = entry.msgstr or {int(k): v for k, v in entry.msgstr_plural.items()}
        got = compiled.get(entry.msgid)
        if isinstance(got, dict):
            got = {int(k): v for k, v in got.items()}
        assert got == expected, f"django.mo is stale for {entry.msgid!r}: run `make messages`"
