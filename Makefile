# dlcourse — the two commands are `make book` and `make test` (see README.md).
PYTHON_VERSION := 3.11
# the Python the README asks for: python3.11 where it is on PATH, else python3 (checked below)
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) 2>/dev/null || echo python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: install python sandbox browser postgres book serve screenshots test test-portable test-nightly lab formgrader notebooks \
        release benchmarks clean

install: python $(STAMP)

## the pinned packages (numpy 2.4, torch 2.13's CPU wheel) are tested on Python $(PYTHON_VERSION): say which Python
## is used, and stop with a clear message on another one (the venv's, once it exists)
python:
	@py=$$(test -x $(BIN)/python && echo $(BIN)/python || echo $(PYTHON)); \
	found=$$($$py -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) || { \
	  echo "make: no Python at '$$py'. This course needs Python $(PYTHON_VERSION): install it, or run make PYTHON=/path/to/python$(PYTHON_VERSION) ..."; exit 1; }; \
	case "$$found" in $(PYTHON_VERSION)|$(PYTHON_VERSION).*) echo "Python $$found ($$py)";; \
	  *) echo "make: this course needs Python $(PYTHON_VERSION) (see README.md); found Python $$found at $$py."; \
	     if [ "$$py" = "$(BIN)/python" ]; then echo "      $(VENV) was made with it: remove $(VENV) and run make again with PYTHON=/path/to/python$(PYTHON_VERSION)"; \
	     else echo "      install Python $(PYTHON_VERSION) and run: make PYTHON=/path/to/python$(PYTHON_VERSION) ..."; fi; exit 1;; esac

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

## the browser tests (tests/test_browser.py): Debian's Chromium, driven by Playwright, and a font for the book's Chinese
## terms (as root, or with password-less sudo). Readers and students do not need them; without them those tests skip,
## saying why. Playwright's own `playwright install` (which downloads browsers) is never used.
browser:
	@if ! command -v chromium >/dev/null || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  echo "installing chromium and fonts-wqy-microhei (the browser tests) with apt-get"; \
	  $$SUDO apt-get install -y -q chromium fonts-wqy-microhei >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null 2>&1 && $$SUDO apt-get install -y -q chromium fonts-wqy-microhei >/dev/null 2>&1; } || \
	  echo "WARNING: could not install chromium; the browser tests will skip. Install it: apt-get install chromium"; fi

## the PostgreSQL gradebook tests (tests/test_cluster.py, tests/test_lms.py): Debian's PostgreSQL server, from which the
## tests start a throwaway cluster on 127.0.0.1 (as root, or with password-less sudo). Graders who keep SQLite, and
## students, do not need it; without it those tests skip, saying why.
postgres:
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  echo "installing postgresql (the gradebook tests) with apt-get"; \
	  $$SUDO apt-get install -y -q postgresql >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null 2>&1 && $$SUDO apt-get install -y -q postgresql >/dev/null 2>&1; } || \
	  echo "WARNING: could not install postgresql; the PostgreSQL tests will skip. Install it: apt-get install postgresql"; }

## (a) install and build the book into _build/html
book: install
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is in _build/html/index.html (publish _build/html only, never _build/)."

## read the built book at http://127.0.0.1:$(PORT)/ (this machine only); Ctrl-C stops it
PORT ?= 8000
serve: book
	@echo "Serving _build/html at http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

## the README's two screenshots (book/screenshots/), taken by the browser tests' helper from the built book
screenshots: book browser
	$(BIN)/python tests/browser.py screenshots

## (b) run every test: unit tests, nbval on solutions/, nbgrader round trips, sync, book build and leak scan, the book and
## JupyterLab in Chromium
## nbval runs every notebook once, on an emulated x86-64 baseline CPU (the kernel conftest.py registers): the stored
## outputs hold on the machine farthest from the one they were recorded on. Other CPUs: make test-portable.
NBVAL_KERNEL := $(if $(filter x86_64 amd64,$(shell uname -m)),python3-x86-64-baseline,python3)
test: install sandbox browser postgres
	$(BIN)/python -m pytest -n 2 --dist loadscope --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg \
		--nbval-kernel-name $(NBVAL_KERNEL) -m "not nightly" --durations=15 tests dlcourse solutions

## the stored outputs hold on other machines: nbval on solutions/ under emulated CPUs and another thread count
test-portable: install
	$(BIN)/python -m pytest -n 2 --dist loadscope --durations=5 tests/test_portable.py

## before a release: what make test cannot afford in 30 minutes (test-portable, and the nbgrader round trips'
## third student, one exercise undone per notebook)
test-nightly: install sandbox
	$(BIN)/python -m pytest -n 2 --dist loadscope -m nightly --durations=10 tests

## students: JupyterLab on work/, your own copies of the exercise notebooks. A notebook not yet in work/ is copied
## there from notebooks/; one already there is never overwritten, so a course update (git pull, make release) keeps
## your answers, and notebooks/ stays the pristine release that the tests compare with nbgrader's output.
## Jupyter refuses to start as root (whoever reaches the server would be root); in a container or on CI root is the
## only user, so --allow-root is passed there and nowhere else.
## Students get JupyterLab without nbgrader's instructor tools (Formgrader, Create Assignment, course and assignment
## lists: dlcourse/lab/ disables them); nbgrader's Validate button stays. Nor does it offer Jupyter's news or check
## for updates: the course works offline.
lab: install
	$(BIN)/python -m dlcourse.grading.notebooks workspace
	JUPYTER_CONFIG_PATH=$(CURDIR)/dlcourse/lab $(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) work/

## instructors: JupyterLab on the course folder with nbgrader's Formgrader (manual grading; book/instructors.md)
formgrader: install
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) .

## instructors: re-execute the instructor notebooks (stored outputs) and regenerate the student copies
notebooks: install
	$(BIN)/python -m dlcourse.grading.notebooks execute solutions/*/*.ipynb
	$(MAKE) release

release: install
	$(BIN)/python -m dlcourse.grading.notebooks release
	$(BIN)/python -m dlcourse.grading.catalog

benchmarks: install
	$(BIN)/python benchmarks/bench_reference.py
	$(BIN)/python benchmarks/bench_models.py
	$(BIN)/python benchmarks/bench_training.py
	$(BIN)/python benchmarks/bench_similarity.py
	$(BIN)/python benchmarks/notebook_times.py
	$(BIN)/python benchmarks/bench_check.py

clean:
	rm -rf _build .release.db
