"""The officers' Jinja2 environment behaves as Django's templates did (core/jinja2.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.template import defaultfilters, engines
from django.test import RequestFactory
from django.urls import NoReverseMatch
from django.utils import translation


def render(source: str, request: HttpRequest | None = None, **context: object) -> str:
    return engines["jinja2"].from_string(source).render(context, request=request)


def test_translations_as_djangos_tags() -> None:
    with translation.override("vi"):
        assert render('{{ _("Dossiers") }}') == "Hồ sơ"
        # A value is escaped into the translation; a message without values keeps its percent signs.
        assert render('{{ _("version %(number)s", number=n) }}', n="<2>") == "phiên bản &lt;2&gt;"
        assert render('{{ _("100% done") }}') == "100% done"
        assert render('{{ ngettext("%(n)s copy", "%(n)s copies", 3, n=3) }}') == "3 bản sao"
    with translation.override("en"):
        assert render('{{ ngettext("%(n)s copy", "%(n)s copies", 1, n=1) }}') == "1 copy"


def test_filters_urls_and_missing_values() -> None:
    moment = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    assert (
        render('{{ m|date("H:i d/m/Y") }}|{{ none|date("d/m/Y") }}', m=moment, none=None)
        == "08:30 02/03/2026|"
    )
    assert render("{{ 1536|filesizeformat }}") == defaultfilters.filesizeformat(1536)
    assert render('{{ url("backoffice:dossier", "A-1") }}') == "/mot-cua/ho-so/A-1/"
    # A missing variable or attribute prints nothing, as in Django's templates.
    assert render("[{{ missing.attr.deeper }}]") == "[]"


def test_addresses_follow_the_script_prefix_and_the_urlconf() -> None:
    from django.test.utils import override_settings
    from django.urls import clear_script_prefix, set_script_prefix

    source = '{{ url("backoffice:dossier", "A-1") }}|{{ url("backoffice:inbox") }}'
    assert render(source) == "/mot-cua/ho-so/A-1/|/mot-cua/ho-so/"
    # A site mounted under a prefix, then a URLconf without the back office: no address kept from before.
    set_script_prefix("/tinh/")
    try:
        assert render(source) == "/tinh/mot-cua/ho-so/A-1/|/tinh/mot-cua/ho-so/"
    finally:
        clear_script_prefix()
    with override_settings(ROOT_URLCONF="motcua.core.tests.urls_empty"), pytest.raises(NoReverseMatch):
        render(source)
    assert render('{{ url("backoffice:dossier", code=c) }}', c="B 2") == "/mot-cua/ho-so/B%202/"


def test_printing_a_method_is_an_error_outside_production() -> None:
    class Row:
        def label(self) -> str:
            return "x"

    assert render("{{ row.label() }}", row=Row()) == "x"
    with pytest.raises(TypeError, match="call it with"):
        render("{{ row.label }}", row=Row())


def test_one_csrf_token_per_page_and_it_is_accepted() -> None:
    request = RequestFactory().get("/")
    page = render("{{ csrf_input }}{{ csrf_input }}{{ csrf_input }}", request=request)
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) == 3 and len(set(tokens)) == 1
    # The token posted back with the cookie the response sets passes Django's check.
    secret = request.META["CSRF_COOKIE"]
    post = RequestFactory().post("/", {"csrfmiddlewaretoken": tokens[0]})
    post.COOKIES["csrftoken"] = secret

    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    assert CsrfViewMiddleware(view).process_view(post, view, (), {}) is None


def test_widgets_are_kept_per_context_and_language() -> None:
    from django import forms
    from django.forms import renderers

    from motcua.core import jinja2 as motcua_jinja2

    class Sample(forms.Form):
        reason = forms.CharField(
            widget=forms.Textarea(attrs={"placeholder": translation.gettext_lazy("Reason")})
        )
        kind = forms.ChoiceField(choices=[("a", "A & B"), ("b", "<b>")])
        version = forms.IntegerField(widget=forms.HiddenInput, initial=3)
        upload = forms.FileField(required=False)

    ours, django_jinja2 = motcua_jinja2.FormRenderer(), renderers.Jinja2()
    motcua_jinja2._WIDGETS.clear()
    for language in ("vi", "en"):
        with translation.override(language):
            for data in (None, {"reason": "<script>", "kind": "b", "version": "4"}, {"reason": "khác"}):
                form = Sample(data)
                expected = [str(field.as_widget()) for field in Sample(data, renderer=django_jinja2)]
                form.renderer = ours
                assert [str(field.as_widget()) for field in form] == expected  # drawn, then kept
                assert [str(field.as_widget()) for field in form] == expected  # read back
    # One entry per distinct widget context and language (the empty file input is the same in all three
    # forms: 10 of the 12 widgets drawn per language); the user's text is escaped in what is kept.
    assert len(motcua_jinja2._WIDGETS) == 2 * 10
    assert any("&lt;script&gt;" in html for html in motcua_jinja2._WIDGETS.values())
    assert any('placeholder="Lý do"' in html for html in motcua_jinja2._WIDGETS.values())
