# Two front doors: `make test` and `make serve`. Every target installs what it needs on a
# fresh machine (apt, .venv, pip, KenLM's tools, built lexicons) and skips what is already there.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
KENLM_VERSION := 0.3.0
APT_PACKAGES := espeak-ng cmake build-essential libboost-program-options-dev libboost-system-dev \
	libboost-thread-dev libboost-test-dev zlib1g-dev libbz2-dev liblzma-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
LEXICON_STAMP := lexicons/build/.built
LM_STAMP := lexicons/build/lm/.built

.PHONY: install test lint apt lexicons clean serve proto

install: apt $(VENV)/.installed $(VENV)/bin/lmplz $(LEXICON_STAMP) $(LM_STAMP)

test: install
	$(PY) -m pytest -q

# The service with the shipped default model on localhost:50051 (XIANGYIN_* variables or
# ARGS="--port 6000 …" change its settings).
serve: install
	$(VENV)/bin/xiangyin serve $(ARGS)

# Regenerate the committed gRPC modules after editing proto/ (a test checks they match).
proto: $(VENV)/.installed
	$(PY) -m grpc_tools.protoc -I proto --python_out=. --pyi_out=. --grpc_python_out=. \
	  proto/xiangyin/asr/v1/asr.proto

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

apt:
	@dpkg -s $(APT_PACKAGES) >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PACKAGES); }

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# lmplz and build_binary are not packaged anywhere: build them from the same kenlm release
# whose Python module the project pins.
$(VENV)/bin/lmplz: | $(VENV)/.installed
	rm -rf $(VENV)/src/kenlm && mkdir -p $(VENV)/src/kenlm
	$(PY) -m pip download -q --no-binary kenlm --no-deps kenlm==$(KENLM_VERSION) -d $(VENV)/src/kenlm
	tar -xzf $(VENV)/src/kenlm/kenlm-$(KENLM_VERSION).tar.gz -C $(VENV)/src/kenlm
	cmake -S $(VENV)/src/kenlm/kenlm-$(KENLM_VERSION) -B $(VENV)/src/kenlm/build \
	  -DCMAKE_BUILD_TYPE=Release -DKENLM_MAX_ORDER=6 > $(VENV)/src/kenlm/build.log 2>&1 \
	  || { tail -40 $(VENV)/src/kenlm/build.log; exit 1; }
	$(MAKE) -C $(VENV)/src/kenlm/build -j$$(nproc) lmplz build_binary >> $(VENV)/src/kenlm/build.log 2>&1 \
	  || { tail -40 $(VENV)/src/kenlm/build.log; exit 1; }
	cp $(VENV)/src/kenlm/build/bin/lmplz $(VENV)/src/kenlm/build/bin/build_binary $(VENV)/bin/

lexicons: $(LEXICON_STAMP)

$(LEXICON_STAMP): $(VENV)/.installed $(wildcard asr/lexicon_build/*.py asr/notation/*.py) asr/units.py asr/script.py asr/lexicon.py lexicons/points.tsv
	$(VENV)/bin/xiangyin lexicon build
	touch $@

# The default language models are built at setup (about 20 s), not committed.
$(LM_STAMP): $(LEXICON_STAMP) $(VENV)/bin/lmplz asr/lm.py asr/lm_text.py lexicons/lm_text.tsv
	$(VENV)/bin/xiangyin lm build
	touch $@

clean:
	rm -rf $(VENV) lexicons/build
