# Set-up and everyday commands. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= $(if $(DISPLAY)$(WAYLAND_DISPLAY),,offscreen)

.PHONY: run test test-fast lint fmt bench translations demo clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install whenever the pinned dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[gui,server,test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python main.py

test: $(STAMP)
	$(BIN)/ruff check --quiet .
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

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

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
