# govarchive: `make demo` and `make test` work on a fresh clone; each installs what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= data
# Debian packages the project uses: Chromium for JavaScript-only pages, antiword/catdoc for .doc attachments.
APT_PACKAGES := chromium antiword catdoc

.PHONY: install system-packages test demo serve bench clean

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

clean:
	rm -rf $(DATA)/demo .pytest_cache
