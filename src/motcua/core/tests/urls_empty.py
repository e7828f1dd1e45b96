"""A URLconf without any pattern (test_jinja2: addresses follow the URLconf)."""

urlpatterns: list[object] = []
