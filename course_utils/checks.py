"""The helpers that graded test cells call, and that double as self-checks where nbgrader is absent.

Every check raises :class:`CheckFailed` (an ``AssertionError``) with a message written for the
student: what was checked, on which input, and what is wrong: type first, then shape, then dtype,
then values with the worst element. Values are compared on the CPU with explicit tolerances, so the
same answer passes on CPU and GPU.

Objects that only pretend to be the right answer (a class whose ``__eq__`` is always True, a tensor
subclass) are refused: the type must be exactly the expected one. The torch functions used for the
comparison are captured when this module is imported, so patching ``torch.allclose`` afterwards does
not change what these checks see.
"""

from __future__ import annotations

import contextlib
import math
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import torch

# Captured once so that a notebook that later monkeypatches torch cannot change the verdicts.
_isclose = torch.isclose
_isnan = torch.isnan
_equal = torch.equal
_abs = torch.abs
_argmax = torch.argmax
_unravel = torch.unravel_index
_TENSOR_TYPES = (torch.Tensor, torch.nn.Parameter)
_NUMBER_TYPES = (int, float)

# Default tolerances per dtype (rtol, atol): loose enough for a different but correct order of
# operations, or a GPU kernel, and tight enough to catch a wrong formula.
_TOLERANCES: dict[torch.dtype, tuple[float, float]] = {
    torch.float64: (1e-7, 1e-9),
    torch.float32: (1e-4, 1e-5),
    torch.float16: (1e-3, 1e-3),
    torch.bfloat16: (1.6e-2, 1e-2),
    torch.complex64: (1e-4, 1e-5),
    torch.complex128: (1e-7, 1e-9),
}


class CheckFailed(AssertionError):
    """A check did not pass; the message says what is wrong."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows: the message and hint, not this module's frames (see tracebacks)."""
        from .tracebacks import short_traceback

        return short_traceback(self)


def _fail(name: str, problem: str, hint: str | None) -> None:
    message = f"{name}: {problem}"
    if hint:
        message += f"\nHint: {hint}"
    raise CheckFailed(message)


def _type_name(value: Any) -> str:
    return type(value).__qualname__


def check_type(
    actual: Any, expected_type: type | tuple[type, ...], *, name: str = "result"
) -> None:
    """Check that ``type(actual)`` is exactly ``expected_type`` (or one of them); no look-alikes."""
    allowed = expected_type if isinstance(expected_type, tuple) else (expected_type,)
    if type(actual) not in allowed:
        wanted = " or ".join(t.__qualname__ for t in allowed)
        _fail(name, f"expected a {wanted}, got a {_type_name(actual)}", None)


