# cac: the two commands are `make run` and `make test`; both set up first (scripts/setup.sh is idempotent).
CARGO ?= cargo
ADDR  ?= 127.0.0.1:50051

.PHONY: setup run test build bench clean

setup:
	@scripts/setup.sh

build: setup
	$(CARGO) build --release --locked

run: build
	./target/release/cac serve --addr $(ADDR)

# Tests run in release: the suite loads the full ICD-10-CM code set and builds the lexicon many times over.
test: setup
	$(CARGO) test --release --locked --all-targets

bench: setup
	$(CARGO) bench --locked

clean:
	$(CARGO) clean
