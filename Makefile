# gilbench: `make report` measures this machine and renders the report; `make test` runs the
# whole test suite (release profile, like the measurements).
CARGO ?= cargo
RELEASE := --release

.PHONY: build test lesson clean lint

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
