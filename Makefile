# The two commands: `make demo` runs the sandbox store, `make test` runs the checks and the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
FIXTURES := fixtures/01_store.json fixtures/02_cod.json fixtures/03_rates.json

.PHONY: install demo demo-oscar test lint schema messages fuzz bench-eligibility bench-webhooks bench-admin bench-remittance clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

# The confirmation links in the demo's messages point at the port it serves on (unless set otherwise).
demo: export COD_PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
demo: install
	$(PY) sandbox/manage.py migrate --noinput
	$(PY) sandbox/manage.py loaddata $(FIXTURES)
	$(PY) sandbox/manage.py cod_demo_orders
	@echo
	@echo "  GraphQL:  http://127.0.0.1:$(PORT)/graphql/"
	@echo "  Admin:    http://127.0.0.1:$(PORT)/admin/   (admin@example.com / codDemo123!)"
	@echo "  Terms:    http://127.0.0.1:$(PORT)/cod/terms/default-channel/"
	@echo
	$(PY) sandbox/manage.py runserver 127.0.0.1:$(PORT)

# The oscar shop with the plugin (sandbox/oscar_shop/): SQLite, tasks inline, the demo's products and customers.
OSCAR_PORT ?= 8001
OSCAR := $(PY) sandbox/oscar_shop/manage.py
demo-oscar: export COD_PUBLIC_BASE_URL ?= http://127.0.0.1:$(OSCAR_PORT)
demo-oscar: install
	$(OSCAR) migrate --noinput
	$(OSCAR) cod_oscar_demo
	@echo
	@echo "  Shop:       http://127.0.0.1:$(OSCAR_PORT)/   (new@example.com / codDemo123!, or as a guest)"
	@echo "  Dashboard:  http://127.0.0.1:$(OSCAR_PORT)/dashboard/   (admin@example.com / codDemo123!: menu Cash on delivery)"
	@echo "  Admin:      http://127.0.0.1:$(OSCAR_PORT)/admin/   (the COD screens; agent@example.com for the queue)"
	@echo
	$(OSCAR) runserver 127.0.0.1:$(OSCAR_PORT)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# The tests in five groups, each run even when one before it failed; any failure fails `make test`. First what can
# run side by side, in TEST_WORKERS processes (pytest-xdist, a test database and a Redis cache database for each,
# a module's tests in one process), then one at a time: PostgreSQL's races, the real Celery workers, Chromium; last
# the plugin inside django-oscar, on the oscar shop's settings (tests/conftest.py keeps each run to its own tests).
# Exit status 5 is pytest's "no test selected" (PYTEST_ARGS naming a folder without tests of a group).
TEST_WORKERS ?= 2
TEST_GROUPS := \
	"not postgres and not celery_worker and not browser|-n $(TEST_WORKERS) --dist loadscope" \
	"postgres and not celery_worker and not browser|" \
	"celery_worker and not browser|" \
	"browser|" \
	"oscar|--ds=tests.oscar.settings tests/oscar"

test: lint
	@failed=""; for group in $(TEST_GROUPS); do \
	  marks="$${group%%|*}"; options="$${group#*|}"; \
	  echo; echo "=== make test: $$marks $$options"; \
	  $(PY) -m pytest -m "$$marks" $$options $(PYTEST_ARGS) || [ $$? -eq 5 ] || failed="$$failed [$$marks]"; \
	done; \
	if [ -n "$$failed" ]; then echo; echo "make test: failures in$$failed"; exit 1; fi

# The GraphQL fuzz run, long: 1,000 examples for each role and operation type (FUZZ_EXAMPLES=... to change).
FUZZ_EXAMPLES ?= 1000
fuzz: install
	COD_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -m fuzz -p no:cacheprovider $(PYTEST_ARGS)

schema: install
	$(PY) sandbox/manage.py cod_schema > schema.graphql

# Extract the strings of both apps into their catalogues of every translated language, then compile them (needs
# GNU gettext).
MESSAGE_LANGUAGES := ar fr id
messages: install
	cd cod_plugin && ../$(PY) -P -m django makemessages $(MESSAGE_LANGUAGES:%=-l %) --no-location -v 0
	cd admin_ui && ../$(PY) -P -m django makemessages $(MESSAGE_LANGUAGES:%=-l %) --no-location -v 0
	cd cod_plugin && ../$(PY) -P -m django compilemessages $(MESSAGE_LANGUAGES:%=-l %) -v 0
	cd admin_ui && ../$(PY) -P -m django compilemessages $(MESSAGE_LANGUAGES:%=-l %) -v 0

bench-eligibility: install
	$(PY) bench/eligibility.py

bench-webhooks: install
	$(PY) bench/webhooks.py

bench-admin: install
	$(PY) bench/admin.py

bench-remittance: install
	$(PY) bench/remittance.py

clean:
	rm -rf $(VENV) build dist *.egg-info sandbox/db.sqlite3 sandbox/oscar_shop/db.sqlite3
