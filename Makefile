# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

LOCK   := requirements.lock

.PHONY: demo test test-fast install clean postgres chromium lock

# Installs exactly the versions in requirements.lock (what CI tested); pyproject.toml keeps
# the ranges for people who install the package as a library.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/yp demo

# The whole suite, as CI runs it (.ci/run calls `make test`).
test: $(STAMP) postgres chromium
	$(BIN)/python -m pytest -n 2 -q

# The inner loop: everything but the tests marked `slow` (Whisper/OCR, kill -9, several workers,
# a browser, whole benchmarks, long walks through the CLI).
test-fast: $(STAMP) postgres
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

# The report test opens an HTML report in headless Chromium: install Debian's when missing.
chromium:
	@sh scripts/ensure_chromium.sh || echo "warning: Chromium unavailable; the browser test will be skipped"

# The engine's tests start throwaway PostgreSQL clusters (initdb + pg_ctl on 127.0.0.1):
# install the Debian server package when it is missing; without it those tests skip.
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing the PostgreSQL server (Debian package postgresql) for the engine tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null) \
		|| echo "warning: could not install postgresql; the Postgres engine tests will be skipped"; \
	else echo "warning: PostgreSQL server not installed and cannot install it here; the Postgres engine tests will be skipped"; fi

# Refresh requirements.lock: resolve pyproject.toml's ranges afresh in a new virtualenv.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet -e '.[test]'
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^young-production' > $(LOCK)
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache build src/*.egg-info
