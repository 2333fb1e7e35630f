"""Fill Russian translations into an app's catalogue, then compile it.

    flock /tmp/po.lock sh -c 'make messages && .venv/bin/python scripts/po_fill.py APP FILE.json'

FILE.json maps an English msgid to its Russian text; a msgid with a context is written
"context\u0004msgid"; a plural entry maps to a list of the Russian forms. Only entries of the
app's catalogue that match are touched (their fuzzy flag is dropped); a msgid that is not in
the catalogue is reported, so a typo does not pass silently.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polib


def main(app: str, path: str) -> int:
    catalogue = Path(app) / "locale/ru/LC_MESSAGES/django.po"
    po = polib.pofile(str(catalogue), wrapwidth=100)
    wanted: dict[str, str | list[str]] = json.loads(Path(path).read_text(encoding="utf-8"))
    by_key = {((e.msgctxt + "\x04") if e.msgctxt else "") + e.msgid: e for e in po}
    missing = [key for key in wanted if key not in by_key]
    for key, text in wanted.items():
        entry = by_key.get(key)
        if entry is None:
            continue
        if isinstance(text, list):
            entry.msgstr_plural = dict(enumerate(text))
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgctxt = None
            entry.previous_msgid_plural = None
    po.save(str(catalogue))
    subprocess.run([sys.executable, "manage.py", "compilemessages", "--ignore=.venv",
                    "-l", "ru"], check=True, capture_output=True)
    untranslated = [e.msgid for e in po.untranslated_entries()] + [
        e.msgid for e in po.fuzzy_entries()]
    for key in missing:
        print(f"not in {catalogue}: {key!r}")
    for msgid in untranslated:
        print(f"still untranslated in {catalogue}: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
