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


def test_the_jinja2_templates_messages_are_extracted_and_translated() -> None:
    """The officers' pages are Jinja2 templates: ``motcua makemessages`` reads them with Jinja2's parser
    (Django's would miss most calls), and every message they use is in the catalog, translated."""
    from motcua.core.management.commands.makemessages import jinja2_messages

    templates = sorted((PO.parents[3]).glob("*/jinja2/**/*.html"))
    assert len(templates) > 15
    translated = {msgid for msgid, msgstr, fuzzy in _entries() if msgstr and not fuzzy}
    found: set[str] = set()
    for template in templates:
        for _line, function, strings in jinja2_messages(template.read_text(encoding="utf-8")):
            found.add(strings[1] if function in ("pgettext", "npgettext") else strings[0])
    assert {
        "Dossiers",
        "Time left",
        "Only the first %(table_rows)s agencies are shown: choose an agency, or export to Excel for all of them.",
    } <= found
    missing = sorted(found - translated)
    assert not missing, f"not in the catalog (run make messages): {missing[:10]}"


def test_jinja2_messages_keep_their_lines_for_xgettext() -> None:
    from motcua.core.management.commands.makemessages import jinja2_as_python

    source = '<p>{{ _("One") }}</p>\n{% set x = _("Two %(n)s", n=2) %}\n{{ ngettext("%(num)s file", "%(num)s files", k) }}'
    assert jinja2_as_python(source).splitlines() == [
        "gettext('One'); ",
        "gettext('Two %(n)s'); ",
        "ngettext('%(num)s file', '%(num)s files', n); ",
    ]
