"""What a student sees when a check fails: the message and the hint, not the checker's frames.

IPython asks an exception for ``_render_traceback_()`` before formatting its traceback, and sends
those lines to the notebook (and to nbgrader's Validate dialog). :class:`~course_utils.checks.
CheckFailed` answers with :func:`short_traceback`: the message, the hint, and where in the cell the
failing check is. The whole traceback stays one call away: :func:`show_full_traceback`.
"""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

_RED, _RESET = "\x1b[0;31m", "\x1b[0m"
FULL_TRACEBACK_TIP = "full traceback: run `course_utils.tracebacks.show_full_traceback()`"


def cell_location(tb: TracebackType | None) -> str | None:
    """``Cell In[N], line L`` of the outermost notebook-cell frame of ``tb``, as IPython writes it.

    None outside IPython or when no frame belongs to a cell.
    """
    shell = _ipython()
    compiler = getattr(shell, "compile", None)
    name_of = getattr(compiler, "format_code_name", None)
    while tb is not None and name_of is not None:
        named = name_of(tb.tb_frame.f_code.co_filename)
        if named is not None:
            label, name = named
            return f"{label} {name}, line {tb.tb_lineno}"
        tb = tb.tb_next
    return None


def short_traceback(error: BaseException) -> list[str]:
    """The lines a student is shown for ``error``: type and message, hint, place in the cell."""
    first, *rest = str(error).splitlines() or [""]
    lines = [f"{_RED}{type(error).__name__}{_RESET}: {first}", *rest]
    where = cell_location(error.__traceback__)
    lines.append(f"({where}; {FULL_TRACEBACK_TIP})" if where else f"({FULL_TRACEBACK_TIP})")
    return lines


def show_full_traceback() -> None:
    """Print the whole traceback of the last error in this kernel, the checker's frames included."""
    error = getattr(sys, "last_value", None)
    if error is None:
        print("no error has been shown in this kernel yet")
        return
    print("".join(traceback.format_exception(type(error), error, error.__traceback__)), end="")


def _ipython() -> object | None:
    """The running IPython shell, or None (plain Python, or IPython not installed)."""
    module = sys.modules.get("IPython")
    get = getattr(module, "get_ipython", None)
    return get() if get is not None else None
