"""``course grade`` and ``course feedback`` (see :mod:`..cli`): each command's sub-parser and
what it runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import config as course_config
from . import shard


def add_grade(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "grade", help="grade every submission of an assignment in sandboxed kernels, in parallel"
    )
    parser.add_argument("assignment", help="the chapter, e.g. 01_tensors")
    parser.add_argument(
        "--from",
        dest="source",
        metavar="DIR",
        help="a folder of STUDENT_ID.ipynb files (e.g. an LMS download) instead of submitted/",
    )
    parser.add_argument("--jobs", "-j", type=int, default=2, help="students graded at once (2)")
    parser.add_argument("--db", help="gradebook URL (default: sqlite:///COURSE/gradebook.db)")
    parser.add_argument("--output", help="folder for graded notebooks (default: autograded/)")
    parser.add_argument("--cpu-seconds", type=int, default=3600, help="CPU time (3600)")
    parser.add_argument(
        "--memory-gb", type=float, default=16.0, help="address space (16; 0 = none, for CUDA)"
    )
    parser.add_argument("--processes", type=int, default=256, help="processes/threads (256)")
    parser.add_argument("--wall-seconds", type=int, default=3600, help="per submission (3600)")
    parser.add_argument("--cell-timeout", type=int, default=900, help="per cell (900)")
    parser.add_argument(
        "--shard",
        metavar="K/N",
        type=_shard,
        help="grade part K of N (by a hash of the student id), e.g. one part per machine of a "
        "SLURM array, all recording into one PostgreSQL --db",
    )
    parser.add_argument(
        "--reviewed",
        action="append",
        default=[],
        metavar="STUDENT",
        help="a student whose flagged code you have read and found honest: grade it anyway "
        "(repeatable; the sandbox and the integrity check still apply)",
    )
    parser.add_argument(
        "--allow-unsandboxed",
        action="store_true",
        help="grade with rlimits only when bubblewrap is unavailable (throw-away machines only)",
    )
    parser.set_defaults(func=_cmd_grade)


def _shard(text: str) -> shard.Shard:
    """``--shard K/N``, refused by argparse with the reason when it is not K of N."""
    try:
        return shard.parse(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def _cmd_grade(args: argparse.Namespace) -> int:
    from .. import notebook
    from . import batch, gradebook, report, sandbox

    config = course_config.load()
    submissions = batch.find_submissions(
        config, args.assignment, Path(args.source) if args.source else None
    )
    if not submissions:
        print(f"course grade {args.assignment}: no submissions found", file=sys.stderr)
        return 2
    if args.shard is not None:
        submissions = shard.select(submissions, args.shard)
        count = len(submissions)
        print(f"course grade {args.assignment}: shard {args.shard}, {count} submission(s)")
        if not submissions:
            return 0  # a small class leaves some parts empty: nothing to grade is not an error
    limits = sandbox.Limits(
        cpu_seconds=args.cpu_seconds,
        memory_bytes=int(args.memory_gb * 1024**3),
        processes=args.processes,
        wall_seconds=args.wall_seconds,
        cell_timeout=args.cell_timeout,
    )
    output = Path(args.output) if args.output else config.autograded
    result = batch.grade_class(
        config,
        args.assignment,
        submissions,
        jobs=args.jobs,
        limits=limits,
        allow_unsandboxed=args.allow_unsandboxed,
        output=output,
        progress=lambda r: print(f"  graded {r.student}: {r.score:g}/{r.max_score:g} {r.status}"),
        reviewed=frozenset(args.reviewed),
    )
    source = notebook.read(config.source_notebook(args.assignment))
    url = args.db or config.gradebook_url
    gradebook.record(url, args.assignment, source, list(result.results.values()))
    print(report.table(result))
    failed = [r for r in result.results.values() if r.status == "grader error"]
    return 1 if failed else 0


def add_feedback(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "feedback", help="HTML feedback per student (scores, messages; no hidden tests)"
    )
    parser.add_argument("assignment")
    parser.add_argument("--autograded", help="where `course grade` wrote (autograded/)")
    parser.add_argument("--output", help="folder for the feedback (default: feedback/)")
    parser.set_defaults(func=_cmd_feedback)


def _cmd_feedback(args: argparse.Namespace) -> int:
    from . import feedback

    config = course_config.load()
    autograded = Path(args.autograded) if args.autograded else config.autograded
    target = Path(args.output) if args.output else config.feedback
    written = feedback.write_feedback(
        config.release_notebook(args.assignment), autograded, target, args.assignment
    )
    print(f"wrote feedback for {len(written)} student(s) into {target}")
    return 0 if written else 1
