# dlcourse — the two commands are `make book` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: install sandbox book test lab notebooks release benchmarks clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $(STAMP)

## the grading sandbox: Debian's bubblewrap (as root, or with password-less sudo); students do not need it
sandbox:
	@command -v bwrap >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  echo "installing bubblewrap (the grading sandbox) with apt-get"; \
	  $$SUDO apt-get install -y -q bubblewrap >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null 2>&1 && $$SUDO apt-get install -y -q bubblewrap >/dev/null 2>&1; } || \
	  echo "WARNING: could not install bubblewrap; the sandbox test will fail. Install it: apt-get install bubblewrap"; }

## (a) install and build the book into _build/html
book: install
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is in _build/html/index.html (publish _build/html only, never _build/)."

## (b) run every test: unit tests, nbval on solutions/, nbgrader round trips, sync, book build and leak scan
test: install sandbox
	$(BIN)/python -m pytest -n 2 --dist loadscope --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg \
		--durations=15 tests dlcourse solutions

## students: open the exercises in JupyterLab
lab: install
	$(BIN)/jupyter lab notebooks/

## instructors: re-execute the instructor notebooks (stored outputs) and regenerate the student copies
notebooks: install
	$(BIN)/python -m dlcourse.grading.notebooks execute solutions/*/*.ipynb
	$(MAKE) release

release: install
	$(BIN)/python -m dlcourse.grading.notebooks release

benchmarks: install
	$(BIN)/python benchmarks/bench_reference.py
	$(BIN)/python benchmarks/bench_models.py
	$(BIN)/python benchmarks/bench_training.py
	$(BIN)/python benchmarks/notebook_times.py

clean:
	rm -rf _build .release.db
