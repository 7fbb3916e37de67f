# Set-up and everyday commands. `make run` and `make test` do all set-up on a fresh machine.
VENV := .venv
ifeq ($(OS),Windows_NT)
# Windows (make from Git Bash or MSYS2): the venv's programs are in Scripts, with .exe.
PYTHON ?= py -3.11
BIN := $(VENV)/Scripts
EXE := .exe
else
PYTHON ?= python3
BIN := $(VENV)/bin
EXE :=
endif
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= $(if $(DISPLAY)$(WAYLAND_DISPLAY),,offscreen)

.PHONY: run test test-pg load-test test-fast lint fmt bench translations demo clean screenshots
.PHONY: lock wheelhouse wheelhouse-test bundle bundle-test

$(BIN)/python$(EXE):
	$(PYTHON) -m venv $(VENV)

# Exactly the locked versions, each file checked against its hash (requirements/lock.txt, made
# by `make lock` from pyproject.toml), then the project itself: no dependency resolved, no build
# tool downloaded. Re-installs whenever the lock or pyproject changes.
LOCK := requirements/lock.txt
PIP := $(BIN)/python -m pip --disable-pip-version-check
$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python$(EXE)
	$(PIP) install --quiet --require-hashes -r $(LOCK)
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python main.py

test: $(STAMP)
	$(BIN)/ruff check --quiet .
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# The core suite again with every store on PostgreSQL: a throwaway server (tools/pg_sandbox.py:
# a temp dir, 127.0.0.1, a free port) started for the run and deleted after.
test-pg: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/pg_sandbox.py run -- \
		$(BIN)/python -m pytest -q tests/workstation

# 8 processes importing and editing one PostgreSQL store for 60 s (a throwaway server on
# 127.0.0.1), then no lost update, no duplicate, exact counts, audit chain; reports throughput.
# LOAD_ARGS="--seconds 20", "--db postgresql+psycopg://…" or "--db FILE.db" (SQLite) to vary it.
load-test: $(STAMP)
	$(BIN)/python bench/load_server.py --seconds 60 $(LOAD_ARGS)

test-fast: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m "not gui and not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench

# docs/images/*.png, on an X server (Xvfb) when xvfb-run is installed, else offscreen.
XVFB := $(shell command -v xvfb-run 2>/dev/null)
screenshots: $(STAMP)
ifneq ($(XVFB),)
	xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb $(BIN)/python -m ui.screenshots
else
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.screenshots
endif

translations: $(STAMP)
	$(BIN)/python -m ui.i18n --update

# --- Offline installation (README: 离线安装) ------------------------------------------------
# requirements/*.txt from pyproject.toml by a pinned uv, with the hashes of every platform's
# files; UPGRADE=1 also moves the dependencies pyproject does not pin to their newest versions.
lock: | $(BIN)/python$(EXE)
	$(BIN)/python packaging/lock.py $(if $(UPGRADE),--upgrade)

# dist/wheelhouse-<platform>/: the project's wheel, its runtime dependencies' wheels and the
# install scripts (+ a .sha256 beside it). PLATFORM=win_amd64 gathers the Windows wheels here.
wheelhouse: $(STAMP)
	$(BIN)/python packaging/wheelhouse.py $(if $(PLATFORM),--platform $(PLATFORM))

# Builds a wheelhouse, installs it into a fresh venv with downloads impossible, starts the CLI.
wheelhouse-test: $(STAMP)
	$(BIN)/python -m pytest -q tests/packaging/test_wheelhouse.py

# dist/workstation/: a self-contained folder (PyInstaller; no Python needed on the target) with
# the desktop app `workstation` and the command line `workstation-cli` (+ a .sha256 beside it).
BUILD_LOCK := requirements/build-lock.txt
bundle: $(STAMP)
	$(PIP) install --quiet --require-hashes -r $(BUILD_LOCK)
	$(BIN)/python packaging/bundle.py

# Runs the bundle's CLI (init, demo, brief --pdf) and its window offscreen, without the venv.
bundle-test: bundle
	$(BIN)/python -m pytest -q -m bundle tests/packaging/test_bundle.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
