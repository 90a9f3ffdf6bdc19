# The two commands: `make book` and `make test`. `make check` is the fast edit loop.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# npm ci writes node_modules/.package-lock.json itself; our stamp is touched after it.
NPM_STAMP := node_modules/.installed
LINTED := resnet_lib tests benchmarks book_ext tools

.PHONY: book test check setup lock lint bench clean

# Set-up: a virtual environment with EXACTLY the packages of requirements.lock (every one
# pinned; --no-deps, so nothing is resolved at install time), recreated from scratch when the
# lock changes so that nothing stale stays in it; then resnet_lib (editable) on top, again
# whenever pyproject.toml changes.
VENV_STAMP := $(VENV)/.locked
$(VENV_STAMP): requirements.lock
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip check
	touch $(VENV_STAMP)

$(STAMP): $(VENV_STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# The site's third-party files (MathJax, the plotly.js bundle, Font Awesome's SVG icons) and
# the tests' axe-core, exactly as package-lock.json pins them; npm ci checks each tarball's
# integrity. The build itself never touches the network.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

# The lite edition's build tools (tools/build_lite.py) in a venv of their own, from
# tools/lite-tools.lock (pyodide-lock declares Python >= 3.12 but runs on 3.11: see the lock's
# header), and the wheels the lite site ships, exactly as tools/lite-constraints.txt pins them,
# fetched now so that the book build itself needs no network (pure-Python
# wheels for Python 3.14, Pyodide 314's).
LITE_VENV  := .venv-lite
LITE_STAMP := $(LITE_VENV)/.installed
$(LITE_STAMP): tools/lite-tools.lock tools/lite-constraints.txt
	rm -rf $(LITE_VENV)
	$(PYTHON) -m venv $(LITE_VENV)
	$(LITE_VENV)/bin/python -m pip install --quiet --no-deps --ignore-requires-python -r tools/lite-tools.lock
	grep -v '^resnet-lib ' tools/lite-constraints.txt > $(LITE_VENV)/wheels.txt
	$(LITE_VENV)/bin/python -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.14 \
	  --implementation py --abi none --platform any \
	  -r $(LITE_VENV)/wheels.txt -d $(LITE_VENV)/wheels
	touch $(LITE_STAMP)

setup: $(STAMP) $(NPM_STAMP) $(LITE_STAMP)

# Regenerate requirements.lock from requirements.txt in a clean, temporary venv (minutes).
# Run it after editing requirements.txt, then commit both files.
lock:
	PYTHON=$(PYTHON) tools/lock.sh

# The executed, strict book, both editions in one site: English at _build/html/, Chinese
# (zh/, built with the configuration tools/editions.py generates from _config.yml and
# zh/_config.yml) at _build/html/zh/. Unchanged chapters come from each edition's
# jupyter-cache (_build/.jupyter_cache, _build/zh/_build/.jupyter_cache), but the cache only
# knows the notebooks: when resnet_lib changed since the last build, every chapter is
# re-executed (caches and doctrees dropped) so no page shows stale numbers.
LIB_STAMP := _build/.resnet_lib-built
ZH_OUT := _build/zh
book: setup
	@if [ ! -f $(LIB_STAMP) ] || [ -n "$$(find resnet_lib book_ext _templates -newer $(LIB_STAMP) -type f)" ]; then \
	  echo "resnet_lib changed: re-executing every chapter"; \
	  rm -rf _build/.jupyter_cache _build/.doctrees $(ZH_OUT)/_build/.jupyter_cache $(ZH_OUT)/_build/.doctrees; fi
	$(BIN)/jupyter-book build . -W -n --keep-going
	$(BIN)/python tools/editions.py config $(ZH_OUT)/config
	$(BIN)/jupyter-book build zh --config $(CURDIR)/$(ZH_OUT)/config/_config.yml \
	  --toc $(CURDIR)/$(ZH_OUT)/config/_toc.yml \
	  --path-output $(ZH_OUT) -W -n --keep-going
	$(BIN)/python tools/editions.py publish $(ZH_OUT)/_build/html _build/html
	$(BIN)/python tools/build_lite.py
	@touch $(LIB_STAMP)
	@echo
	@echo "Book built. Open: file://$(CURDIR)/_build/html/index.html (Chinese: _build/html/zh/index.html)"

# Everything: lint, unit tests, every chapter executed once in a strict book build (into a
# temporary folder: the developer's _build and its execution cache are left alone), checks
# of the built site, browser and accessibility tests.
test: setup
	$(BIN)/ruff check $(LINTED)
	$(BIN)/python -m pytest

# The fast part, for the edit loop (well under a minute): lint and the tests that need no
# book build, no browser and no long computation (markers in pyproject.toml).
check: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/python -m pytest -q -m "not book and not browser and not slow" -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)

bench: $(STAMP)
	$(BIN)/python benchmarks/stage_table_speed.py

clean:
	rm -rf _build
