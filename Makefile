# govarchive: `make demo` and `make test` work on a fresh clone; each installs what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= data
# Debian packages the project uses: Chromium for JavaScript-only pages, antiword/catdoc for .doc attachments,
# redis-server for distributed crawls (the tests start their own).
APT_PACKAGES := chromium antiword catdoc redis-server

.PHONY: install system-packages test demo serve bench clean

# Read-only: Datasette 0.65 has no write API and opens the file mode=ro. Not -i: with WAL, an immutable
# open ignores the -wal file, so a running or un-checkpointed crawl would be missed or read inconsistently.
# tests/test_datasette.py starts Datasette with the same arguments.
SERVE_ARGS := --metadata crawler/datasette/metadata.json --plugins-dir crawler/datasette/plugins \
              --setting truncate_cells_html 300 --setting suggest_facets off
PORT ?= 8001
# Folder of the real reports govarchive may not keep (tests/fixtures/realreports/PROVENANCE.md), for bench.real_figures
REAL_PAGES ?=

install: $(VENV)/.installed system-packages

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

test: install
	$(BIN)/pytest -q

demo: install
	$(BIN)/python -m tests.demo --data $(DATA)/demo

serve: install
	$(BIN)/govarchive index --data $(DATA)
	$(BIN)/datasette serve $(DATA)/archive.db $(SERVE_ARGS) --host 127.0.0.1 --port $(PORT)

bench: install
	$(BIN)/python -m bench.nightly_vs_backfill
	$(BIN)/python -m bench.search_latency
	$(BIN)/python -m bench.figures_parse
	$(BIN)/python -m bench.attachments
	$(BIN)/python -m bench.sample_portals
	$(BIN)/python -m bench.generic_pages
	$(BIN)/python -m bench.real_figures $(if $(REAL_PAGES),--pages $(REAL_PAGES))
	$(BIN)/python -m bench.throughput --rounds 3
	$(BIN)/python -m bench.save_report
	$(BIN)/python -m bench.long_backfill

clean:
	rm -rf $(DATA)/demo .pytest_cache
