"""Adversarial submissions for chapter 00, built from the release and the source so they stay in
sync: each fixture is a notebook plus the score it must get and the outcome expected."""

from __future__ import annotations

import copy
import functools
import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from course_utils.instructor import notebook

CHAPTER = "00_setup"
ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "solutions" / CHAPTER / f"{CHAPTER}.ipynb"
RELEASE = ROOT / "notebooks" / CHAPTER / f"{CHAPTER}.ipynb"
POINTS = {  # grade_id of the solution -> points of its test cell
    "version_at_least": 1,
    "to_device": 2,
    "split_indices": 2,
    "is_reproducible": 2,
    "count_parameters": 2,
}
FULL = sum(POINTS.values())


@dataclass(frozen=True)
class Fixture:
    """A submission, its expected score and outcome (``graded`` or a failure reason)."""

    name: str
    text: str  # the file's contents (may be invalid JSON on purpose)
    score: float
    status: str
    why: str


def _gid(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


@functools.cache
def _load() -> tuple[NotebookNode, dict[str, str], dict[str, str]]:
    """The release, the right answers and one wrong answer per exercise (read once; not mutated)."""
    release = nbformat.read(str(RELEASE), as_version=4)
    answers = notebook.solution_answers(nbformat.read(str(SOURCE), as_version=4))
    spec = importlib.util.spec_from_file_location("m00", ROOT / "tests" / "mutants" / "00_setup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    wrong = {gid: entries[0][1] for gid, entries in module.MUTANTS.items()}
    return release, answers, wrong


def _notebook(answers: dict[str, str], prefix: dict[str, str] | None = None) -> NotebookNode:
    prefix = prefix or {}
    prefixed = {gid: prefix.get(gid, "") + source for gid, source in answers.items()}
    return notebook.fill_answers(_load()[0], prefixed)


def _text(nb: NotebookNode) -> str:
    return nbformat.writes(nb)


def _index(nb: NotebookNode, gid: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if _gid(c) == gid)


def build(course_root: Path) -> list[Fixture]:
    """Every fixture; ``course_root`` is what the cheats try to reach (the real course root)."""
    _, right, wrong = _load()
    first = "version_at_least"
    fixtures: list[Fixture] = []

    def add(name: str, nb_or_text: NotebookNode | str, score: float, status: str, why: str) -> None:
        text = nb_or_text if isinstance(nb_or_text, str) else _text(nb_or_text)
        fixtures.append(Fixture(name, text, score, status, why))

    add("honest", _notebook(right), FULL, "graded", "correct answers")
    noisy = (
        "import logging, sys, warnings\n"
        "from tqdm import tqdm\n"
        "logging.basicConfig()\n"
        "def _noise():\n"
        "    warnings.warn('this is deprecated', DeprecationWarning)\n"
        "    warnings.warn('careful', UserWarning)\n"
        "    for _ in tqdm(range(3), file=sys.stderr): pass\n"
        "    logging.getLogger('student').warning('slow path taken')\n"
        "    print('', file=sys.stderr)\n"
    )
    noisy_answers = {
        gid: src.replace("### BEGIN SOLUTION", "_noise()\n    ### BEGIN SOLUTION", 1)
        for gid, src in right.items()
    }
    nb = _notebook(noisy_answers, {first: noisy})
    add("noisy", nb, FULL, "graded", "warnings, tqdm and logging on stderr cost nothing")
    release, _, _ = _load()
    add("empty", release, 0, "graded", "the release as handed out")
    add("wrong", _notebook(wrong), 0, "graded", "one known-wrong answer (mutant) per exercise")
    transformer = (
        "def _blank(lines):\n"
        "    text = ''.join(lines)\n"
        "    return [] if 'check_' in text else lines\n"
        "get_ipython().input_transformers_post.append(_blank)\n"
        "import ast\n"
        "class _Pass(ast.NodeTransformer):\n"
        "    def visit_Call(self, node):\n"
        "        return node\n"
        "get_ipython().ast_transformers.append(_Pass())\n"
    )
    add(
        "input_transformer",
        _notebook(wrong, {first: transformer}),
        0,
        "tampering detected",
        "an input transformer blanks the test cells",
    )
    patch_checks = (
        "import course_utils.checks as _c\n"
        "_c.check_equal = _c.check_tensor = _c.check_true = lambda *a, **k: None\n"
        "check_equal = check_tensor = check_true = check_type = lambda *a, **k: None\n"
    )
    add(
        "patched_checks",
        _notebook(wrong, {first: patch_checks}),
        0,
        "tampering detected",
        "the check helpers are replaced, in the module and in the notebook",
    )
    patch_torch = (
        "import numpy as _np\n"
        "torch.allclose = lambda *a, **k: True\n"
        "torch.equal = lambda *a, **k: True\n"
        "torch.testing.assert_close = lambda *a, **k: None\n"
        "_np.testing.assert_allclose = lambda *a, **k: None\n"
    )
    add(
        "patched_torch",
        _notebook(wrong, {first: patch_torch}),
        0,
        "tampering detected",
        "torch / NumPy comparison functions are monkeypatched",
    )
    fake = dict(right)
    fake[first] = (
        "class _Yes:\n"
        "    def __eq__(self, other):\n"
        "        return True\n"
        "    __hash__ = object.__hash__\n"
        "def version_at_least(version, minimum):\n"
        "    return _Yes()\n"
    )
    add(
        "fake_eq",
        _notebook(fake),
        FULL - POINTS[first],
        "graded",
        "an object whose __eq__ is always True is refused by the checks",
    )
    gradebook = (  # noqa: UP031 - %r keeps the generated code readable
        "import sqlite3\n"
        "for _path in [%r, 'gradebook.db', '../gradebook.db']:\n"
        "    try:\n"
        "        _db = sqlite3.connect(_path)\n"
        "        _db.execute('UPDATE grade SET manual_score = 100')\n"
        "        _db.commit()\n"
        "        print('wrote', _path)\n"
        "    except Exception as _err:\n"
        "        print('blocked', _path, _err)\n"
    ) % str(course_root / "gradebook.db")
    add(
        "gradebook_write",
        _notebook(wrong, {first: gradebook}),
        0,
        "graded",
        "opening the gradebook and writing manual_score fails in the sandbox",
    )
    read_solutions = (  # noqa: UP031
        "import json as _json\n"
        "try:\n"
        "    _src = _json.load(open(%r))\n"
        "    for _cell in _src['cells']:\n"
        "        if _cell['metadata'].get('nbgrader', {}).get('solution'):\n"
        "            exec(''.join(_cell['source']))\n"
        "except Exception as _err:\n"
        "    print('blocked', _err)\n"
    ) % str(course_root / "solutions" / CHAPTER / f"{CHAPTER}.ipynb")
    answers = dict(wrong)
    answers["count_parameters"] = read_solutions  # defines every answer if it can read them
    add(
        "read_solutions",
        _notebook(answers),
        0,
        "graded",
        "reading solutions/ to copy the answers fails in the sandbox",
    )
    env_cheat = (
        "import os as _os\n"
        "if _os.environ.get('NBGRADER_EXECUTION'):\n"
        "    import course_utils.checks as _c\n"
        "    check_equal = check_tensor = check_true = check_type = lambda *a, **k: None\n"
    )
    add(
        "nbgrader_env",
        _notebook(wrong, {first: env_cheat}),
        0,
        "graded",
        "NBGRADER_EXECUTION is never set, so the graded-only branch never runs",
    )
    exit_answers = dict(right)
    exit_answers["to_device"] = "import os\nos._exit(1)\n"
    add(
        "os_exit",
        _notebook(exit_answers),
        POINTS[first],
        "kernel died",
        "os._exit in the second answer: the test before it keeps its point",
    )
    add(
        "segfault",
        _notebook(right, {first: "import ctypes\nctypes.string_at(0)\n"}),
        0,
        "kernel died",
        "a segfault in the first answer",
    )
    bomb = "_hog = []\nwhile True:\n    _hog.append(bytearray(256 * 1024 * 1024))\n"
    add(
        "memory_bomb",
        _notebook(right, {first: bomb}),
        FULL - POINTS[first],
        "memory",
        "allocating until the memory limit: only that exercise is lost",
    )
    add(
        "infinite_loop",
        _notebook(right, {first: "while True:\n    pass\n"}),
        0,
        "timeout",
        "an endless loop in the first answer",
    )
    fork = (
        "import os, time\n"
        "try:\n"
        "    while True:\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(600)\n"
        "            os._exit(0)\n"
        "except OSError as _err:\n"
        "    print('fork stopped:', _err)\n"
    )
    add(
        "fork_bomb",
        _notebook(wrong, {first: fork}),
        0,
        "graded|kernel died",  # torch may crash once no thread can be started: either is fine
        "forking until the process limit stops it; the batch is unharmed",
    )

    nb = _notebook(right)
    nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    add("deleted_tests", nb, FULL, "graded", "every test cell deleted: restored from the source")
    nb = _notebook(right)
    i = _index(nb, "count_parameters")
    nb.cells += [copy.deepcopy(nb.cells[i]), copy.deepcopy(nb.cells[i + 1])]
    nb.cells[-2].source = nb.cells[-2].source.replace("if p.requires_grad", "if True")
    for cell in nb.cells[-2:]:
        cell.id = cell.id + "-copy"
    i = _index(nb, first)
    split = nb.cells[i].source.index("    ### BEGIN SOLUTION")
    head, tail = copy.deepcopy(nb.cells[i]), copy.deepcopy(nb.cells[i])
    head.source, tail.source = nb.cells[i].source[:split], nb.cells[i].source[split:]
    tail.id = tail.id + "-split"
    nb.cells[i : i + 1] = [head, tail]
    add(
        "duplicated",
        nb,
        FULL - POINTS["count_parameters"],
        "graded",
        "a split answer is rejoined; a pasted copy later in the notebook wins (here: wrong)",
    )
    nb = _notebook(right)
    i = _index(nb, "split_indices")
    moved = nb.cells[i : i + 2]
    del nb.cells[i : i + 2]
    nb.cells += [moved[1], moved[0]]  # at the end, test before answer
    add("reordered", nb, FULL, "graded", "cells moved: graded in the release's order")
    text = _text(_notebook(right))
    add("invalid_json", text[: len(text) // 2], 0, "malformed notebook", "truncated file")
    add("not_a_notebook", json.dumps({"hello": "world"}), 0, "malformed notebook", "JSON, no cells")
    snoop = (  # noqa: UP031
        "import os as _os\n"
        "_found = []\n"
        "for _p in [%r, %r, %r, '/work', _os.path.expanduser('~/..')]:\n"
        "    try:\n"
        "        _found.append((_p, sorted(_os.listdir(_p))[:5]))\n"
        "    except Exception as _err:\n"
        "        _found.append((_p, type(_err).__name__))\n"
        "for _p in [%r, %r]:\n"
        "    try:\n"
        "        open(_p, 'a').write('pwned')\n"
        "        _found.append((_p, 'WROTE'))\n"
        "    except Exception as _err:\n"
        "        _found.append((_p, type(_err).__name__))\n"
        "print(_found)\n"
    ) % (
        str(course_root / "solutions"),
        str(course_root),
        str(course_root / "submitted"),
        str(course_root / "gradebook.db"),
        str(course_root / "pwned.txt"),
    )
    add(
        "fs_snoop",
        _notebook(wrong, {first: snoop}),
        0,
        "graded",
        "listing the course, solutions/ and submitted/ and writing the gradebook all fail",
    )
    return fixtures


def write(fixtures: list[Fixture], folder: Path) -> dict[str, Path]:
    """Write each fixture as ``folder/NAME.ipynb`` (an LMS-style download)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for fixture in fixtures:
        path = folder / f"{fixture.name}.ipynb"
        path.write_text(fixture.text, encoding="utf-8")
        paths[fixture.name] = path
    return paths


FixtureFactory = Callable[[Path], list[Fixture]]
