"""The leak scan of ``course publish``: no solution line and no hidden-test line of any chapter
may appear in a file students get.

Lines are compared with their whitespace collapsed; only lines of real content count (not
``return x`` or ``else:``), and lines that a chapter also shows in the open (visible tests, demos,
stub signatures) are not secrets.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from . import notebook
from .config import CourseConfig

MIN_SECRET_CHARS = 16
"""A normalised line shorter than this (``n = x.shape[0]``) says nothing about an answer alone;
a copied answer still shows through its longer lines."""
_LONE_KEYWORD = re.compile(
    r"^(return|raise|yield|assert|if|elif|else|for|while|with|break|continue|pass|try|except|"
    r"finally|del)\b\s*[\w.\[\]]*\s*[:,]?$"
)

_IDIOM = "a PyTorch/Python idiom that course_utils uses too"
_HELPER = "course_utils ships this helper to students already (an open question for the chapter)"
SHARED_WITH_COURSE_UTILS: dict[str, str] = {
    "random.seed(seed)": _IDIOM,
    "np.random.seed(seed)": _IDIOM,
    "generator = torch.Generator()": _IDIOM,
    "generator.manual_seed(seed)": _IDIOM,
    "if len(X) != len(y):": _IDIOM,
    "path = Path(path)": _IDIOM,
    "path.parent.mkdir(parents=True, exist_ok=True)": _IDIOM,
    'with os.fdopen(fd, "wb") as file:': _IDIOM,
    "torch.save(state, file)": _IDIOM,
    'model.load_state_dict(state["model"])': _IDIOM,
    'optimizer.load_state_dict(state["optimizer"])': _IDIOM,
    "nn.BatchNorm2d(width),": _IDIOM,
    "nn.Dropout(0.25),": _IDIOM,
    "nn.BatchNorm2d(2 * width),": _IDIOM,
    "device = torch.device(device)": _IDIOM,
    'if device.type == "mps":': _IDIOM,
    "was_training = model.training": _IDIOM,
    "model.train(was_training)": _IDIOM,
    # 00_setup count_parameters == course_utils.bench.count_parameters
    "return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)": (
        _HELPER
    ),
    # 06_cnn_mnist confusion_matrix ~ course_utils.plot.confusion_matrix
    "flat = y_true * num_classes + y_pred": _HELPER,
    "return torch.bincount(flat, minlength=num_classes**2).reshape(num_classes, num_classes)": (
        _HELPER
    ),
    # 09_ddp save_on_rank0 ~ course_utils.train.save_checkpoint (atomic write)
    'fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")': _HELPER,
}
"""Secret lines that course_utils (the package students install, from any repository) holds
too, each reviewed: the scan lets them pass in course_utils/ only, never in notebooks/. The test
suite fails when an entry is no longer needed, so the list cannot hide a new leak."""


def normalise(line: str) -> str:
    """A line with its whitespace collapsed, as the leak scan compares lines."""
    return " ".join(line.split())


def _real(line: str) -> bool:
    """Whether a normalised line is real content (not ``return x``, ``else:``, ``)``)."""
    return (
        len(line) >= MIN_SECRET_CHARS
        and bool(re.search(r"[A-Za-z0-9]", line))
        and not _LONE_KEYWORD.match(line)
    )


def _split_regions(source: str, solution_cell: bool) -> tuple[list[str], list[str]]:
    """(secret lines, public lines) of one cell of a source notebook."""
    secret: list[str] = []
    public: list[str] = []
    markers = "### BEGIN SOLUTION" in source
    inside = solution_cell and not markers  # a solution cell without markers is all answer
    for line in source.splitlines():
        text = normalise(line)
        if text in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
            inside = True
        elif text in ("### END SOLUTION", "### END HIDDEN TESTS"):
            inside = False
        elif _real(text):
            (secret if inside else public).append(text)
    return secret, public


def secret_lines(config: CourseConfig) -> dict[str, str]:
    """Every solution and hidden-test line of every chapter -> ``chapter`` it comes from.

    Lines that the chapters also show in the open (visible tests, demos, stubs' signatures) are
    not secrets: the release has them on purpose.
    """
    secrets: dict[str, str] = {}
    public: set[str] = set()
    for chapter in config.chapters():
        for cell in notebook.read(config.source_notebook(chapter)).cells:
            solution = bool(cell.metadata.get("nbgrader", {}).get("solution"))
            hidden, shown = _split_regions(cell.source, solution)
            public.update(shown)
            for line in hidden:
                secrets.setdefault(line, chapter)
    return {line: chapter for line, chapter in secrets.items() if line not in public}


def _file_lines(path: Path) -> list[str]:
    data = path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    if path.suffix == ".ipynb":
        try:
            strings: list[str] = []
            _strings(json.loads(text), strings)
            text = "\n".join(strings)
        except ValueError:
            pass  # not JSON after all: scanned as text
    return text.splitlines()


def _strings(value: object, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)


def find_leaks(
    tree: Path, secrets: dict[str, str], shared: dict[str, str] | None = None
) -> list[str]:
    """``path:line: [chapter] text`` for every line of every file under ``tree`` (but .git)
    that is a secret line (solution or hidden test), except lines of ``shared`` (default
    ``SHARED_WITH_COURSE_UTILS``) in files under course_utils/."""
    shared = SHARED_WITH_COURSE_UTILS if shared is None else shared
    leaks = []
    for path in sorted(p for p in tree.rglob("*") if p.is_file() and ".git" not in p.parts):
        relative = path.relative_to(tree)
        library = relative.parts[0] == "course_utils"
        for number, line in enumerate(_file_lines(path), 1):
            text = normalise(line)
            if text in secrets and not (library and text in shared):
                leaks.append(f"{relative}:{number}: [{secrets[text]}] {text}")
    return leaks
