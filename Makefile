# gilbench: `make report` measures this machine and renders the report; `make test` runs the
# whole test suite (release profile, like the measurements).
CARGO ?= cargo
RELEASE := --release

.PHONY: build test lesson report report-quick clean lint

# Measure this machine with the standard profile (about 3 minutes on 2 cores), render the
# report, and print the path of report.html last.
report: build
	$(CARGO) run $(RELEASE) --quiet --bin gilbench -- run --profile standard
	$(CARGO) run $(RELEASE) --quiet --bin gilbench -- report output/latest

# The same in about 10 seconds, for trying things.
report-quick: build
	$(CARGO) run $(RELEASE) --quiet --bin gilbench -- run --profile quick
	$(CARGO) run $(RELEASE) --quiet --bin gilbench -- report output/latest

build:
	$(CARGO) build $(RELEASE) --bins

test: build
	$(CARGO) test $(RELEASE) --all-targets

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

lesson: build
	$(CARGO) run $(RELEASE) --quiet --bin gilbench -- lesson

clean:
	$(CARGO) clean
	find output -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
