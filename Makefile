# gilbench: `make report` measures this machine and renders the report; `make test` runs the
# whole test suite (release profile, like the measurements).
CARGO ?= cargo
PYTHON ?= python3
RELEASE := --release
EVCXR_VERSION := 0.22.0
JUPYTERLAB_VERSION := 4.6.6
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
# The worker program the measurements start: linked statically (a process pool then starts
# without the dynamic loader), or the dynamic one where this system has no static C library.
# `make build` keeps it up to date; cargo's own gilbench-worker stays the dynamic one.
MEASURE_WORKER := $(TARGET_DIR)/release/static/gilbench-worker
STATIC_WORKER_FLAGS := -C target-feature=+crt-static -C relocation-model=static
MEASURE_ENV := GILBENCH_WORKER=$(MEASURE_WORKER)
# The notebooks' evcxr settings (:opt 2, a compiled-dependency cache) and the worker binary
# their process pools start.
NOTEBOOK_ENV := EVCXR_CONFIG_DIR=$(CURDIR)/notebooks/evcxr $(MEASURE_ENV)
SOURCES := $(wildcard src/*.rs src/*/*.rs src/*/*/*.rs src/*/*.py) Cargo.toml Cargo.lock build.rs

.PHONY: build test lesson report report-quick bench notebooks notebooks-check lab clean lint

# Measure this machine with the standard profile (about 3 minutes on 2 cores), render the
# report, and print the path of report.html last.
report: build
	$(MEASURE_ENV) $(CARGO) run $(RELEASE) --quiet --bin gilbench -- run --profile standard
	$(CARGO) run $(RELEASE) --quiet --bin gilbench -- report output/latest

# The same in about 10 seconds, for trying things.
report-quick: build
	$(MEASURE_ENV) $(CARGO) run $(RELEASE) --quiet --bin gilbench -- run --profile quick
	$(CARGO) run $(RELEASE) --quiet --bin gilbench -- report output/latest

build: $(MEASURE_WORKER)
	$(CARGO) build $(RELEASE) --bins

# `cargo rustc` relinks cargo's gilbench-worker statically; it is copied aside, and the
# dynamic one is put back by `make build`'s own cargo build.
$(MEASURE_WORKER): $(SOURCES)
	@mkdir -p $(dir $@)
	@if $(CARGO) rustc $(RELEASE) --quiet --bin gilbench-worker -- $(STATIC_WORKER_FLAGS); then \
		echo "measurement worker: statically linked, $@"; \
	else \
		echo "note: no static C library here; the measurements use the dynamically linked worker"; \
		$(CARGO) build $(RELEASE) --quiet --bin gilbench-worker; \
	fi
	@cp $(TARGET_DIR)/release/gilbench-worker $@.tmp && mv $@.tmp $@

# Every test, then the process-pool tests again with the measurement worker.
test: build
	$(CARGO) test $(RELEASE) --all-targets
	GILBENCH_TEST_WORKER=$(MEASURE_WORKER) $(CARGO) test $(RELEASE) --test tests -- pools:: faults:: startup:: gil::

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

lesson: build
	$(MEASURE_ENV) $(CARGO) run $(RELEASE) --quiet --bin gilbench -- lesson

# What the harness costs beside CPython's concurrent.futures (saved into output/latest).
bench: build
	$(MEASURE_ENV) $(CARGO) run $(RELEASE) --quiet --bin gilbench -- overhead
	@if [ -e output/latest/plan.json ]; then \
		start=$$(date +%s%N); \
		$(CARGO) run $(RELEASE) --quiet --bin gilbench -- report output/latest >/dev/null 2>&1; \
		echo "rendering output/latest: $$(( ($$(date +%s%N) - start) / 1000000 )) ms (cargo run included)"; \
	fi

# Jupyter with the Rust kernel: nbclient (pinned), evcxr_jupyter $(EVCXR_VERSION) registered
# as the "rust" kernel, and the worker binary.
notebooks: build
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r notebooks/requirements.txt
	$(CARGO) install --list | grep -q '^evcxr_jupyter v$(EVCXR_VERSION):' || \
		$(CARGO) install evcxr_jupyter --version $(EVCXR_VERSION) --locked
	evcxr_jupyter --install

# Executes every notebook headless and checks its key outputs.
notebooks-check: notebooks
	$(NOTEBOOK_ENV) $(PYTHON) notebooks/check.py

lab: notebooks
	$(PYTHON) -m pip install --quiet --disable-pip-version-check jupyterlab==$(JUPYTERLAB_VERSION)
	$(NOTEBOOK_ENV) $(PYTHON) -m jupyterlab notebooks/

clean:
	$(CARGO) clean
	find output -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
