"""A real text corpus for the language-model chapters, found offline when possible.

:func:`load_text_corpus` looks in a fixed order and says which source it used (on stdout):

1. Tiny Shakespeare already on disk: ``tinyshakespeare/input.txt`` under the data root (``root``,
   else ``COURSE_DATA_ROOT``, else ``~/.cache/pytorch-course/data``);
2. the same file in an instructor-staged directory named by ``COURSE_DATA_DIR``;
3. a download of Tiny Shakespeare into the root, unless ``download=False`` or ``COURSE_OFFLINE=1``;
4. the King James Bible from the Debian packages ``bible-kjv`` + ``bible-kjv-text``, decoded with
   the ``bible`` program (verse references removed, one verse per line);
5. a synthetic stand-in (sentences from a small grammar), announced by a banner.

Every source is checked (size, characters) and a damaged one raises :class:`DataError` that names
the file and says how to repair it. Nothing here runs at import time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import torch

from .datasets import DataError, DataSource

__all__ = [
    "BIBLE_PROGRAM_ARGS",
    "SHAKESPEARE_URL",
    "TextCorpus",
    "load_text_corpus",
    "standin_text",
]

SHAKESPEARE_URL = (
    "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"
)
SHAKESPEARE_FILE = Path("tinyshakespeare") / "input.txt"
SHAKESPEARE_CHARS = 1_115_394
"""Length of the real Tiny Shakespeare file; a file of another length is reported as damaged."""
BIBLE_PROGRAM_ARGS = ("-f", "-p", "/usr/lib", "gen1:1-rev22:21")
"""Arguments of Debian's ``bible`` program that print the whole text, one verse per line."""
_VERSE_REF = re.compile(r"^[1-3]?[A-Za-z]+\d+:\d+ ", re.MULTILINE)
_MIN_BIBLE_CHARS = 4_000_000
_DOWNLOAD_TIMEOUT_S = 30
_DEFAULT_ROOT = Path("~/.cache/pytorch-course/data")


@dataclass(frozen=True)
class TextCorpus:
    """A text and where it came from. ``source.real`` is False only for the stand-in."""

    text: str
    name: str  # "Tiny Shakespeare", "King James Bible" or "stand-in"
    source: DataSource

    def __len__(self) -> int:
        return len(self.text)

    @property
    def chars(self) -> list[str]:
        """The sorted distinct characters of the text (a character-level vocabulary)."""
        return sorted(set(self.text))


def _root(root: str | os.PathLike | None) -> Path:
    chosen = root or os.environ.get("COURSE_DATA_ROOT") or _DEFAULT_ROOT
    return Path(chosen).expanduser()


def _offline() -> bool:
    return os.environ.get("COURSE_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def _read_shakespeare(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"{path} cannot be read ({err}); delete it and load again") from err
    if len(text) != SHAKESPEARE_CHARS:
        raise DataError(
            f"{path} holds {len(text):,} characters, not the {SHAKESPEARE_CHARS:,} of Tiny "
            f"Shakespeare (a partial download?); delete it and load again"
        )
    return text


def _download_shakespeare(target: Path) -> bool:
    try:
        with urllib.request.urlopen(SHAKESPEARE_URL, timeout=_DOWNLOAD_TIMEOUT_S) as response:
            data = response.read()
    except OSError as err:
        print(f"Tiny Shakespeare: download failed ({err.__class__.__name__}); looking offline")
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)  # never leave a half-written file under the real name
    return True


def bible_text(program: str = "bible") -> str | None:
    """The King James Bible from Debian's ``bible`` program, or None when it is not installed."""
    executable = shutil.which(program)
    if executable is None:
        return None
    try:
        result = subprocess.run(
            [executable, *BIBLE_PROGRAM_ARGS], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise DataError(f"`{program}` failed to run ({err}); reinstall bible-kjv") from err
    text = _VERSE_REF.sub("", result.stdout)
    if result.returncode != 0 or len(text) < _MIN_BIBLE_CHARS:
        raise DataError(
            f"`{program} {' '.join(BIBLE_PROGRAM_ARGS)}` printed {len(text):,} characters "
            f"(exit status {result.returncode}); reinstall it: apt-get install --reinstall "
            "bible-kjv bible-kjv-text"
        )
    return text


_SUBJECTS = ["the king", "a shepherd", "the people", "my son", "the prophet", "a stranger"]
_VERBS = ["saw", "loved", "called", "feared", "followed", "blessed", "sought"]
_OBJECTS = ["the city", "the river", "his brother", "the light", "a great fire", "the field"]
_ENDINGS = [".", ".", ".", ";", ",", "!", "?"]


def standin_text(n_chars: int = 200_000, seed: int = 0) -> str:
    """Deterministic synthetic prose from a tiny grammar: learnable structure, not real text."""
    gen = torch.Generator().manual_seed(seed)

    def choose(words: list[str]) -> str:
        return words[int(torch.randint(len(words), (1,), generator=gen))]

    lines, size = [], 0
    while size < n_chars:
        subject = choose(_SUBJECTS)
        line = f"And {subject} {choose(_VERBS)} {choose(_OBJECTS)}{choose(_ENDINGS)}"
        lines.append(line[0].upper() + line[1:])
        size += len(line) + 1
    return "\n".join(lines)[:n_chars]


def _banner() -> str:
    return (
        "=" * 72 + "\n"
        "TEXT: SYNTHETIC STAND-IN (no Tiny Shakespeare on disk, no download, no `bible`).\n"
        "Losses measured on it say nothing about real text. For real text offline:\n"
        "  apt-get install bible-kjv      (or put Tiny Shakespeare in <root>/tinyshakespeare/)\n"
        + "="
        * 72
    )


def load_text_corpus(
    root: str | os.PathLike | None = None,
    download: bool = True,
    sources: tuple[str, ...] = ("shakespeare", "bible", "stand-in"),
) -> TextCorpus:
    """Load the course's text corpus from the first source that has it, and say which one.

    ``sources`` restricts the search (e.g. ``("bible",)`` for the King James Bible only); a
    restriction that finds nothing raises :class:`DataError` saying what to install.
    """
    base = _root(root)
    found: TextCorpus | None = None
    if "shakespeare" in sources:
        staged = os.environ.get("COURSE_DATA_DIR")
        candidates = [("torchvision-root", base)]
        if staged:
            candidates.append(("staged", Path(staged).expanduser()))
        for kind, folder in candidates:
            path = folder / SHAKESPEARE_FILE
            if path.is_file():
                found = TextCorpus(
                    _read_shakespeare(path), "Tiny Shakespeare", DataSource(kind, str(path), True)
                )
                break
        if found is None and download and not _offline():
            target = base / SHAKESPEARE_FILE
            if _download_shakespeare(target):
                found = TextCorpus(
                    _read_shakespeare(target),
                    "Tiny Shakespeare",
                    DataSource("download", str(target), True),
                )
    if found is None and "bible" in sources:
        text = bible_text()
        if text is not None:
            location = "bible " + " ".join(BIBLE_PROGRAM_ARGS)
            found = TextCorpus(text, "King James Bible", DataSource("debian-bible", location, True))
    if found is None and "stand-in" in sources:
        print(_banner())
        found = TextCorpus(standin_text(), "stand-in", DataSource("stand-in", "", False))
    if found is None:
        raise DataError(
            f"no text found among {sources}: install the Debian package bible-kjv, or put Tiny "
            f"Shakespeare at {base / SHAKESPEARE_FILE}"
        )
    print(
        f"Text: {found.name}, {len(found):,} characters, {len(found.chars)} distinct, "
        f"from {found.source}"
    )
    return found
