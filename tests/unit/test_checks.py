"""course_utils.checks: the messages students see, and refusal of look-alike answers."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

from course_utils import checks
from course_utils.checks import CheckFailed


def _message(fn, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_check_tensor_accepts_the_same_values_within_tolerance() -> None:
    expected = torch.linspace(0, 1, 10)
    checks.check_tensor(expected + 1e-7, expected)
    checks.check_tensor(torch.nn.Parameter(expected.clone()), expected)


def test_check_tensor_reports_shape_before_dtype_and_values() -> None:
    message = _message(
        checks.check_tensor, torch.zeros(3, 2, dtype=torch.int64), torch.ones(2, 3), name="out"
    )
    assert message.startswith("out: shape is (3, 2) but should be (2, 3)")


def test_check_tensor_reports_dtype_before_values() -> None:
    message = _message(checks.check_tensor, torch.zeros(2, dtype=torch.float64), torch.ones(2))
    assert "dtype is torch.float64 but should be torch.float32" in message


def test_check_tensor_names_the_worst_element_and_the_hint() -> None:
    expected = torch.zeros(2, 3)
    actual = expected.clone()
    actual[1, 2] = 5.0
    actual[0, 0] = 0.5
    message = _message(checks.check_tensor, actual, expected, name="grid", hint="check the sign")
    assert "2 of 6 values differ" in message
    assert "index (1, 2): got 5.0, expected 0.0" in message
    assert message.endswith("Hint: check the sign")


def test_check_tensor_compares_integers_exactly() -> None:
    message = _message(checks.check_tensor, torch.tensor([1, 2, 4]), torch.tensor([1, 2, 3]))
    assert "1 of 3 values differ (exactly)" in message and "index (2,)" in message


def test_check_tensor_handles_nan_and_scalars() -> None:
    assert "values differ" in _message(
        checks.check_tensor, torch.tensor([float("nan")]), torch.tensor([1.0])
    )
    checks.check_tensor(torch.tensor([float("nan")]), torch.tensor([float("nan")]), equal_nan=True)
    assert "value is 2.0 but should be 1.0" in _message(
        checks.check_tensor, torch.tensor(2.0), torch.tensor(1.0)
    )


def test_check_tensor_compares_on_cpu_whatever_the_device() -> None:
    device = "cuda" if torch.cuda.is_available() else "cpu"
    checks.check_tensor(torch.ones(3, device=device), torch.ones(3))


class AlwaysEqual:
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


class FakeTensor(torch.Tensor):
    pass


def test_objects_that_fake_equality_are_refused() -> None:
    assert "expected a torch.Tensor, got a AlwaysEqual" in _message(
        checks.check_tensor, AlwaysEqual(), torch.ones(1)
    )
    assert "expected a int, got a AlwaysEqual" in _message(checks.check_equal, AlwaysEqual(), 3)
    assert "expected a tuple" in _message(checks.check_equal, AlwaysEqual(), (1, 2))
    assert "expected a Python number" in _message(checks.check_number, AlwaysEqual(), 1.0)
    fake = torch.ones(2).as_subclass(FakeTensor)
    assert "got a FakeTensor" in _message(checks.check_tensor, fake, torch.ones(2))


def test_patching_torch_comparisons_does_not_change_verdicts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(torch, "isclose", lambda *a, **k: torch.ones(1, dtype=torch.bool))
    monkeypatch.setattr(torch, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(torch, "equal", lambda *a, **k: True)
    _message(checks.check_tensor, torch.zeros(2), torch.ones(2))
    _message(
        checks.check_tensor, torch.zeros(2, dtype=torch.int64), torch.ones(2, dtype=torch.int64)
    )


def test_check_number_refuses_tensors_with_a_hint_about_item() -> None:
    assert ".item()" in _message(checks.check_number, torch.tensor(1.0), 1.0)
    assert "should be 2.0" in _message(checks.check_number, 2.5, 2.0)
    checks.check_number(2.0 + 1e-12, 2.0)
    _message(checks.check_number, True, 1.0)  # bool is not a number answer


def test_check_equal_walks_containers_and_names_the_element() -> None:
    checks.check_equal(torch.Size([2, 3]), (2, 3))
    checks.check_equal({"a": [1, 2]}, {"a": [1, 2]})
    assert "result['a'][1]: is 3 but should be 2" in _message(
        checks.check_equal, {"a": [1, 3]}, {"a": [1, 2]}
    )
    assert "keys differ" in _message(checks.check_equal, {"a": 1}, {"b": 1})
    assert "length 1 but should have length 2" in _message(checks.check_equal, [1], [1, 2])
    assert "expected a dtype" in _message(checks.check_equal, "float32", torch.float32)


def test_check_true_needs_a_real_true() -> None:
    checks.check_true(True, "fine")
    assert _message(checks.check_true, np.bool_(True), "not a bool") == "not a bool"
    assert _message(checks.check_true, AlwaysEqual(), "fake") == "fake"


def test_check_raises_reports_the_wrong_exception_or_none() -> None:
    def raises_value_error() -> None:
        raise ValueError("bad")

    assert isinstance(checks.check_raises(ValueError, raises_value_error), ValueError)
    assert "raised ValueError (bad) instead of TypeError" in _message(
        checks.check_raises, TypeError, raises_value_error
    )
    assert "should raise TypeError but returned normally" in _message(
        checks.check_raises, TypeError, lambda: 1
    )


def test_quiet_keeps_stderr_clean(capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    with checks.quiet():
        warnings.warn("noisy", UserWarning, stacklevel=1)
        print("to stderr", file=sys.stderr)
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "to stderr" in captured.out


def test_call_names_the_failing_call_but_lets_not_implemented_through() -> None:
    def broken(x):
        return x + torch.ones(3)

    assert checks.call(lambda x: x * 2, 3, name="double(3)") == 6
    message = _message(checks.call, broken, torch.ones(2), name="broken(ones(2))", hint="broadcast")
    assert message.startswith("broken(ones(2)): raised RuntimeError: The size of tensor a (2)")
    assert message.endswith("Hint: broadcast")

    def todo(x):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        checks.call(todo, 1)
