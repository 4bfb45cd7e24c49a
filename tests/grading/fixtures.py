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


def _points_per_exercise(source: Path) -> dict[str, float]:
    """grade_id of each solution cell -> the points of the graded test cells after it."""
    nb = nbformat.read(str(source), as_version=4)
    return {gid: sum(t.points for t in tests) for gid, tests in notebook.exercises(nb).items()}


# Read from the source notebook, never typed here: a chapter whose points change must not leave
# the grading tests expecting the old total.
POINTS = _points_per_exercise(SOURCE)
FULL = sum(POINTS.values())
TEST_IDS = [
    cell.metadata["nbgrader"]["grade_id"]
    for cell in nbformat.read(str(SOURCE), as_version=4).cells
    if cell.get("metadata", {}).get("nbgrader", {}).get("grade")
]  # the graded test cells of the source, in order


@dataclass(frozen=True)
class Fixture:
    """A submission, its expected score and outcome (``graded`` or a failure reason)."""

    name: str
    text: str  # the file's contents (may be invalid JSON on purpose)
    score: float
    status: str
    why: str
    reviewed: bool = False  # graded with --reviewed: the static scan does not stop it


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

    def add(
        name: str,
        nb_or_text: NotebookNode | str,
        score: float,
        status: str,
        why: str,
        reviewed: bool = False,
    ) -> None:
        text = nb_or_text if isinstance(nb_or_text, str) else _text(nb_or_text)
        fixtures.append(Fixture(name, text, score, status, why, reviewed))

    def attack(name: str, nb: NotebookNode, why: str, dynamic: str = "tampering detected") -> None:
        """The attack is stopped twice: by the static scan, and (graded with --reviewed, as if
        an instructor had let it through) by the dynamic layer, with status ``dynamic``."""
        add(name, nb, 0, "needs review", f"{why}: flagged by the static scan")
        add(f"{name}_reviewed", nb, 0, dynamic, f"{why}: caught at run time", reviewed=True)

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
    attack(
        "input_transformer",
        _notebook(wrong, {first: transformer}),
        "an input transformer blanks the test cells",
    )
    patch_checks = (
        "import course_utils.checks as _c\n"
        "_c.check_equal = _c.check_tensor = _c.check_true = lambda *a, **k: None\n"
        "check_equal = check_tensor = check_true = check_type = lambda *a, **k: None\n"
    )
    attack(
        "patched_checks",
        _notebook(wrong, {first: patch_checks}),
        "the check helpers are replaced, in the module and in the notebook",
    )
    patch_torch = (
        "import numpy as _np\n"
        "torch.allclose = lambda *a, **k: True\n"
        "torch.equal = lambda *a, **k: True\n"
        "torch.testing.assert_close = lambda *a, **k: None\n"
        "_np.testing.assert_allclose = lambda *a, **k: None\n"
    )
    attack(
        "patched_torch",
        _notebook(wrong, {first: patch_torch}),
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
        "reading solutions/ to copy the answers fails in the sandbox (exec: reviewed)",
        reviewed=True,
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
        reviewed=True,
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
        "a segfault in the first answer (ctypes: reviewed)",
        reviewed=True,
    )
    # torch.empty reserves address space without touching it: the limit is reached in well under a
    # second however loaded the machine is (zero-filled bytearrays took over 20 s at load 19).
    bomb = "_hog = []\nwhile True:\n    _hog.append(torch.empty(64 * 1024 * 1024))\n"
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
        # torch may crash once no thread can be started, or the kernel run out of memory
        # while it forks: any of these is fine, the score is what matters
        "graded|kernel died|memory",
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
    fixtures += _integrity_fixtures(right, wrong, first, attack, add)
    return fixtures


