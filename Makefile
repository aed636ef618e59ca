# cac: the two commands are `make run` and `make test`; both set up first (scripts/setup.sh is idempotent).
CARGO ?= cargo
ADDR  ?= 127.0.0.1:50051

.PHONY: setup run test build bench clean eval eval-codiesp eval-negex model tokenizer fuzz

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

# Evaluation on the shared data sets (read from ../shared/data, never copied into the project).
SHARED ?= ../shared/data
EVAL_DIR ?= target/eval

eval: eval-negex eval-codiesp

eval-negex: build
	python3 scripts/eval_negex.py $(SHARED)/negex/negex_dev.tsv target/release/cac

eval-codiesp: build
	@mkdir -p $(EVAL_DIR)
	python3 scripts/codiesp_jsonl.py $(SHARED)/codiesp/dev > $(EVAL_DIR)/codiesp-dev.jsonl
	./target/release/cac batch $(EVAL_DIR)/codiesp-dev.jsonl -o $(EVAL_DIR)/codiesp-dev.pred.jsonl
	./target/release/cac eval $(EVAL_DIR)/codiesp-dev.pred.jsonl $(SHARED)/codiesp/dev/devD.tsv

# Retrains the scorer (models/scorer.onnx, its parity fixture and metrics) from CodiEsp train/dev.
# Python packages are pinned in training/requirements.txt and installed into .deps/train.
TRAIN_PY = PYTHONPATH=.deps/train python3

# The tokenizer is trained once and kept (`make tokenizer`): tokenizers' WordPiece trainer breaks frequency ties
# in hash order, so a retrained vocabulary differs in a few subwords and every model trained on it changes.
# `make model` keeps the committed tokenizer, so retraining the scorer on the same data gives the same file.
TRAIN_DEPS = python3 -m pip install --quiet --target .deps/train -r training/requirements.txt

tokenizer: setup
	$(TRAIN_DEPS)
	$(TRAIN_PY) training/tokenizer.py data/icd10cm/2026-04/icd10cm-tabular-2026-04.xml $(SHARED)/codiesp/train/text_files_en models/tokenizer.json

model: setup
	$(TRAIN_DEPS)
	$(CARGO) build --release --locked
	@mkdir -p $(EVAL_DIR)
	python3 scripts/codiesp_jsonl.py $(SHARED)/codiesp/train > $(EVAL_DIR)/codiesp-train.jsonl
	python3 scripts/codiesp_jsonl.py $(SHARED)/codiesp/dev > $(EVAL_DIR)/codiesp-dev.jsonl
	./target/release/cac features $(EVAL_DIR)/codiesp-train.jsonl --gold $(SHARED)/codiesp/train/trainD.tsv -o $(EVAL_DIR)/codiesp-train.features.jsonl
	./target/release/cac features $(EVAL_DIR)/codiesp-dev.jsonl --gold $(SHARED)/codiesp/dev/devD.tsv -o $(EVAL_DIR)/codiesp-dev.features.jsonl
	$(TRAIN_PY) training/train.py $(EVAL_DIR)/codiesp-train.features.jsonl $(SHARED)/codiesp/train/trainD.tsv $(EVAL_DIR)/codiesp-dev.features.jsonl $(SHARED)/codiesp/dev/devD.tsv \
		--rule-scored family_history,personal_history
	$(CARGO) build --release --locked

# Fuzzing (not in CI; needs the nightly toolchain): each target runs FUZZ_SECONDS, starting from the small corpus
# committed in fuzz/corpus/ (which `make test` replays, tests/it/fuzz_corpus.rs) and growing its own in the
# git-ignored fuzz/work/. Crashes land in fuzz/artifacts/.
FUZZ_SECONDS ?= 600
FUZZ_FLAGS = -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -rss_limit_mb=4096 -timeout=30
fuzz: setup
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	@mkdir -p fuzz/work/code_note fuzz/work/jsonl_lines
	$(CARGO) +nightly fuzz run code_note -O fuzz/work/code_note fuzz/corpus/code_note -- $(FUZZ_FLAGS)
	$(CARGO) +nightly fuzz run jsonl_lines -O fuzz/work/jsonl_lines fuzz/corpus/jsonl_lines -- $(FUZZ_FLAGS)
