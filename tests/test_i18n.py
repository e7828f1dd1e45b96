"""The Vietnamese catalog is complete: every message translated, none fuzzy, placeholders intact."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "src" / "motcua" / "locale" / "vi" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")


def _entries() -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for every entry but the header; plural entries give msgid and msgstr[0]."""
    entries: list[tuple[str, str, bool]] = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        fuzzy = "#, fuzzy" in block
        parts: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[0\])?) "(.*)"$', line)
            if match:
                key = match.group(1).replace("[0]", "")
                parts[key] = match.group(2)
            elif line.startswith('"') and key:
                parts[key] += line[1:-1]
        if parts.get("msgid"):
            entries.append((parts["msgid"], parts.get("msgstr", ""), fuzzy))
    return entries


def test_catalog_is_complete() -> None:
    entries = _entries()
    assert len(entries) > 200
    untranslated = [msgid for msgid, msgstr, _ in entries if not msgstr]
    fuzzy = [msgid for msgid, _, is_fuzzy in entries if is_fuzzy]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_placeholders_are_kept() -> None:
    for msgid, msgstr, _ in _entries():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid


def test_msgfmt_accepts_the_catalog() -> None:
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(PO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
