# CASIA on one machine. The logic lives in deploy/local (the `casia-local` command); this file chains it.
#   make up      install what is missing, start the infrastructure and the five services
#   make restart PIECE=workflow   stop one piece by PID and bring the stack up again (new code)
#   make test    the same stack (only what this run started is stopped afterwards) + pytest
#   make check   ruff, ruff format, mypy, then make test
#   make audit   known vulnerabilities of the locked packages (pip-audit)
#   make images  build casia/<service>:<version> for every service (deploy/images/README.md)
SHELL := /bin/bash
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
RUN := $(UV) run --frozen
RECORD := .local/test-run.json
PIECE ?=
PYTEST_ARGS ?=
# The scale-out test's backlog in make test (tests/scale: 20,000 when run alone).
SCALE_OUT_COMMANDS ?= 5000

# WeasyPrint (the receipts' PDFs) draws text with Pango and HarfBuzz; DejaVu is the receipts' font;
# the portal's browser tests drive Debian's Chromium.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core chromium

.PHONY: up down restart status logs test check audit bench clean install uv sync system images
.DEFAULT_GOAL := up

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)" \
	  || python3 -m pip install --quiet --user --break-system-packages "uv==$(UV_VERSION)"

system:
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || { echo "installing $(SYSTEM_PACKAGES)"; \
	  apt-get install -y --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null \
	  || { echo "could not install $(SYSTEM_PACKAGES): run apt-get install as root"; exit 1; }; }

sync: uv system
	$(UV) sync --frozen

install: sync
	$(RUN) casia-local install

up: sync
	$(RUN) casia-local up

down: uv
	$(RUN) casia-local down

restart: uv
	$(RUN) casia-local restart $(PIECE)

status: uv
	$(RUN) casia-local status

logs: uv
	$(RUN) casia-local logs $(PIECE)

# One image per service from deploy/images/Dockerfile; starts (and stops, by PID) a Docker engine
# of its own under ~/.cache/casia/docker when none answers. The test suite builds them too.
images: sync
	$(RUN) casia-local images

test: sync
	$(RUN) casia-local up --record $(RECORD) || { $(RUN) casia-local down --from $(RECORD); exit 1; }
	status=0; CASIA_LOCAL_RECORD=$(abspath $(RECORD)) CASIA_SCALE_OUT_COMMANDS=$(SCALE_OUT_COMMANDS) \
	  $(RUN) pytest $(PYTEST_ARGS) || status=$$?; \
	  $(RUN) casia-local down --from $(RECORD); exit $$status

check: sync
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy runtime/src runtime/tests telemetry/src telemetry/tests contracts/src contracts/tests read-models/src read-models/tests uploads/src uploads/tests ops/src ops/tests services/*/src services/*/tests deploy/local/src deploy/local/tests deploy/k8s/src deploy/k8s/tests deploy/observability deploy/compose tests bench conftest.py
	$(MAKE) test

# Known vulnerabilities in what uv.lock pins (every group, the workspace's own packages left out),
# from PyPI's per-release JSON. --strict: a package that could not be audited fails it too, so a
# run that could not reach the data never passes for a clean one. Not part of `check`: the
# machines this project is built on cannot reach that data (every per-release page answers 404).
audit: sync
	set -o pipefail; $(UV) export --frozen --no-emit-workspace --all-groups --quiet \
	  | $(RUN) pip-audit --strict --requirement /dev/stdin --disable-pip --progress-spinner off

BENCH_RECORD := .local/bench-run.json

# Benchmarks against the real stack (started if needed, and only that stopped afterwards): one JSON
# report on standard output, also saved under bench/results/ with the date, commit and machine.
# The read paths run over a million cases in a database of their own (casia_bench), loaded once
# (about 1.5 min) and reused by later runs; see bench/README.md.
bench: sync
	$(RUN) casia-local up --record $(BENCH_RECORD) || { $(RUN) casia-local down --from $(BENCH_RECORD); exit 1; }
	status=0; $(RUN) python -m bench.run || status=$$?; \
	  $(RUN) casia-local down --from $(BENCH_RECORD); exit $$status

clean: uv
	$(RUN) casia-local clean
