# The two commands a newcomer needs: `make demo` and `make test`. Everything else is detail.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/nhiemvu_ci_$(shell echo $$$$)
PROD_ENV := DJANGO_ENV=production SECRET_KEY=check-deploy-$(shell printf 'x%.0s' $$(seq 1 60)) ALLOWED_HOSTS=nhiemvu.example.gov.vn DATABASE_URL=sqlite:///:memory:

.PHONY: demo install test lint typecheck test-sqlite test-postgres check-deploy serve clean

$(BIN)/nhiemvu: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Cần Python 3.11 / Python 3.11 is required ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/nhiemvu

## demo: install, migrate, load the sample plan, create demo users, serve on http://127.0.0.1:$(PORT)/
## (PORT=8101 make demo serves elsewhere; links in e-mails and calendar feeds follow it)
PORT ?= 8000
demo: install
	$(BIN)/nhiemvu demo --addrport 127.0.0.1:$(PORT)

## test: lint, migrations, types, deploy checks, the dependency audit, then the whole suite on SQLite
## and on PostgreSQL side by side (each pass mostly waits on browsers, LibreOffice, Tesseract and
## servers it starts, so two at once take little longer than one; each prints when it ends)
test: install $(VENV)/.ldap lint typecheck check-deploy audit
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# The province-directory sign-in (nhiemvu/signin): its tests need python-ldap (the `ldap` extra), which
# builds against Debian's libldap2-dev and libsasl2-dev (.ci/run installs them); `make demo` does without.
$(VENV)/.ldap: $(BIN)/nhiemvu pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,ldap]'
	@touch $@

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/nhiemvu makemigrations --check --dry-run

# mypy with django-stubs ([tool.mypy] in pyproject.toml): zero errors.
typecheck:
	$(BIN)/mypy nhiemvu

check-deploy:
	$(PROD_ENV) $(BIN)/nhiemvu check --deploy --fail-level WARNING

test-sqlite:
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(BIN)/pytest

# pytest-django creates test_<name> on the server and drops it afterwards.
test-postgres:
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

serve: install
	$(BIN)/nhiemvu serve

# lock: the exact versions of the production dependencies, each with its files' hashes, from
# pyproject.toml (commit requirements.lock with the pyproject change; a test checks they agree).
.PHONY: lock install-prod audit
lock: install
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links -o requirements.lock pyproject.toml

# install-prod: the production install: every file checked against requirements.lock's hashes,
# nothing resolved at install time, then nhiemvu itself without its dependencies.
install-prod:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps .

# audit: the pinned dependencies against known vulnerabilities (.ci/audit.py; AUDIT_STRICT=1 where
# the registry's vulnerability data is reachable).
audit: install
	$(BIN)/python .ci/audit.py

clean:
	rm -rf $(VENV) var build *.egg-info .mypy_cache

# messages: refresh locale/en/LC_MESSAGES/django.po from the code and templates, then compile
# django.mo (commit both). Needs GNU gettext installed (apt-get install gettext); a checkout
# runs without it because the compiled .mo is in the repository.
.PHONY: messages
messages: install
	$(BIN)/nhiemvu makemessages -l en --ignore=.venv --ignore=var --ignore=artifacts --ignore="*/tests/*"
	$(BIN)/nhiemvu compilemessages -l en --ignore=.venv

# fault-test: restart PostgreSQL while units submit (bench/faults.py: restarts the machine's shared
# cluster, so run it alone, as root), then kill an import inside its transaction on PostgreSQL.
.PHONY: fault-test
fault-test: install
	$(BIN)/python bench/faults.py
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q nhiemvu/reporting/tests/test_faults.py
