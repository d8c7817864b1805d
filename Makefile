# Two entry points for a fresh machine: `make generate` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: generate test check setup setup-node clean

setup: $(STAMP)

setup-node: $(NODE_STAMP)

# Reinstall when the project's metadata changes; the package itself is installed editable.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Prism (the spec-driven mock server the tests call) comes from the committed lockfile.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

generate: setup
	$(BIN)/clientsmith generate

check: setup
	$(BIN)/clientsmith check

test: setup setup-node
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache
