#!/usr/bin/env python3
"""Fail when the Russian catalogues are incomplete or their compiled files are stale.

Checks every `<app>/locale/ru/LC_MESSAGES/django.po` (required for each app of the
project) and `djangojs.po`, where present:

- no entry, the header included, is marked fuzzy;
- every entry has a translation (every plural form too);
- the `.mo` file beside each `.po` exists and holds exactly the `.po` file's translations
  (catches a forgotten `compilemessages`).

Standard library only, so it runs before anything else is installed. Exit status 1 lists
every problem as `path:line: message`. Fix with `make messages`, then translate.
"""

from __future__ import annotations

import gettext
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Every app keeps its own catalogue (parallel work on two apps never rewrites one file).
APPS = ("mentorship", "programmes", "participants", "pairing", "monitoring", "cycle", "privacy")
REQUIRED_CATALOGUES = tuple(Path(app) / "locale/ru/LC_MESSAGES/django.po" for app in APPS)
DOMAINS = ("django.po", "djangojs.po")
CONTEXT_SEPARATOR = "\x04"
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
            "\\": "\\", '"': '"'}  # fmt: skip
_ESCAPE_RE = re.compile(r'\\(?:([ntrabfv\\"])|([0-7]{1,3}))')


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def key(self) -> str:
        msgid = self.msgid or ""
        return msgid if self.msgctxt is None else f"{self.msgctxt}{CONTEXT_SEPARATOR}{msgid}"


def _unquote(token: str, path: Path, lineno: int) -> str:
    token = token.strip()
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        raise SyntaxError(f"{path}:{lineno}: expected a quoted string, got {token!r}")

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return _ESCAPES[match.group(1)]
        return chr(int(match.group(2), 8))

    return _ESCAPE_RE.sub(replace, token[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Parse a .po file into entries; obsolete (`#~`) entries are left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # the field that continuation lines extend

    def finish() -> None:
        nonlocal current, target
        if current is not None and current.msgid is not None:
            entries.append(current)
        current, target = None, None

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
            continue
        started = current is not None and bool(current.msgstr)
        if line.startswith("#"):
            if started:
                finish()
            current = current or Entry(line=lineno)
            if line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise SyntaxError(f"{path}:{lineno}: string continuation outside an entry")
            text = _unquote(line, path, lineno)
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += text
            else:
                setattr(current, name, getattr(current, name) + text)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and started:
            finish()
        current = current or Entry(line=lineno)
        value = _unquote(rest, path, lineno)
        plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, value)
            target = (keyword, 0)
        elif keyword == "msgstr" or plural:
            index = int(plural.group(1)) if plural else 0
            current.msgstr[index] = value
            target = ("msgstr", index)
        else:
            raise SyntaxError(f"{path}:{lineno}: unknown keyword {keyword!r}")
    finish()
    return entries


def expected_catalogue(entries: list[Entry]) -> dict[object, str]:
    """What msgfmt puts in the .mo, keyed the way Python's gettext reads it back."""
    catalogue: dict[object, str] = {}
    for entry in entries:
        if entry.is_header or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural is None:
            if entry.msgstr.get(0):
                catalogue[entry.key] = entry.msgstr[0]
        elif entry.msgstr and all(entry.msgstr.values()):
            for index, text in entry.msgstr.items():
                catalogue[(entry.key, index)] = text
    return catalogue


def check_catalogue(po_path: Path) -> list[str]:
    problems: list[str] = []
    try:
        entries = parse_po(po_path)
    except SyntaxError as error:
        return [str(error)]
    for entry in entries:
        label = "the header" if entry.is_header else repr(entry.key)
        if "fuzzy" in entry.flags:
            problems.append(f"{po_path}:{entry.line}: fuzzy: {label}")
        if entry.is_header:
            continue
        if not entry.msgstr or not all(entry.msgstr.values()):
            problems.append(f"{po_path}:{entry.line}: untranslated: {label}")

    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        problems.append(f"{mo_path}: missing (run `make messages`)")
        return problems
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # no public reader exists
    compiled = {key: value for key, value in compiled.items() if key != ""}
    expected = expected_catalogue(entries)
    if compiled != expected:
        stale = sorted(str(key) for key in expected.keys() ^ compiled.keys())
        changed = sorted(
            str(key) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key]
        )
        sample = ", ".join(repr(key) for key in (stale + changed)[:5])
        problems.append(
            f"{mo_path}: out of date with {po_path.name} ({len(stale) + len(changed)} "
            f"differing entries, e.g. {sample}); run `make messages`"
        )
    return problems


def main(root: Path) -> int:
    catalogues = sorted(
        path
        for domain in DOMAINS
        for pattern in (f"locale/ru/LC_MESSAGES/{domain}", f"*/locale/ru/LC_MESSAGES/{domain}")
        for path in root.glob(pattern)
        if ".venv" not in path.parts
    )
    problems: list[str] = []
    for required in REQUIRED_CATALOGUES:
        if not (root / required).exists():
            problems.append(f"{required}: missing (run `make messages`)")
    for po_path in catalogues:
        problems.extend(check_catalogue(po_path))
    for problem in problems:
        print(problem)
    checked = ", ".join(str(path.relative_to(root)) for path in catalogues) or "none"
    if problems:
        print(f"Translations: {len(problems)} problem(s) in {checked}.")
        return 1
    print(f"Translations complete: {checked}.")
    return 0


if __name__ == "__main__":
    sys.exit(
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    )
