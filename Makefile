# gilbench: `make report` measures this machine and renders the report; `make test` runs the
# whole test suite (release profile, like the measurements). Both build the workspace once, in
# one cargo invocation, and show cargo's progress from the first second.
CARGO ?= cargo
PYTHON ?= python3
RELEASE := --release
EVCXR_VERSION := 0.22.0
JUPYTERLAB_VERSION := 4.6.6
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
GILBENCH := $(TARGET_DIR)/release/gilbench
# The worker program the measurements start: gilbench-core's worker linked statically (a
# process pool then starts without the dynamic loader), or the dynamic one where this system
# has no static C library. `make build` keeps it up to date; cargo's own gilbench-worker stays
# the dynamic one.
MEASURE_WORKER := $(TARGET_DIR)/release/static/gilbench-worker
STATIC_WORKER_FLAGS := -C target-feature=+crt-static -C relocation-model=static
MEASURE_ENV := GILBENCH_WORKER=$(MEASURE_WORKER)
# The notebooks' evcxr settings (:opt 2, a compiled-dependency cache) and the worker binary
# their process pools start.
NOTEBOOK_ENV := EVCXR_CONFIG_DIR=$(CURDIR)/notebooks/evcxr $(MEASURE_ENV)
CORE_SOURCES := $(wildcard core/src/*.rs core/src/*/*.rs core/src/*/*/*.rs core/src/*/*.py) core/Cargo.toml
SOURCES := $(CORE_SOURCES) $(wildcard src/*.rs src/*/*.rs src/*/*/*.rs templates/*) Cargo.toml Cargo.lock build.rs

.PHONY: build install test check-features lesson report report-full measure report-quick bench-budget report-check readme-figures docs-figures readme-commands bench notebooks notebook-tools notebooks-polars notebooks-check lab clean lint pythons chromium python-test

# Measure this machine with the standard profile for about 3 minutes (its budget: the lesson
# table first, then the answer and choice guide, the worker sweeps and the other sections, as
# far as the budget goes), render the report, and print the path of report.html last. Every
# CPython `make pythons` prepared runs beside python3 (free-threaded builds too, with or
# without a venv), with the interpreters executor where it has InterpreterPoolExecutor;
# asyncio and asyncio-threads run beside the pools on waiting work.
REPORT_EXECUTORS := threads,processes,interpreters,asyncio,asyncio-threads
# Every scenario of the study, for report-full.
FULL_SCENARIOS := cpu,io,mixed,convoy,payload,startup,cost,contention
report: build pythons
	@$(MAKE) --no-print-directory measure RUN_FLAGS="--profile standard"
	$(GILBENCH) report output/latest

# The whole study without a budget: the standard plan with every scenario (about 25 minutes
# on 2 cores with the CPythons of make pythons).
report-full: build pythons
	@$(MAKE) --no-print-directory measure RUN_FLAGS="--profile standard --budget none --scenarios $(FULL_SCENARIOS)"
	$(GILBENCH) report output/latest

# One run with RUN_FLAGS, with every interpreter `gilbench pythons --paths` lists.
measure:
	@pythons="$$($(GILBENCH) pythons --paths 2>/dev/null)"; \
	if [ -n "$$pythons" ]; then \
		$(MEASURE_ENV) $(GILBENCH) run $(RUN_FLAGS) --python "$$pythons" --executors $(REPORT_EXECUTORS); \
	else \
		$(MEASURE_ENV) $(GILBENCH) run $(RUN_FLAGS) --executors threads,processes,asyncio,asyncio-threads; \
	fi

# One virtual environment per CPython 3.12/3.13 found, with the interpreters-pep-734 backport
# (pinned), under .pythons/; a notice and no failure when offline or when there is none.
pythons:
	@sh scripts/prepare-pythons.sh

# The lesson's contrast in about 30 seconds of measuring (python3, rust and rust-gil).
report-quick: build
	$(MEASURE_ENV) $(GILBENCH) run --profile quick
	$(GILBENCH) report output/latest

# A quick run's report.html (5 repeats, so that its numbers carry intervals) in a real
# browser (headless Chromium, Debian's package, installed
# here when missing): fails on horizontal overflow, a console error, an image that does not
# load, an entity shown as text, or the "On this machine" block below the first screen, then
# the same (but the block) with the print styles on an A4 page's width; saves
# report-check.png (full page) and report-check-first-screen.png into the run folder. Then a
# second quick run and `gilbench compare` of the two, checked the same way.
report-check: build chromium
	rm -rf output/report-check
	$(MEASURE_ENV) $(GILBENCH) run --profile quick --workers 1,2,4 --repeat 5 --out output --name report-check --quiet
	$(GILBENCH) report output/report-check >/dev/null
	$(PYTHON) scripts/report_check.py output/report-check/report.html
	$(PYTHON) scripts/report_check.py output/report-check/report.html --print
	# A second run, beside the first on one `gilbench compare` page, checked the same way.
	rm -rf output/compare-check
	$(MEASURE_ENV) $(GILBENCH) run --profile quick --workers 1,2,4 --repeat 5 --out output --name compare-check --quiet
	$(GILBENCH) compare output/report-check output/compare-check --out output/compare-check/compare.html >/dev/null
	$(PYTHON) scripts/report_check.py output/compare-check/compare.html --compare
	$(PYTHON) scripts/report_check.py output/compare-check/compare.html --compare --print

# The docs' figures, generated: each documented example command run anew, what it produced
# kept in docs/figures/NAME/, and its figure written between the markers of its page with the
# machine and the date (`make test` checks every block against that data).
docs-figures: build pythons
	$(MEASURE_ENV) GILBENCH=$(GILBENCH) $(PYTHON) scripts/docs_figures.py --write

# The README's shell commands, run in order as a reader would (from a fresh clone: its first
# hour, measured command by command).
readme-commands:
	$(PYTHON) scripts/readme_commands.py

# The README's picture, taken anew from a real run (the quick run of report-check).
readme-figures: report-check
	cp output/report-check/report-check-first-screen.png docs/report-first-screen.png

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "report-check: installing Debian's chromium (apt-get)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core) >/dev/null; }

# Both crates' binaries in one cargo invocation (gilbench and gilbench-core's worker), then the
# static measurement worker (gilbench-core alone: seconds once the rest is built).
build:
	@if [ ! -x $(GILBENCH) ]; then echo "gilbench: first build; cargo compiles polars and the rest of the tree (about 10 minutes on 2 cores)"; fi
	$(CARGO) build $(RELEASE) --workspace --bins
	@$(MAKE) --no-print-directory $(MEASURE_WORKER)

# `cargo rustc` relinks gilbench-core's worker statically; it is copied aside, and the dynamic
# one is put back by cargo at once.
$(MEASURE_WORKER): $(CORE_SOURCES) Cargo.lock
	@mkdir -p $(dir $@)
	@if $(CARGO) rustc $(RELEASE) -p gilbench-core --bin gilbench-worker -- $(STATIC_WORKER_FLAGS); then \
		cp $(TARGET_DIR)/release/gilbench-worker $@.tmp && mv $@.tmp $@; \
		echo "measurement worker: statically linked, $$(stat -c %s $@) bytes, $@"; \
	else \
		echo "note: no static C library here; the measurements use the dynamically linked worker"; \
		cp $(TARGET_DIR)/release/gilbench-worker $@.tmp && mv $@.tmp $@; \
	fi
	@$(CARGO) build $(RELEASE) --quiet -p gilbench-core --bins

# Every test of both crates, then the process-pool tests again with the measurement worker.
# `cargo test` resolves the same features as `make build` (see check-features), so after
# `make report` it compiles only the test targets.
test: build check-features pythons
	@sh scripts/check-pythons.sh
	@$(MAKE) --no-print-directory python-test
	$(CARGO) test $(RELEASE) --workspace --all-targets
	GILBENCH_TEST_WORKER=$(MEASURE_WORKER) $(CARGO) test $(RELEASE) -p gilbench --test tests -- pools:: faults:: startup:: gil::

# Fails when a dependency would be compiled with other features for the tests than for the
# release build (it would then be compiled twice): see the feature-alignment block of Cargo.toml.
check-features:
	@$(CARGO) tree --workspace -e normal -f '{p} {f}' --prefix none | sed 's/ (\*)$$//' | sort -u > $(TARGET_DIR)/features-build.txt
	@$(CARGO) tree --workspace -e normal,dev -f '{p} {f}' --prefix none | sed 's/ (\*)$$//' | sort -u > $(TARGET_DIR)/features-test.txt
	@awk 'NR == FNR { build[$$1 " " $$2] = $$0; next } ($$1 " " $$2) in build && build[$$1 " " $$2] != $$0 { print "differs for the tests: " $$0 " (build: " build[$$1 " " $$2] ")"; bad = 1 } END { exit bad }' \
		$(TARGET_DIR)/features-build.txt $(TARGET_DIR)/features-test.txt
	@echo "features: the test build and the release build resolve one dependency tree"

# The CPython driver's unit tests (unittest, standard library only: nothing to install), run
# from its own folder as gilbench runs it; a few seconds.
PY_DRIVER := core/src/runtime/cpython
python-test:
	$(PYTHON) -m unittest discover -s $(PY_DRIVER)/tests -t $(PY_DRIVER)

# Ruff, pinned, in a virtual environment of its own under the target folder (pip from PyPI,
# once per version), over every Python file of the project (ruff.toml says which).
RUFF_VERSION := 0.17.6
PYTOOLS := $(TARGET_DIR)/pytools
RUFF := $(PYTOOLS)/bin/ruff
$(PYTOOLS)/ruff-$(RUFF_VERSION).stamp:
	@[ -x $(PYTOOLS)/bin/python ] || $(PYTHON) -m venv $(PYTOOLS)
	$(PYTOOLS)/bin/python -m pip install --quiet --disable-pip-version-check ruff==$(RUFF_VERSION)
	@touch $@

lint: $(PYTOOLS)/ruff-$(RUFF_VERSION).stamp
	$(RUFF) check .
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# The lesson's table in seconds: CPython (python3) where there is one, else rust-gil, the
# model of its lock.
lesson: build
	@if command -v python3 >/dev/null 2>&1; then runtime=cpython; else runtime=rust-gil; fi; \
	echo "$(GILBENCH) lesson --runtime $$runtime"; \
	$(MEASURE_ENV) $(GILBENCH) lesson --runtime $$runtime

# gilbench and its worker on PATH: copied into BINDIR (cargo's bin folder by default, which
# rustup puts on PATH), from the release build.
BINDIR ?= $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
install: build
	@mkdir -p $(BINDIR)
	install -m 755 $(GILBENCH) $(BINDIR)/gilbench
	install -m 755 $(MEASURE_WORKER) $(BINDIR)/gilbench-worker
	@case ":$$PATH:" in *":$(BINDIR):"*) echo "gilbench: installed in $(BINDIR), on PATH: try \`gilbench --help\`";; \
		*) echo "gilbench: installed in $(BINDIR), which is not on PATH: add it (export PATH=\"$(BINDIR):\$$PATH\")";; esac

# What the harness costs beside CPython's concurrent.futures (saved into output/latest).
bench: build
	$(MEASURE_ENV) $(GILBENCH) overhead
	@if [ -e output/latest/plan.json ]; then \
		start=$$(date +%s%N); \
		$(GILBENCH) report output/latest >/dev/null 2>&1; \
		echo "rendering output/latest: $$(( ($$(date +%s%N) - start) / 1000000 )) ms"; \
	fi

# How close budgeted runs come to their budgets: 30 s, 1 min and 3 min, three runs each, as
# ratios (about 14 minutes).
bench-budget: build pythons
	$(MEASURE_ENV) GILBENCH=$(GILBENCH) sh scripts/budget_bench.sh

# Jupyter with the Rust kernel. The Python tooling (nbclient, then JupyterLab for `make lab`,
# pinned) goes into the project's own virtual environment, .venv, never into a system Python;
# evcxr_jupyter $(EVCXR_VERSION) is installed once and registered as the "rust" kernel. Each
# warm-up of evcxr's compiled-dependency cache leaves a stamp and runs again only when the
# crate's sources change: `make notebooks` warms gilbench-core (notebooks 01-03, 06, 07), and
# `make notebooks-polars` warms gilbench with polars (04, 05: about 12 minutes, once).
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
NOTEBOOK_STAMPS := $(TARGET_DIR)/notebooks
# A stamp says the cache is warm only while evcxr's cache folder exists: without it, warm again.
EVCXR_CACHE := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/evcxr
WARM_AGAIN := $(if $(wildcard $(EVCXR_CACHE)),,FORCE)
FORCE:
$(VENV)/requirements.stamp: notebooks/requirements.txt
	@[ -x $(VENV_PYTHON) ] || $(PYTHON) -m venv $(VENV)
	$(VENV_PYTHON) -m pip install --quiet --disable-pip-version-check -r notebooks/requirements.txt
	@touch $@

notebook-tools: $(VENV)/requirements.stamp
	@$(CARGO) install --list | grep -q '^evcxr_jupyter v$(EVCXR_VERSION):' || \
		$(CARGO) install evcxr_jupyter --version $(EVCXR_VERSION) --locked
	@evcxr_jupyter --install >/dev/null

$(NOTEBOOK_STAMPS)/gilbench-core.warm: $(CORE_SOURCES) notebooks/evcxr/init.evcxr $(WARM_AGAIN)
	@mkdir -p $(dir $@)
	$(NOTEBOOK_ENV) $(VENV_PYTHON) notebooks/check.py --warm gilbench-core
	@touch $@

$(NOTEBOOK_STAMPS)/gilbench.warm: $(SOURCES) notebooks/evcxr/init.evcxr $(WARM_AGAIN)
	@mkdir -p $(dir $@)
	$(NOTEBOOK_ENV) $(VENV_PYTHON) notebooks/check.py --warm gilbench
	@touch $@

# The notebooks need the measurement worker, not gilbench's binary: no polars to compile first.
notebooks: notebook-tools $(MEASURE_WORKER) $(NOTEBOOK_STAMPS)/gilbench-core.warm

notebooks-polars: notebooks $(NOTEBOOK_STAMPS)/gilbench.warm

# Executes every notebook headless and checks its key outputs and first-cell times.
notebooks-check: notebooks-polars
	$(NOTEBOOK_ENV) $(VENV_PYTHON) notebooks/check.py

# JupyterLab on the notebooks, warm as far as `make notebooks` leaves them (nothing is warmed
# again that is warm; notebooks 04 and 05 compile polars once on their first cell, or after
# `make notebooks-polars`).
lab: notebooks
	@$(VENV_PYTHON) -c 'import jupyterlab' 2>/dev/null || \
		$(VENV_PYTHON) -m pip install --quiet --disable-pip-version-check jupyterlab==$(JUPYTERLAB_VERSION)
	$(NOTEBOOK_ENV) $(VENV_PYTHON) -m jupyterlab notebooks/

clean:
	$(CARGO) clean
	find output -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
