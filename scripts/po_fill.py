"""Fill or correct msgstr entries of a .po file from a JSON map {msgid: msgstr}; clears their fuzzy flag.

    python scripts/po_fill.py src/motcua/locale/vi/LC_MESSAGES/django.po translations.json

Used when a few new messages appear after `make messages`; the catalog test then checks completeness.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(po_path: str, map_path: str) -> None:
    translations: dict[str, str] = json.loads(Path(map_path).read_text(encoding="utf-8"))
    blocks = Path(po_path).read_text(encoding="utf-8").split("\n\n")
    done = set()
    for i, block in enumerate(blocks):
        lines = block.splitlines()
        msgid, key, parts = "", "", {}
        for line in lines:
            m = re.match(r'^(msgid|msgstr|msgid_plural|msgstr\[0\]) (".*")$', line)
            if m:
                key = m.group(1)
                parts[key] = json.loads(m.group(2))
            elif line.startswith('"') and key:
                parts[key] += json.loads(line)
        msgid = parts.get("msgid", "")
        if msgid not in translations or "msgid_plural" in parts:
            continue
        kept = [
            line
            for line in lines
            if line.startswith("#") and not line.startswith("#|") and not line.startswith("#, fuzzy")
        ]
        flags = [line.replace(" fuzzy,", "").replace(", fuzzy", "") for line in kept]
        head = [line for line in flags if line.strip() != "#,"]
        blocks[i] = "\n".join([*head, f"msgid {po_quote(msgid)}", f"msgstr {po_quote(translations[msgid])}"])
        done.add(msgid)
    missing = set(translations) - done
    if missing:
        raise SystemExit(f"not found in {po_path}: {sorted(missing)}")
    Path(po_path).write_text("\n\n".join(blocks), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
