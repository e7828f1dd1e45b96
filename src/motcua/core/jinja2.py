"""The Jinja2 environment of the officers' pages (``<app>/jinja2/`` folders; see docs/templates.md).

The back office's screens are open all day and its inbox and dossier page are the most requested pages
of the system: Django's template engine spent 30 % (inbox) to 45 % (dossier page) of their time walking
its node tree, where Jinja2 compiles a template to Python once. The public portal, the admin and the PDF
slips keep Django templates.

What the templates get here, beside Jinja2's own filters:
- ``_`` / ``gettext`` / ``ngettext`` / ``pgettext`` / ``npgettext``: Django's translations, as Django's
  ``{% translate %}`` and ``{% blocktranslate %}`` give them: ``_("Dossiers")`` is text (escaped when
  printed, a ``%`` in it is a percent sign), ``_("%(n)s rows", n=count)`` formats the escaped values into
  the translation, and ``ngettext`` always formats (``num`` is the count unless given). Messages are
  extracted by ``motcua makemessages`` (``core/management/commands/makemessages.py``).
- ``url(name, *args, **kwargs)``, ``static(path)``, ``get_current_language()``.
- Django's filters where Jinja2 has none or a different one: ``date`` (in the current time zone, Django's
  format letters), ``filesizeformat``, ``truncatechars``, ``urlencode``, ``linebreaksbr``; MotCua's ``vnd``,
  ``decimal_vi``, ``formats_list``, ``iso_date_vi`` and ``css_string``.
- Helpers of the apps' pages, registered in ``GLOBALS`` by dotted path.

A missing variable, or an attribute of one, prints nothing (``ChainableUndefined``), as in Django's
templates. Django's templates call a callable variable; Jinja2 does not: call methods with ``()``. Outside
production, printing a function or method (``{{ d.get_status_display }}``) is an error, so that a test of
the page finds it.
"""

from __future__ import annotations

import json
from datetime import date as date_type
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.forms import renderers
from django.forms.renderers import BaseRenderer
from django.http import HttpRequest
from django.template import TemplateDoesNotExist, defaultfilters
from django.template.backends.utils import csrf_input
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString
from jinja2 import ChainableUndefined, Environment, Undefined
from markupsafe import Markup

from motcua.core.dates import date_text
from motcua.core.templatetags.motcua import decimal_vi, formats_list, iso_date_vi, vnd

# Functions the apps' templates call, imported when the environment is built (after the apps are loaded).
GLOBALS = {
    "backoffice_menu": "motcua.backoffice.menu.backoffice_menu",
}


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """Django's ``{% url %}``. Positional forms are kept per process: Django resolves the pattern anew each
    time (15–40 µs), and a back-office page asks for the same few addresses on every view."""
    if kwargs:
        return reverse(name, kwargs=kwargs)
    try:
        return _reverse(
            settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), translation.get_language(), name, args
        )
    except TypeError:  # an argument that cannot be a key
        return reverse(name, args=args or None)


# Everything an address depends on is in the key: the URLconf (a test may swap it; a request may set its
# own), the script prefix the server mounts the site under, the language (translated patterns).
@lru_cache(maxsize=4096)
def _reverse(
    _root: str, _urlconf: str | None, _prefix: str, _language: str | None, name: str, args: tuple[Any, ...]
) -> str:
    return reverse(name, args=args or None)


def date(value: datetime | date_type | None, format_string: str = "d/m/Y") -> str:
    """Django's ``date`` filter: an aware date-time is shown in the current time zone (Asia/Ho_Chi_Minh)."""
    return date_text(value, format_string)


