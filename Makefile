# The two commands: `make demo` runs the main job, `make test` runs the whole suite.
# Both install everything on first use (scripts/setup.sh: Debian packages, then .venv).

VENV  := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test install bench

$(STAMP): pyproject.toml scripts/setup.sh
	scripts/setup.sh

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/screenloop demo

test: $(STAMP)
	$(VENV)/bin/python -m pytest

bench: $(STAMP)
	$(VENV)/bin/python scripts/bench/step_overhead.py
