# Two entry points for a fresh machine: `make generate` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
NODE_STAMP := node_modules/.installed
# Test processes: one per core (the suite is CPU-bound: generation, black, mypy).
TEST_JOBS ?= auto

.PHONY: generate test check setup setup-test setup-node clean

setup: $(STAMP)

setup-test: $(TEST_STAMP)

setup-node: $(NODE_STAMP)

# Reinstall when the project's metadata changes; the package itself is installed editable.
# Generating needs only the tool; the test tools (pytest, mypy, hypothesis) come with `make test`.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	# bytecode for the editable install, as pip writes it for an installed one: where PYTHONDONTWRITEBYTECODE
	# is set, each run would otherwise compile the generator again (0.2 s a run)
	$(BIN)/python -m compileall -q generator
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

# Prism (the spec-driven mock server the tests call) comes from the committed lockfile; needs Node.js and npm.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "make test needs Node.js and npm for Prism, the mock server the tests call: install them (e.g. apt-get install nodejs npm, or from nodejs.org), then rerun"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

generate: setup
	$(BIN)/clientsmith generate

check: setup
	$(BIN)/clientsmith check

test: setup-test setup-node
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadgroup

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache
