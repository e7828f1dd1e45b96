"""``motcua makemessages``: Django's command, which also reads the officers' Jinja2 templates.

Django extracts the messages of an ``.html`` file by reading it as a Django template: in a Jinja2
template (``<app>/jinja2/``) it would find only the calls that happen to look like Django's ``{{ _("…") }}``
and miss the others (``{% set label = _("…") %}``, ``ngettext``, calls with values). Those files are read
here by Jinja2's own parser instead, and handed to xgettext as Python calls on the lines they came from.
"""

from __future__ import annotations

from pathlib import PurePath

from django.core.management.commands import makemessages
from jinja2 import Environment
from jinja2.ext import extract_from_ast

# What each translation function's string arguments are, as xgettext reads a Python call.
_CALLS = {
    "_": "gettext({})",
    "gettext": "gettext({})",
    "pgettext": "pgettext({})",
    "ngettext": "ngettext({}, n)",
    "npgettext": "npgettext({}, n)",
}


def is_jinja2_template(path: str) -> bool:
    return "jinja2" in PurePath(path).parts[:-1]


def jinja2_messages(source: str) -> list[tuple[int, str, tuple[str, ...]]]:
    """(line, function, string arguments) of every translation call in a Jinja2 template."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    # Not in Babel's style, the strings are the call's constant string arguments only.
    return [
        (line, function, tuple(s for s in strings if s is not None))
        for line, function, strings in extract_from_ast(env.parse(source), babel_style=False)
        if isinstance(strings, tuple)
    ]


def jinja2_as_python(source: str) -> str:
    """The template's translation calls as Python, each on its template line (for xgettext's references)."""
    lines = [""] * (source.count("\n") + 1)
    for line, function, strings in jinja2_messages(source):
        call = _CALLS[function].format(", ".join(repr(s) for s in strings))
        lines[line - 1] += call + "; "
    return "\n".join(lines) + "\n"


class JinjaAwareBuildFile(makemessages.BuildFile):
    def preprocess(self) -> None:
        if not (self.is_templatized and is_jinja2_template(self.path)):
            super().preprocess()
            return
        with open(self.path, encoding="utf-8") as source:
            content = jinja2_as_python(source.read())
        with open(self.work_path, "w", encoding="utf-8") as target:
            target.write(content)


class Command(makemessages.Command):
    build_file_class = JinjaAwareBuildFile
