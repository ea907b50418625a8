# `make site` and `make test` are the two commands a newcomer runs (see README.md).
VENV   := .venv
PYTHON := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site test setup bytecode rsync nginx browser bench bench-peers clean

site: setup
	$(PYTHON) build.py

test: setup browser nginx
	$(PYTHON) -m pytest

setup: $(VENV)/.installed node_modules/.installed rsync bytecode

# The generator's own modules compiled once, as pip compiles the packages it installs: where
# PYTHONDONTWRITEBYTECODE is set, every build would otherwise compile them again (70 ms of a
# build with nothing to do). Up to date, this takes 50 ms.
bytecode: $(VENV)/.installed
	$(PYTHON) -m compileall -q generator

# `build.py deploy` runs the real rsync (Debian's package).
rsync:
	@if ! command -v rsync >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq rsync >/dev/null; \
	fi

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The nginx recipe of docs/publishing.md is tried for real by tests/test_publish.py.
nginx:
	@if [ ! -x /usr/sbin/nginx ]; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx-light >/dev/null; \
	fi

# Browser tests drive Debian's Chromium (Playwright never downloads a browser of its own);
# CJK fonts make Chinese text render in screenshots.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'noto.*cjk'; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

# The peers of bench/peers.py (Hugo, Pagefind, Pelican) are installed here only.
bench: setup browser $(VENV)/.peers-installed
	$(PYTHON) bench/run.py
	$(PYTHON) bench/peers.py

bench-peers: setup $(VENV)/.peers-installed
	$(PYTHON) bench/peers.py

$(VENV)/.peers-installed: bench/requirements-peers.txt $(VENV)/.installed
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements-peers.txt
	touch $@

clean:
	rm -rf $(VENV) node_modules public .cache
