# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install clean postgres

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/yp demo

test: $(STAMP) postgres
	$(BIN)/python -m pytest -n 2 -q

# The engine's tests start throwaway PostgreSQL clusters (initdb + pg_ctl on 127.0.0.1):
# install the Debian server package when it is missing; without it those tests skip.
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing the PostgreSQL server (Debian package postgresql) for the engine tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null) \
		|| echo "warning: could not install postgresql; the Postgres engine tests will be skipped"; \
	else echo "warning: PostgreSQL server not installed and cannot install it here; the Postgres engine tests will be skipped"; fi

clean:
	rm -rf $(VENV) .pytest_cache build src/*.egg-info
