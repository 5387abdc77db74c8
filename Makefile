# kubelearn developer commands (GNU make). `make run` serves the app, `make test` checks everything.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --disable-pip-version-check --quiet
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test lint fmt bench soak messages clean distclean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall only when a requirements file changes.
$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed ## Migrate and serve on http://127.0.0.1:8000 with daphne
	$(PY) manage.py migrate --noinput
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(PY) manage.py compilemessages --ignore='$(VENV)/*'; \
	else \
		echo "msgfmt not found: using the committed .mo files"; \
	fi
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) kubelearn.asgi:application

# Two pytest runs: Playwright's sync API keeps an event loop running for the whole session,
# which pytest-asyncio's tests cannot share, so the browser tests get a process of their own.
test: lint ## Lint, check import contracts, then run the whole pytest suite
	$(PY) manage.py lessons check
	$(PY) -m pytest -m "not browser"
	$(PY) -m pytest -m browser

lint: $(VENV)/.installed-dev ## ruff check, ruff format --check, lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

fmt: $(VENV)/.installed-dev ## Fix what ruff can fix and format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed-dev ## Run every bench/*.py script, then a table of figures vs targets
	@set -e; log=$$(mktemp); found=0; \
	for script in bench/*.py; do \
		case "$$(basename "$$script")" in _*|soak.py) continue ;; esac; \
		found=1; \
		echo "== $$script"; \
		{ PYTHONPATH=. $(PY) "$$script"; echo $$? >"$$log.rc"; } | tee -a "$$log"; \
		[ "$$(cat "$$log.rc")" = 0 ] || { echo "$$script failed"; rm -f "$$log" "$$log.rc"; exit 1; }; \
	done; \
	if [ $$found -eq 0 ]; then echo "no bench/*.py scripts yet"; fi; \
	$(PY) bench/_report.py "$$log"; rm -f "$$log" "$$log.rc"

# Load and fault runs (bench/soak.py, each on a private redis-server): a class of 200 for five
# minutes, then a kill -9 of one daphne and a Redis restart half way through shorter runs.
# Every run is made; the target fails if any of them did. Not part of `make bench`.
soak: $(VENV)/.installed-dev ## 200 students for 5 min on 2 daphnes + Redis, then kill -9 and Redis-restart runs
	@status=0; \
	PYTHONPATH=. $(PY) bench/soak.py --students 200 --seconds 300 || status=1; \
	PYTHONPATH=. $(PY) bench/soak.py --students 200 --seconds 90 --kill || status=1; \
	PYTHONPATH=. $(PY) bench/soak.py --students 200 --seconds 90 --restart-redis || status=1; \
	exit $$status

messages: $(VENV)/.installed ## Recompile locale/*/LC_MESSAGES/django.mo (needs msgfmt)
	$(PY) manage.py compilemessages --ignore='$(VENV)/*'

clean: ## Remove caches, screenshots and collected static files (keeps .venv and db.sqlite3)
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis artifacts staticfiles

distclean: clean ## Also remove the virtualenv
	rm -rf $(VENV)
