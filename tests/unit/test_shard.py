"""`course grade --shard K/N` partitions a class: each student in exactly one shard, stably."""

from __future__ import annotations

import pytest

from course_utils.instructor.grade import shard


def _students(n: int) -> dict[str, int]:
    return {f"s{i:04d}": i for i in range(n)}


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_every_student_is_in_exactly_one_shard(count: int) -> None:
    students = _students(500)
    parts = [shard.select(students, shard.Shard(k, count)) for k in range(1, count + 1)]
    assert sum(len(p) for p in parts) == len(students)
    assert set().union(*parts) == set(students)
    # Balanced enough to size N by: no shard more than 25% away from an equal share.
    assert all(abs(len(p) - 500 / count) <= 0.25 * 500 / count for p in parts), [
        len(p) for p in parts
    ]


def test_a_new_student_moves_nobody_else() -> None:
    before = shard.select(_students(200), shard.Shard(2, 3))
    after = shard.select({**_students(200), "late-submitter": 999}, shard.Shard(2, 3))
    assert {k: v for k, v in after.items() if k != "late-submitter"} == before


def test_the_partition_does_not_depend_on_order_or_process() -> None:
    """A hash of the id, not Python's salted hash(): the same on every machine of a SLURM array."""
    ids = ["ann", "bob", "chloé", "d.smith@uni.example", "42"]
    owners = {s: next(k for k in range(1, 5) if shard.Shard(k, 4).owns(s)) for s in ids}
    # Recorded once: a change of hash would silently regrade students on other machines.
    assert owners == {"ann": 3, "bob": 3, "chloé": 3, "d.smith@uni.example": 2, "42": 2}
    reordered = shard.select(dict.fromkeys(reversed(ids)), shard.Shard(3, 4))
    assert sorted(reordered) == ["ann", "bob", "chloé"]


def test_no_shard_means_everyone() -> None:
    assert shard.select(_students(5), None) == _students(5)


@pytest.mark.parametrize("text", ["1/4", " 4 / 4 ", "1/1"])
def test_parse_accepts_k_of_n(text: str) -> None:
    parsed = shard.parse(text)
    assert str(parsed) == text.replace(" ", "")


@pytest.mark.parametrize("text", ["0/4", "5/4", "1/0", "2", "a/b", "1/4/2", "-1/4"])
def test_parse_refuses_what_is_not_k_of_n(text: str) -> None:
    with pytest.raises(ValueError, match="--shard"):
        shard.parse(text)
