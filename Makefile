# The two commands a new user needs: `make run` and `make test`. Only Python, pip and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Settings for checks that load Django without serving anything.
CHECK_ENV := SECRET_KEY=make-check-only DEBUG=0

.PHONY: run test lint test-sqlite test-servers bench chaos messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## run: install, migrate the SQLite database, load the demo once, serve on 127.0.0.1:8000
run: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo --if-empty
	@printf "\nOsteoRehab is at http://127.0.0.1:8000/  (Ctrl-C stops it)\n\n"
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

## test: lint, type-check, then every test on SQLite; again on PostgreSQL/Redis when set
test: lint test-sqlite test-servers

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(CHECK_ENV) $(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/bandit -c pyproject.toml -r osteorehab config -q
	$(CHECK_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

test-sqlite: $(VENV)/.installed-dev
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest -n 2 -p no:cacheprovider

test-servers: $(VENV)/.installed-dev
	@if [ -n "$$DATABASE_URL$$REDIS_URL" ]; then \
		echo "== again on DATABASE_URL=$${DATABASE_URL:-(SQLite)} REDIS_URL=$${REDIS_URL:-(none)}"; \
		$(BIN)/pytest -n 2 -p no:cacheprovider; \
	else \
		echo "== DATABASE_URL and REDIS_URL not set: PostgreSQL and Redis runs skipped"; \
	fi

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

## bench: the benchmark suite against the local PostgreSQL and Redis (bench/README.md); not in CI
bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench $(MEASURES)

## chaos: faults under load on a throwaway PostgreSQL cluster (docs/operations.md); not in CI
chaos: $(VENV)/.installed
	$(BIN)/python -m chaos

## messages: extract the translatable strings and compile the catalogue (needs GNU gettext)
messages: $(VENV)/.installed-dev
	$(CHECK_ENV) $(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --no-location
	$(BIN)/python -m osteorehab.core.catalogue compile

clean:
	rm -rf $(VENV) var staticfiles .mypy_cache .ruff_cache
