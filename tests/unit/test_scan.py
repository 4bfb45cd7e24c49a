"""The static scan of `course grade`: it flags each reach-around primitive and nothing honest."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

from course_utils.instructor import notebook
from course_utils.instructor.grade import scan

ROOT = Path(__file__).resolve().parents[2]
SETUP = "import os\nimport sys\nimport torch\nfrom torch import nn\nimport numpy as np\n"
SETUP += "from course_utils.checks import check_tensor, check_equal, passed\n"

FLAGGED = {
    "get_ipython": "get_ipython().set_custom_exc((Exception,), print)",
    "globals write": "globals()['check_equal'] = print",
    "globals update": "def f():\n    globals().update(check_tensor=print)",
    "locals": "x = locals()",
    "vars namespace": "vars()['passed'] = print",
    "vars update": "vars(sys.modules[__name__]).update(a=1)",
    "sys.modules": "import sys as s\nm = s.modules",
    "from sys import modules": "from sys import modules",
    "_getframe": "import sys\nf = sys._getframe(1)",
    "frame attributes": "def f(frame):\n    return frame.f_back.f_globals",
    "closure": "def f(g):\n    return g.__closure__[0].cell_contents",
    "code consts": "def f(g):\n    return g.__code__.co_consts",
    "gc": "import gc\nobjs = gc.get_objects()",
    "inspect by name": "src = inspect.getsource(check_tensor)",
    "ctypes": "import ctypes",
    "builtins module": "import builtins\nbuiltins.len = lambda x: 0",
    "__builtins__": "__builtins__.len = lambda x: 0",
    "linecache": "import linecache",
    "importlib": "import importlib",
    "exec": "exec('x = 1')",
    "eval": "y = eval('1 + 1')",
    "compile": "c = compile('1', 'f', 'eval')",
    "__import__": "m = __import__('gc')",
    "torch_function": "class T(torch.Tensor):\n    def __torch_function__(cls, *a):\n        return True",
    "torch mode": "from torch.overrides import TorchFunctionMode",
    "dispatch mode": "from torch.utils._python_dispatch import TorchDispatchMode",
    "module attribute write": "torch.allclose = lambda *a, **k: True",
    "numpy attribute write": "np.testing.assert_allclose = print",
    "class attribute write": "torch.Tensor.__eq__ = lambda a, b: True",
    "setattr on a module": "setattr(torch, 'equal', lambda *a: True)",
    "setattr on a class": "setattr(type(torch.zeros(1)), '__eq__', lambda a, b: True)",
    "checker rebound": "def check_tensor(*a, **k):\n    pass",
    "checker rebound by import": "from os import path as passed",
    "setup import rebound": "nn = None",
    "global statement": "def f():\n    global check_equal\n    check_equal = print",
    "builtin rebound at top level": "isinstance = lambda *a: True",
    "grader name": "__course_grader_check_x = 1",
    "history": "source = In[-1]",
    "shell escape": "!cat /etc/passwd",
    "other magic": "%run other.py",
    "__class__ assignment": "def f(x):\n    x.__class__ = int",
    "__dict__ write": "def f(m):\n    m.__dict__['x'] = 1",
    "subclasses": "s = object.__subclasses__()",
    "ipykernel": "import ipykernel",
    "getattr sys.modules": "import sys\nm = getattr(sys, 'modules')",
    "getattr closure": "def f(g):\n    return getattr(g, '__closure__')",
    "getattr computed on a module": "import sys\nm = getattr(sys, 'mod' + 'ules')",
}

HONEST = {
    "re-import of a setup name": "import torch\nfrom torch import nn\nimport numpy as np",
    "helpers and classes": "class _H:\n    def __call__(self, x):\n        return x\n\n\ndef f(x):\n    return [_H()(v) for v in x]",
    "local shadowing a builtin": "def f(x):\n    len = 0\n    for v in x:\n        len += 1\n    return len",
    "setattr on an instance": "def swap(parent, name, child):\n    setattr(parent, name, child)",
    "getattr": "def f(m, name):\n    return getattr(m, name, None)",
    "noise": "import sys, logging, warnings\nprint('x', file=sys.stderr)\nlogging.warning('y')\nwarnings.warn('z')",
    "tqdm": "from tqdm.auto import tqdm\nfor _ in tqdm(range(2)):\n    pass",
    "try/except": "class Bad(ValueError):\n    pass\n\n\ntry:\n    raise Bad('no')\nexcept Bad as err:\n    print(err)",
    "torch settings": "torch.backends.cudnn.benchmark = False",
    "os.environ": "os.environ['X'] = '1'",
    "magic time": "%time y = 1 + 1",
    "modules of a model": "def f(model):\n    return list(model.modules())",
    "vars of an object": "def f(obj):\n    return vars(obj)",
    "model.__dict__ read": "def f(m):\n    return m.__dict__.get('training')",
    "own __eq__": "class P:\n    def __eq__(self, other):\n        return isinstance(other, P)",
    "type hints and dataclasses": "from dataclasses import dataclass\n\n\n@dataclass\nclass C:\n    x: int = 0",
    "torch.compile": "def f(model):\n    return torch.compile(model, backend='eager')",
    "a syntax error is execution's business": "def f(:\n    pass",
}


def _scan(source: str) -> list[scan.Finding]:
    return scan.scan([("cell answer", source)], SETUP, [])


@pytest.mark.parametrize("source", FLAGGED.values(), ids=FLAGGED.keys())
def test_each_reach_around_primitive_is_flagged(source: str) -> None:
    found = _scan(source)
    assert found, f"not flagged: {source!r}"
    assert all(f.cell == "cell answer" and f.line >= 1 for f in found)


@pytest.mark.parametrize("source", HONEST.values(), ids=HONEST.keys())
def test_honest_python_is_never_flagged(source: str) -> None:
    assert _scan(source) == []


def test_findings_name_the_cell_line_and_reason() -> None:
    (found,) = _scan("x = 1\ny = eval('2')")
    assert str(found) == "cell answer line 2: calls eval()"


def _chapters() -> list[Path]:
    return sorted((ROOT / "solutions").glob("*/*.ipynb"))


@pytest.mark.parametrize("path", _chapters(), ids=lambda p: p.parent.name)
def test_no_reference_solution_or_recorded_mutant_is_flagged(path: Path) -> None:
    """Every answer the course itself writes, right or wrong, is ordinary Python."""
    nb = nbformat.read(str(path), as_version=4)
    setup = next(c.source for c in nb.cells if notebook.role(c) == "setup")
    trusted = [
        c.source
        for c in nb.cells
        if c.cell_type == "code" and notebook.role(c) != "setup"
        and not c.metadata.get("nbgrader", {}).get("solution")
    ]  # fmt: skip
    answers = notebook.solution_answers(nb)
    assert scan.scan(list(answers.items()), setup, trusted) == []
    mutants = ROOT / "tests" / "mutants" / f"{path.parent.name}.py"
    spec = importlib.util.spec_from_file_location(f"mutants_{path.parent.name}", mutants)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    wrong = [(gid, entry[1]) for gid, entries in module.MUTANTS.items() for entry in entries]
    assert scan.scan(wrong, setup, trusted) == []