def _integrity_fixtures(
    right: dict[str, str],
    wrong: dict[str, str],
    first: str,
    attack: Callable[..., None],
    add: Callable[..., None],
) -> list[Fixture]:
    """Attacks on the verdict itself (issue 12 sections 2-4), honest noise and honest-but-unusual
    answers. ``attack`` and ``add`` append to the caller's list; returns nothing new itself."""
    rebind = (
        "def _accept(*args, **kwargs):\n"
        "    return None\n"
        "for _name in ['check_equal', 'check_tensor', 'check_true', 'check_type', 'passed']:\n"
        "    globals()[_name] = _accept\n"
    )
    attack(
        "globals_rebind", _notebook(wrong, {first: rebind}), "checker names rebound via globals()"
    )
    helper = (
        "import json as _json, sys as _sys\n"
        "def _fake(token, skip=()):\n"
        "    payload = _json.dumps({'token': token, 'problems': []})\n"
        "    return _json.dumps({'payload': payload, 'mac': '0' * 64})\n"
        "for _key, _mod in list(_sys.modules.items()):\n"
        "    if _key.startswith('_course_grader_'):\n"
        "        _mod.check = _fake\n"
    )
    attack(
        "helper_replaced",
        _notebook(wrong, {first: helper}),
        "the grader's integrity helper replaced",
    )
    swallow = (
        "def _swallow(shell, etype, value, tb, tb_offset=None):\n"
        "    return None\n"
        "get_ipython().set_custom_exc((BaseException,), _swallow)\n"
    )
    attack(
        "custom_exc", _notebook(wrong, {first: swallow}), "set_custom_exc swallows every failure"
    )
    liar = (
        "class _Liar(torch.Tensor):\n"
        "    @classmethod\n"
        "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
        "        if getattr(func, '__name__', '') in ('equal', 'allclose', '__eq__', 'all'):\n"
        "            return True\n"
        "        return super().__torch_function__(func, types, args, kwargs or {})\n"
    )
    lying = dict(wrong)
    lying["split_indices"] = liar + (
        "def split_indices(n, val_fraction, seed):\n"
        "    return torch.zeros(1, dtype=torch.long).as_subclass(_Liar), "
        "torch.zeros(1, dtype=torch.long).as_subclass(_Liar)\n"
    )
    attack(
        "torch_function_liar",
        _notebook(lying),
        "a Tensor subclass whose __torch_function__ says every comparison holds",
        dynamic="graded",  # run anyway, check_tensor refuses anything but a real torch.Tensor
    )
    mode = (
        "from torch.overrides import TorchFunctionMode as _Mode\n"
        "class _Yes(_Mode):\n"
        "    def __torch_function__(self, func, types, args=(), kwargs=None):\n"
        "        if getattr(func, '__name__', '') in ('equal', 'allclose', 'isclose', 'all'):\n"
        "            return True\n"
        "        return func(*args, **(kwargs or {}))\n"
        "_Yes().__enter__()\n"
    )
    attack("torch_function_mode", _notebook(wrong, {first: mode}), "a TorchFunctionMode that lies")

    nb = _notebook(right)
    i = _index(nb, "count_parameters")
    bonus = nbformat.v4.new_code_cell("pass  # free points")
    bonus.metadata["nbgrader"] = {
        "grade": True, "solution": False, "locked": False, "grade_id": "bonus", "points": 50,
        "schema_version": 3,
    }  # fmt: skip
    nb.cells.insert(i + 2, bonus)
    add("bonus_cell", nb, FULL, "graded", "an added graded cell worth 50 points is ignored")
    nb = _notebook(wrong)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.metadata["nbgrader"]["points"] = 100
    add("raised_points", nb, 0, "graded", "points raised in the metadata: the source's count")
    kill = (
        "import os as _os, signal as _signal\n"
        "try:\n"
        "    _os.kill(-1, _signal.SIGKILL)\n"
        "except ProcessLookupError:\n"
        "    print('no other process to kill')\n"
    )
    add(
        "kill_all",
        _notebook(right, {first: kill}),
        FULL,
        "graded",
        "os.kill(-1, SIGKILL) reaches no process but the sandbox's own",
    )
    flood = "import sys as _sys\n_sys.stdout.write('x' * 100_000_000)\n"
    add("print_flood", _notebook(right, {first: flood}), FULL, "graded", "100 MB on stdout")
    nb = _notebook(right)
    nb.metadata["kernelspec"] = {"name": "bash", "display_name": "Bash", "language": "bash"}
    nb.metadata["language_info"] = {"name": "bash"}
    add("bash_kernel", nb, FULL, "graded", "metadata naming the bash kernel is ignored")

    noise = {
        "noise_stderr_print": "import sys\nprint('debug: sizes look fine', file=sys.stderr)\n",
        "noise_logging": "import logging\nlogging.getLogger('student').warning('slow path')\n",
        "noise_warning_line": "import warnings\nwarnings.warn('careful here')\n",
        "noise_tqdm": (
            "import sys\nfrom tqdm.auto import tqdm\n"
            "for _ in tqdm(range(3), bar_format='{l_bar}{bar}| {n}/{total}', file=sys.stderr):\n"
            "    pass\n"
            "for _ in tqdm(range(2), ascii=True, desc='loop'):\n"
            "    pass\n"
        ),
        "noise_torch_deprecation": (
            "import warnings\nwarnings.simplefilter('always')\ntorch.backends.cuda.sdp_kernel()\n"
        ),
    }
    for name, code in noise.items():
        body = {
            gid: src.replace(
                "### BEGIN SOLUTION",
                "### BEGIN SOLUTION\n" + "".join(f"    {line}\n" for line in code.splitlines()),
                1,
            )
            for gid, src in right.items()
        }
        add(name, _notebook(body), FULL, "graded", f"honest noise on stderr ({name[6:]})")

    honest = dict(right)
    honest["to_device"] = (
        "from collections.abc import Mapping\n"
        "import functools\n\n\n"
        "class _Mover:\n"
        "    def __init__(self, device):\n"
        "        self.device = device\n\n"
        "    def __call__(self, value):\n"
        "        return to_device(value, self.device)\n\n\n"
        "def to_device(batch, device):\n"
        "    move = _Mover(device)\n"
        "    if isinstance(batch, torch.Tensor):\n"
        "        return batch.to(device)\n"
        "    if isinstance(batch, Mapping):\n"
        "        return type(batch)({k: move(v) for k, v in batch.items()})\n"
        "    if isinstance(batch, (list, tuple)):\n"
        "        return type(batch)(map(move, batch))\n"
        "    return batch\n"
    )
    honest["count_parameters"] = (
        "def count_parameters(model, trainable_only=True):\n"
        "    len = 0  # a local that shadows a builtin is harmless\n"
        "    for name, p in model.named_parameters():\n"
        "        if getattr(p, 'requires_grad') or not trainable_only:\n"
        "            len += p.numel()\n"
        "    return len\n"
    )
    honest["split_indices"] = (
        "class _Bad(ValueError):\n"
        "    pass\n\n\n"
        "def split_indices(n, val_fraction, seed):\n"
        "    try:\n"
        "        if n < 0:\n"
        "            raise _Bad('n must be >= 0')\n"
        "    except _Bad as err:\n"
        "        print('ignored:', err)\n"
        "    g = torch.Generator()\n"
        "    g.manual_seed(seed)\n"
        "    perm = torch.randperm(n, generator=g)\n"
        "    k = int(n * val_fraction)\n"
        "    train, val = perm[k:], perm[:k]\n"
        "    return train, val\n"
    )
    add("honest_helpers", _notebook(honest), FULL, "graded", "helper class, Mapping, map, locals")
    timed = dict(right)
    timed["count_parameters"] = "%time _ = 1 + 1\n" + right["count_parameters"]
    add("honest_magic", _notebook(timed), FULL, "graded", "%time in an answer cell is allowed")
    chatty = {gid: src + "\nprint('defined', flush=True)\n" for gid, src in right.items()}
    chatty[first] = "import logging\nlogging.basicConfig(level=logging.INFO)\n" + chatty[first]
    add("honest_prints", _notebook(chatty), FULL, "graded", "prints and configured logging")
    swapped = dict(right)
    swapped["count_parameters"] = (
        "import types\n"
        "_settings = types.SimpleNamespace(verbose=False)\n"
        "setattr(_settings, 'verbose', True)\n"
        "def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:\n"
        "    params = [p for p in model.parameters()]\n"
        "    return sum(p.numel() for p in params if p.requires_grad or not trainable_only)\n"
    )
    add("honest_setattr", _notebook(swapped), FULL, "graded", "setattr on an instance, imports")
    nb = _notebook(right)
    i = _index(nb, "split_indices")
    scratch = nbformat.v4.new_code_cell("print('trying things out')\nx_scratch = 3")
    nb.cells.insert(i + 1, scratch)
    add("scratch_cell", nb, FULL, "graded", "a cell the student added is not run, with a note")
    return []


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
