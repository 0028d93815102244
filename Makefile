# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make demo   installs, starts the sandbox and runs the main job
#   make test   installs and runs lint and every test
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := sandbox source-custom-contacts destination-crm-contacts
# Every package editable, with its test extra: the connectors' extras name the sandbox, installed here too.
EDITABLES := $(foreach package,$(PACKAGES),-e './$(package)[tests]')
SANDBOX_PORT ?= 8765

.PHONY: install lock sandbox test lint format demo bench bench-quick bench-sandbox clean \
	acceptance-sandbox connector-test test-suites test-sandbox test-source test-destination test-end-to-end test-fidelity

install: $(STAMP)

# Re-installs only when a dependency list changes; pinned by requirements.lock.
$(STAMP): requirements.lock requirements-dev.txt $(addsuffix /pyproject.toml,$(PACKAGES))
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c requirements.lock -r requirements-dev.txt $(EDITABLES)
	touch $(STAMP)

# Regenerates the pins from a clean resolve; commit the result.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --disable-pip-version-check \
		-r requirements-dev.txt $(EDITABLES)
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock
	rm -rf .venv-lock

sandbox: install
	$(BIN)/contacts-sandbox --port $(SANDBOX_PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every suite at once, each spread over test processes (pytest-xdist): most tests wait on a server,
# a backoff or a rate limit, so the waits overlap while the two cores stay busy. Each suite's output
# is printed whole when it ends; the total time, install included, comes last.
TEST_WORKERS ?= 4
PYTEST := ../$(BIN)/pytest -n $(TEST_WORKERS)
test:
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory install && \
	$(MAKE) --no-print-directory --output-sync=target -j test-suites; \
	status=$$?; \
	echo "make test: $$([ $$status -eq 0 ] && echo passed || echo FAILED) in $$(( $$(date +%s) - start )) s"; \
	exit $$status

test-suites: lint test-sandbox test-source test-destination test-end-to-end test-fidelity connector-test

# Each package runs its own pytest: their test folders share names (unit_tests, conftest.py).
test-sandbox: install
	cd sandbox && $(PYTEST)
test-source: install
	cd source-custom-contacts && $(PYTEST)
test-destination: install
	cd destination-crm-contacts && $(PYTEST)
test-end-to-end: install
	cd tests && $(PYTEST) -m "not fidelity_cycles"
# The churn-and-fault runs, a minute or two each, as a suite of their own: given fewer tests than
# twice its workers, pytest-xdist deals them one a worker, where in the whole suite it would hand
# consecutive tests, and so all of them, to one worker.
test-fidelity: install
	cd tests && $(PYTEST) -m fidelity_cycles

# The one step `airbyte-cdk connector test` needs in a connector's folder: a sandbox serving in the
# background (PROFILE=lenient or strict) and the configs acceptance-test-config.yml names, pointing
# at it. `python -m contacts_sandbox.acceptance stop` stops it.
PROFILE ?= lenient
acceptance-sandbox: install
	$(BIN)/python -m contacts_sandbox.acceptance start --profile $(PROFILE)

# Airbyte's own test command, run as is in each connector's folder, under each sandbox profile.
connector-test: install
	@for profile in lenient strict; do \
		$(BIN)/python -m contacts_sandbox.acceptance start --profile $$profile || exit 1; \
		(cd source-custom-contacts && ../$(BIN)/airbyte-cdk connector test) \
			&& (cd destination-crm-contacts && ../$(BIN)/airbyte-cdk connector test); \
		status=$$?; \
		$(BIN)/python -m contacts_sandbox.acceptance stop; \
		[ $$status -eq 0 ] || exit $$status; \
	done

demo: install
	$(BIN)/python scripts/demo.py

bench: install
	$(BIN)/python -m benchmarks

# A smoke run at small sizes; it writes to .bench/ and leaves the committed report alone.
bench-quick: install
	$(BIN)/python -m benchmarks --quick

bench-sandbox: install
	$(BIN)/python sandbox/bench/bench_sandbox.py

clean:
	rm -rf $(VENV) .sandbox .demo .pytest_cache .mypy_cache .ruff_cache