def check_tensor(
    actual: Any,
    expected: torch.Tensor,
    *,
    name: str = "result",
    rtol: float | None = None,
    atol: float | None = None,
    check_dtype: bool = True,
    equal_nan: bool = False,
    hint: str | None = None,
) -> None:
    """Check a tensor: a real ``torch.Tensor``, then shape, then dtype, then values (on the CPU).

    Tolerances default to ones sized for ``expected.dtype``; integer and bool tensors must match
    exactly. ``hint`` is added to every failure message (say what the usual mistake is).
    """
    if type(expected) not in _TENSOR_TYPES:
        raise TypeError(
            "check_tensor: `expected` must be a torch.Tensor (this is a bug in the test)"
        )
    if type(actual) not in _TENSOR_TYPES:
        _fail(name, f"expected a torch.Tensor, got a {_type_name(actual)}", hint)
    if tuple(actual.shape) != tuple(expected.shape):
        _fail(name, f"shape is {tuple(actual.shape)} but should be {tuple(expected.shape)}", hint)
    if check_dtype and actual.dtype != expected.dtype:
        _fail(name, f"dtype is {actual.dtype} but should be {expected.dtype}", hint)
    got = actual.detach().to("cpu")
    want = expected.detach().to("cpu")
    if got.dtype != want.dtype:
        common = torch.promote_types(got.dtype, want.dtype)
        got, want = got.to(common), want.to(common)
    if not (want.is_floating_point() or want.is_complex()):
        if not _equal(got, want):
            mismatch = got != want
            _report_mismatch(name, got, want, mismatch, "exactly", hint)
        return
    default_rtol, default_atol = _TOLERANCES.get(want.dtype, (1e-4, 1e-5))
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    close = _isclose(got, want, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if not bool(close.all()):
        _report_mismatch(name, got, want, ~close, f"within rtol={rtol:g}, atol={atol:g}", hint)


def _report_mismatch(
    name: str,
    got: torch.Tensor,
    want: torch.Tensor,
    mismatch: torch.Tensor,
    how: str,
    hint: str | None,
) -> None:
    count = int(mismatch.sum())
    total = mismatch.numel()
    if got.dim() == 0:
        _fail(name, f"value is {got.item()!r} but should be {want.item()!r} ({how})", hint)
    if got.is_floating_point() or got.is_complex():
        error = _abs(got.to(torch.complex128) - want.to(torch.complex128)).to(torch.float64)
        error = torch.where(_isnan(error), torch.full_like(error, math.inf), error)
        error = torch.where(mismatch, error, torch.zeros_like(error))
    else:
        error = mismatch.to(torch.int64)
    flat = int(_argmax(error.reshape(-1)))
    index = tuple(int(i) for i in _unravel(torch.tensor(flat), got.shape))
    _fail(
        name,
        f"{count} of {total} values differ ({how}); e.g. at index {index}: "
        f"got {got[index].item()!r}, expected {want[index].item()!r}",
        hint,
    )


def check_number(
    actual: Any,
    expected: float,
    *,
    name: str = "result",
    rtol: float = 1e-6,
    atol: float = 1e-9,
    hint: str | None = None,
) -> None:
    """Check a Python number (``int`` or ``float``; a 0-d tensor is refused: call ``.item()``)."""
    if type(actual) is bool or type(actual) not in _NUMBER_TYPES:
        extra = (
            " (call .item() to turn a one-element tensor into a number)"
            if type(actual) in _TENSOR_TYPES
            else ""
        )
        _fail(name, f"expected a Python number, got a {_type_name(actual)}{extra}", hint)
    if not math.isclose(float(actual), float(expected), rel_tol=rtol, abs_tol=atol):
        _fail(
            name, f"is {actual!r} but should be {expected!r} (rtol={rtol:g}, atol={atol:g})", hint
        )


def check_equal(
    actual: Any, expected: Any, *, name: str = "result", hint: str | None = None
) -> None:
    """Exact comparison for plain values: numbers, strings, dtypes, devices, tuples, lists, dicts.

    Types must match exactly (``torch.Size`` counts as a tuple), so objects that fake ``__eq__``
    are refused; containers are compared element by element with the element named in the message.
    """
    actual_type, expected_type = _plain_type(actual), _plain_type(expected)
    if actual_type is not expected_type:
        _fail(name, f"expected a {expected_type.__qualname__}, got a {_type_name(actual)}", hint)
    if isinstance(expected, (tuple, list)):
        if len(actual) != len(expected):
            _fail(name, f"has length {len(actual)} but should have length {len(expected)}", hint)
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            check_equal(a, e, name=f"{name}[{i}]", hint=hint)
        return
    if isinstance(expected, dict):
        if set(actual) != set(expected):
            missing = sorted(map(repr, set(expected) - set(actual)))
            extra = sorted(map(repr, set(actual) - set(expected)))
            _fail(name, f"keys differ: missing {missing}, unexpected {extra}", hint)
        for key in expected:
            check_equal(actual[key], expected[key], name=f"{name}[{key!r}]", hint=hint)
        return
    if type(expected) in _TENSOR_TYPES:
        check_tensor(actual, expected, name=name, hint=hint)
        return
    if not (expected == actual):  # safe: both sides have the same trusted type
        _fail(name, f"is {actual!r} but should be {expected!r}", hint)


def _plain_type(value: Any) -> type:
    if type(value) is torch.Size:
        return tuple
    if type(value) is torch.nn.Parameter:
        return torch.Tensor
    return type(value)


def check_true(condition: Any, message: str) -> None:
    """Fail with ``message`` unless ``condition`` is exactly ``True`` (a real bool)."""
    if condition is not True:
        raise CheckFailed(message)


def check_raises(
    exception: type[BaseException],
    fn: Callable[..., Any],
    *args: Any,
    name: str = "call",
    hint: str | None = None,
    **kwargs: Any,
) -> BaseException:
    """Check that ``fn(*args, **kwargs)`` raises ``exception``; return the exception raised."""
    try:
        fn(*args, **kwargs)
    except exception as err:
        return err
    except Exception as err:  # noqa: BLE001 - the message shows what was raised instead
        _fail(name, f"raised {_type_name(err)} ({err}) instead of {exception.__name__}", hint)
    _fail(name, f"should raise {exception.__name__} but returned normally", hint)
    raise AssertionError("unreachable")


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Run student code without writing to stderr: warnings are ignored and stderr goes to stdout.

    nbgrader scores a test cell 0 when anything reaches stderr, even a harmless warning.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stderr(sys.stdout):
            yield


def call(
    fn: Callable[..., Any], *args: Any, name: str = "call", hint: str | None = None, **kwargs: Any
) -> Any:
    """Call student code quietly; an unexpected exception becomes a :class:`CheckFailed` that says
    which call failed and what the usual mistake is.

    ``NotImplementedError`` passes through unchanged: it means the exercise is not done yet.
    """
    try:
        with quiet():
            return fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except CheckFailed:
        raise
    except Exception as err:  # noqa: BLE001 - reported to the student with the input named
        _fail(name, f"raised {_type_name(err)}: {err}", hint)


def passed(what: str) -> None:
    """Print a one-line confirmation that the checks of a test cell passed.

    Students see only the visible checks; the grader runs hidden ones too, so say so.
    """
    print(f"\N{CHECK MARK} {what}: the checks in this cell passed (grading adds hidden tests)")
