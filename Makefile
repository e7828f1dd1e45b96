# MotCua — the two commands for a fresh machine are `make demo` and `make test` (see README.md).
# The Makefile bootstraps uv into .tools/ with the Python that .python-version selects; nothing is
# downloaded outside the package registries (uv never downloads a Python: UV_PYTHON_DOWNLOADS=never).
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
RUN := $(UV) run --frozen --no-sync

.PHONY: install demo test system-deps lint openapi messages clean-demo

$(UV):
	@PY=$$(command -v python$(PYTHON_VERSION) || ls -d $$HOME/.pyenv/versions/$(PYTHON_VERSION)*/bin/python3 2>/dev/null | tail -n 1); \
	if [ -z "$$PY" ]; then echo "Python $(PYTHON_VERSION) not found (install it, e.g. with pyenv)"; exit 1; fi; \
	"$$PY" -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

system-deps:
	@bash scripts/system-deps.sh

install: $(UV) system-deps
	$(UV) sync --frozen --python "$$(command -v python$(PYTHON_VERSION) || ls -d $$HOME/.pyenv/versions/$(PYTHON_VERSION)*/bin/python3 | tail -n 1)"
	cd src/motcua && ../../$(RUN) motcua compilemessages --ignore=.venv >/dev/null

demo: install
	$(RUN) motcua migrate --noinput
	$(RUN) motcua demo_seed --if-empty
	@# The background worker (notifications…) runs beside the web server and stops with it.
	$(RUN) motcua db_worker --queue-name "*" & WORKER=$$!; trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	$(RUN) motcua runserver 127.0.0.1:8000

test: install
	$(UV) run --frozen --no-sync bash scripts/test.sh

openapi: install
	$(RUN) motcua export_openapi docs/api/openapi.json

messages: install
	cd src/motcua && ../../$(RUN) motcua makemessages -l vi -l en --no-obsolete --no-wrap --ignore=.venv

clean-demo:
	rm -rf var/