def css_string(value: str) -> str:
    """``value`` as a CSS string literal (quoted, its quotes, backslashes and line breaks escaped), e.g. a
    translated label given to a style sheet through a custom property."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("\r", "")
    return f'"{text}"'


# A static file's URL does not change while the process runs (the manifest of hashed names is read at
# start); the storage's look-up of it took longer than rendering the page's header.
cached_static = lru_cache(maxsize=256)(static)


def _formatted(text: str, variables: dict[str, Any]) -> str | Markup:
    # Jinja2's "new style" gettext formats every message, so a translation holding a percent sign ("100%
    # nhiệm vụ") failed; as in Django's tags, only a message given values is a format string.
    return Markup(text) % variables if variables else text


def gettext(message: str, **variables: Any) -> str | Markup:
    return _formatted(translation.gettext(message), variables)


def pgettext(context: str, message: str, **variables: Any) -> str | Markup:
    return _formatted(translation.pgettext(context, message), variables)


def ngettext(singular: str, plural: str, number: int, **variables: Any) -> Markup:
    variables.setdefault("num", number)
    return Markup(translation.ngettext(singular, plural, number)) % variables


def npgettext(context: str, singular: str, plural: str, number: int, **variables: Any) -> Markup:
    variables.setdefault("num", number)
    return Markup(translation.npgettext(context, singular, plural, number)) % variables


def _no_callable(value: Any) -> Any:
    if callable(value) and not isinstance(value, Markup | str | Undefined):
        raise TypeError(f"a template prints {value!r}: call it with ()")
    return value


def _csrf_field(request: HttpRequest, made: list[str]) -> str:
    if not made:
        made.append(csrf_input(request))
    return made[0]


# Made once: ``lazy`` builds a proxy class each time it is called.
_csrf_field_lazy = lazy(_csrf_field, SafeString)


def csrf_once(request: HttpRequest) -> dict[str, Any]:
    """A context processor of the Jinja2 engine: ``csrf_input`` made once per page. Django's makes a newly
    masked token each time a page prints it, and the dossier page has a form per action (a dozen random
    strings of 32 characters, a few percent of the page's time); one per response is what the masking
    against BREACH needs."""
    return {"csrf_input": _csrf_field_lazy(request, [])}


def environment(**options: Any) -> Environment:
    # Django's backend passes Jinja2's strict default (or its debug one); the pages rely on Django's way.
    options["undefined"] = ChainableUndefined
    if settings.MOTCUA_ENV != "production":
        options.setdefault("finalize", _no_callable)
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=False, pgettext=pgettext, npgettext=npgettext
    )
    env.globals.update(
        url=url,
        static=cached_static,
        get_current_language=translation.get_language,
        **{name: import_string(path) for name, path in GLOBALS.items()},
    )
    env.filters.update(
        date=date,
        css_string=css_string,
        filesizeformat=defaultfilters.filesizeformat,
        truncatechars=defaultfilters.truncatechars,
        urlencode=defaultfilters.urlencode,
        linebreaksbr=defaultfilters.linebreaksbr,
        vnd=vnd,
        decimal_vi=decimal_vi,
        formats_list=formats_list,
        iso_date_vi=iso_date_vi,
    )
    return env


def _key_part(value: Any) -> str:
    # Lazy translations, model choice values and the like: what the widget template prints of them.
    return f"{type(value).__qualname__}:{value}"


# Widgets drawn per process, by language, template and context (``FormRenderer.render``).
_WIDGETS: dict[tuple[str | None, str, str], str] = {}
_WIDGETS_KEPT = 4096


class FormRenderer(BaseRenderer):
    """Form widgets drawn from Django's Jinja2 widget templates (the same HTML as its Django ones, in about
    60 % of the time); the admin's own widgets exist only as Django templates and are drawn by Django's.

    A widget's HTML is a function of its context alone (name, value, attributes, choices: plain values) and
    the language, and the dossier page draws a dozen of the same inputs on every view (its action forms):
    the HTML is kept per process for each of them (up to ``_WIDGETS_KEPT``, then drawn anew), which costs a
    JSON serialisation of the context instead of two or three template renderings."""

    def __init__(self) -> None:
        self._jinja2 = renderers.Jinja2()
        self._django = renderers.DjangoTemplates()

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        if request is not None or not template_name.startswith("django/forms/widgets/"):
            return super().render(template_name, context, request)
        try:
            serialised = json.dumps(context, sort_keys=True, default=_key_part)
        except (TypeError, ValueError):  # keys of mixed types, a cycle: drawn as it is
            return super().render(template_name, context, request)
        key = (translation.get_language(), template_name, serialised)
        html = _WIDGETS.get(key)
        if html is None:
            html = super().render(template_name, context, request)
            if len(_WIDGETS) >= _WIDGETS_KEPT:
                _WIDGETS.clear()
            _WIDGETS[key] = html
        return html

    def get_template(self, template_name: str) -> Any:
        try:
            return self._jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
