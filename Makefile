# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO := build/demo
LIVE := build/live
# The two real seed reports when ../shared is there, else the example corpus.
SEEDS_DIR := $(if $(wildcard ../shared/seeds),../shared/seeds,examples/corpus/text)
PIP_FLAGS := --quiet --disable-pip-version-check

.PHONY: demo serve live-demo test install clean bench lint

# The virtual environment with newsprism and its test tools, rebuilt when the
# dependencies change. requirements.lock pins every transitive dependency.
$(BIN)/.installed: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_FLAGS) -c requirements.lock -e '.[test,spark]'
	@touch $@

install: $(BIN)/.installed

demo: $(BIN)/.installed
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	@echo "== ingesting the example corpus (examples/corpus, fictional) and the seeds into $(DEMO)/newsprism.db"
	$(BIN)/newsprism ingest examples/corpus --db $(DEMO)/newsprism.db
	$(BIN)/newsprism ingest $(SEEDS_DIR) --db $(DEMO)/newsprism.db
	@echo "== what was stored"
	$(BIN)/newsprism articles --db $(DEMO)/newsprism.db
	$(BIN)/newsprism articles --db $(DEMO)/newsprism.db --format markdown -o $(DEMO)/articles.md
	$(BIN)/newsprism articles --db $(DEMO)/newsprism.db --json -o $(DEMO)/articles.json
	@echo "== the stories they form"
	$(BIN)/newsprism stories --db $(DEMO)/newsprism.db
	$(BIN)/newsprism stories --db $(DEMO)/newsprism.db --json -o $(DEMO)/stories.json
	@echo "== the dossier of the seeds: who said what, which numbers agree, what only one outlet reports"
	$(BIN)/newsprism compare $(SEEDS_DIR) --format html -o $(DEMO)/seeds-dossier.html
	$(BIN)/newsprism compare $(SEEDS_DIR)
	@echo "== done: store $(DEMO)/newsprism.db, reports $(DEMO)/articles.md, $(DEMO)/articles.json, $(DEMO)/stories.json, $(DEMO)/seeds-dossier.html"
	@echo "   try: $(BIN)/newsprism stories --db $(DEMO)/newsprism.db --min-outlets 3"
	@echo "        $(BIN)/newsprism story ID --db $(DEMO)/newsprism.db"
	@echo "== in a browser: make serve, then open http://127.0.0.1:8000/ (Ctrl-C stops it)"

# The demo store in a browser (and its JSON API) on http://127.0.0.1:8000/; `make demo` builds the store.
serve: $(BIN)/.installed
	@test -f $(DEMO)/newsprism.db || $(MAKE) demo
	$(BIN)/newsprism serve --db $(DEMO)/newsprism.db

# Live intake offline: the example corpus served as local news sites (examples/site.py: one site per outlet, on
# free 127.0.0.1 ports), their RSS feeds added, every feed polled once by `newsprism watch --once`, then the result
# in a browser by `newsprism serve`. Ctrl-C stops serve; the sites stop with it (the trap), however it ends.
live-demo: $(BIN)/.installed
	@rm -rf $(LIVE) && mkdir -p $(LIVE)
	@$(BIN)/python examples/site.py --per-outlet --feeds-file $(LIVE)/feeds.txt > $(LIVE)/sites.log 2>&1 & \
	sites=$$!; trap 'kill $$sites 2>/dev/null; wait $$sites 2>/dev/null' EXIT INT TERM; \
	for i in $$(seq 100); do test -s $(LIVE)/feeds.txt || { kill -0 $$sites 2>/dev/null && sleep 0.1; }; done; \
	test -s $(LIVE)/feeds.txt || { cat $(LIVE)/sites.log; exit 1; }; \
	echo "== the example corpus as local news sites ($(LIVE)/sites.log); adding their feeds to $(LIVE)/newsprism.db"; \
	$(BIN)/newsprism feeds add $$(cat $(LIVE)/feeds.txt) --db $(LIVE)/newsprism.db && \
	echo "== polling every feed once: fetching, extracting and storing the articles they link" && \
	$(BIN)/newsprism watch --once --db $(LIVE)/newsprism.db && \
	$(BIN)/newsprism feeds list --db $(LIVE)/newsprism.db && \
	echo "== in a browser: http://127.0.0.1:8000/ (Ctrl-C stops it and the sites)" && \
	$(BIN)/newsprism serve --db $(LIVE)/newsprism.db

test: $(BIN)/.installed
	$(BIN)/python -m pytest

# ruff (pinned in the test extra) with the rules in pyproject.toml's [tool.ruff.lint].
lint: $(BIN)/.installed
	$(BIN)/ruff check src tests benchmarks

bench: $(BIN)/.installed
	$(BIN)/python -m pip install $(PIP_FLAGS) -c requirements.lock -e '.[test,spark,bench]'
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/cluster.py
	$(BIN)/python benchmarks/threads.py
	$(BIN)/python benchmarks/cluster_memory.py
	$(BIN)/python benchmarks/dossier.py
	$(BIN)/python benchmarks/quotes.py --split dev
	$(BIN)/python benchmarks/facts.py
	$(BIN)/python benchmarks/long_article.py
	$(BIN)/python benchmarks/store.py
	$(BIN)/python benchmarks/dossier_gold.py
	$(BIN)/python benchmarks/outlets.py
	$(BIN)/python benchmarks/serve.py
	$(BIN)/python benchmarks/watch.py
	$(BIN)/python benchmarks/spark.py

clean:
	rm -rf $(VENV) build .pytest_cache
