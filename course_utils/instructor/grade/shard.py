"""``course grade --shard K/N``: grade one of N disjoint parts of a class, on one of N machines.

A student's shard depends on the student id alone (a hash, not a position in a sorted list), so
a late submission never moves other students to another shard, and a re-run of shard K grades
the same students again. Every shard records into one shared gradebook (PostgreSQL: nbgrader's
gradebook with concurrent writers), where a re-run updates rows instead of adding them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Shard:
    """Part ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, student: str) -> bool:
        """Whether ``student`` is graded by this shard (exactly one shard owns each student)."""
        digest = hashlib.sha256(student.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1


def parse(text: str) -> Shard:
    """``"K/N"`` -> Shard(K, N); ValueError with the expected form otherwise."""
    parts = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if parts is None:
        raise ValueError(f"--shard {text!r}: expected K/N, e.g. 1/4 (part K of N, 1 <= K <= N)")
    index, count = int(parts[1]), int(parts[2])
    if not 1 <= index <= count:
        raise ValueError(f"--shard {text!r}: K must be between 1 and N (got {index} of {count})")
    return Shard(index, count)


def select(submissions: Mapping[str, T], shard: Shard | None) -> dict[str, T]:
    """The submissions ``shard`` grades (all of them when ``shard`` is None), in the same order."""
    return {s: v for s, v in submissions.items() if shard is None or shard.owns(s)}
