# Every target sets itself up: `make test` and `make demo` work on a fresh clone with only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 5000
# Exact versions of the whole dependency tree, build tools included (PIP_CONSTRAINT reaches the build env too).
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install test lint emulator demo bench dist clean pulumi

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=...)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev,emulator]'
	touch $(STAMP)

# moto ships its own FSx tests only in its sdist: fetched from PyPI once (setup, like the install), so that
# tests/emulator/test_moto_upstream.py runs them against the emulator. If PyPI cannot be reached, that test skips.
MOTO_VERSION := $(shell sed -n 's/^moto==//p' constraints.txt)
MOTO_UPSTREAM := .cache/moto-$(MOTO_VERSION)/tests/test_fsx

$(MOTO_UPSTREAM): | $(STAMP)
	mkdir -p .cache
	$(PY) -m pip download --quiet --no-deps --no-binary :all: --dest .cache moto==$(MOTO_VERSION) \
		&& tar -xzf .cache/moto-$(MOTO_VERSION).tar.gz -C .cache moto-$(MOTO_VERSION)/tests/test_fsx \
		|| echo "moto's sdist could not be fetched: its FSx suite is skipped"

# The real Pulumi CLI, built from Go modules (the Go module proxy) at the version tools/pulumi-cli/go.mod requires,
# with the dynamic-provider launcher the engine looks for next to it. Built once: a second `make pulumi` does nothing.
# `make test` runs its real-engine tier whenever this CLI (or a `pulumi` on PATH) is there.
PULUMI_VERSION := $(shell sed -n 's|^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 \(v[^ ]*\).*|\1|p' tools/pulumi-cli/go.mod)
PULUMI_BIN := .cache/pulumi/bin

pulumi: $(PULUMI_BIN)/pulumi $(PULUMI_BIN)/pulumi-resource-pulumi-python

$(PULUMI_BIN)/pulumi: tools/pulumi-cli/go.mod tools/pulumi-cli/go.sum
	@command -v go >/dev/null || { echo "make pulumi needs Go 1.26 or newer on PATH"; exit 1; }
	mkdir -p $(PULUMI_BIN)
	cd tools/pulumi-cli && CGO_ENABLED=0 go build -trimpath -buildvcs=false \
		-ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(PULUMI_VERSION)" \
		-o $(CURDIR)/$@.tmp github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
	test "$$($@.tmp version)" = "$(PULUMI_VERSION)" || { echo "the built CLI does not report $(PULUMI_VERSION)"; exit 1; }
	mv $@.tmp $@

$(PULUMI_BIN)/pulumi-resource-pulumi-python: tools/pulumi-cli/pulumi-resource-pulumi-python
	mkdir -p $(PULUMI_BIN)
	install -m 0755 $< $@

test: install $(MOTO_UPSTREAM)
	MOTO_UPSTREAM_FSX_TESTS=$(CURDIR)/$(MOTO_UPSTREAM) $(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy provider/fsx_backup_copy_provider sdk/pulumi_fsx_backup_copy emulator/fsx_emulator tests examples/demo.py bench
	@# Each Pulumi program is a __main__ module of its own: one mypy run per program.
	for program in examples/*/__main__.py tests/engine/programs/*/__main__.py; do $(VENV)/bin/mypy $$program || exit 1; done
	@# Every GitHub Actions workflow in the repository, against the schema check-jsonschema ships (no network).
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows \
		$$(find . -path ./.venv -prune -o -path '*/.github/workflows/*' \( -name '*.yml' -o -name '*.yaml' \) -print)

emulator: install
	$(VENV)/bin/fsx-emulator --port $(PORT)

demo: install
	$(PY) examples/demo.py

bench: install
	$(PY) -m bench

# The sdist and wheel in dist/ (pip install dist/pulumi_fsx_backup_copy-*.whl), checked by twine. No network: the
# build backend is the one pinned in .venv (dev extra).
dist: install
	rm -rf dist
	$(PY) -m build --no-isolation --sdist --wheel --outdir dist .
	$(VENV)/bin/twine check --strict dist/*

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info */*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
