# The two commands: `make book` and `make test`. Everything else is a helper they call.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test setup lint bench clean

# Set-up: a virtual environment with the pinned requirements and resnet_lib (editable).
# Re-runs only when requirements.txt or pyproject.toml change.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

setup: $(STAMP)

# The executed, strict book. Unchanged chapters come from the jupyter-cache in _build, but
# the cache only knows the notebooks: when resnet_lib changed since the last build, every
# chapter is re-executed (cache and doctrees dropped) so no page shows stale numbers.
LIB_STAMP := _build/.resnet_lib-built
book: $(STAMP)
	@if [ ! -f $(LIB_STAMP) ] || [ -n "$$(find resnet_lib book_ext -newer $(LIB_STAMP) -type f)" ]; then \
	  echo "resnet_lib changed: re-executing every chapter"; \
	  rm -rf _build/.jupyter_cache _build/.doctrees; fi
	$(BIN)/jupyter-book build . -W -n --keep-going
	@touch $(LIB_STAMP)
	@echo
	@echo "Book built. Open: file://$(CURDIR)/_build/html/index.html"

# The whole test suite: unit tests, every chapter executed once (inside the strict build
# that the book tests run), lint.
test: $(STAMP)
	$(BIN)/ruff check resnet_lib tests benchmarks book_ext
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check resnet_lib tests benchmarks book_ext

bench: $(STAMP)
	$(BIN)/python benchmarks/stage_table_speed.py

clean:
	rm -rf _build
