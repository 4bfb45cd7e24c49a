"""``python -m benchmarks [names] [--smoke] ...`` from the course root: what ``course bench`` runs.

The direction of imports is one way: benchmarks import course_utils (and its instructor tools);
course_utils never imports benchmarks, it starts this entry point in a process of its own.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .runner import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:], root=Path(__file__).resolve().parent.parent))
