# One entry point for students, instructors and CI. Every target creates the environment on
# first use (a virtual environment in .venv with the exact versions CI uses, constraints.txt).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
READY := $(VENV)/.course-installed
JOBS ?= 2
# The environment's scripts (jupyter, nbgrader, alembic) first on PATH, activated or not.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: lab lab-instructor wheelhouse test test-unit test-chapter test-lowest lint build check doctor mutants bench clean-env

$(READY): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[course,dev]"
	touch $(READY)

## lab: open the student notebooks in JupyterLab as a student sees them (nbgrader's student tools
## only; Validate in quick mode, COURSE_VALIDATE_FULL=1 for full); lab-instructor: all of nbgrader
lab: $(READY)
	$(BIN)/python -m course_utils.lab notebooks/

lab-instructor: $(READY)
	$(BIN)/python -m course_utils.lab --instructor .

## wheelhouse: the wheels of what chapters' install cells add beyond Colab (torchao, optuna, onnx,
## onnxruntime, with their dependencies: pip downloads them too), for the
## Colab simulation test, which installs them with pip offline (pip's cache serves them)
WHEELHOUSE := build/wheelhouse
$(WHEELHOUSE)/.ready: $(READY) course_utils/instructor/colab.py
	$(BIN)/python -m pip download -q -c constraints.txt -d $(WHEELHOUSE) \
		$$($(BIN)/python -c 'from course_utils.instructor import colab; print(*colab.extra_requirements())')
	touch $@
wheelhouse: $(WHEELHOUSE)/.ready

## test: the whole test suite (lint, course_utils unit tests, every chapter's pipeline, Colab)
test: $(READY) $(WHEELHOUSE)/.ready lint
	$(BIN)/python -m pytest -n $(JOBS) --dist loadscope --durations=15 tests

test-unit: $(READY)
	$(BIN)/python -m pytest -n $(JOBS) tests/unit tests/test_project.py

## test-chapter CHAPTER=01_tensors: the pipeline tests of one chapter (its Colab simulation too)
test-chapter: $(READY) $(WHEELHOUSE)/.ready
	$(BIN)/python -m pytest -n $(JOBS) --dist loadscope tests/pipeline -k "$(CHAPTER)"

## test-lowest: chapters 00, 01, 04 and 10 with the lowest versions pyproject.toml allows
## (constraints-lowest.txt, Python 3.11) in their own environment under build/; not in `make test`
LOWEST_PYTHON ?= python3.11
LOWEST := build/lowest-venv
LOWEST_CHAPTERS := 00_setup or 01_tensors or 04_optimizers or 10_quantization
test-lowest:
	test -x $(LOWEST)/bin/python || $(LOWEST_PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install -q --upgrade pip
	$(LOWEST)/bin/python -m pip install -q -c constraints-lowest.txt -e ".[course,dev]"
	PATH="$(abspath $(LOWEST))/bin:$$PATH" $(LOWEST)/bin/python -m pytest -n $(JOBS) \
		--dist loadscope -p no:cacheprovider tests/pipeline/test_chapters.py -k "$(LOWEST_CHAPTERS)"

## lint: ruff over the Python and the notebooks, mypy over course_utils (pyproject.toml's [tool.mypy])
lint: $(READY)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

build: $(READY)
	$(BIN)/course build

check: $(READY)
	$(BIN)/course check

doctor: $(READY)
	$(BIN)/course doctor

mutants: $(READY)
	$(BIN)/course mutants

## bench: the benchmark suite (real figures; minutes), then README's "How fast is it"
bench: $(READY)
	$(BIN)/course bench
	$(BIN)/course bench --readme

clean-env:
	rm -rf $(VENV)
