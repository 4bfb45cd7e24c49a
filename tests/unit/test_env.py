"""course_utils.env: quick mode, device choice, seeding and the report."""

from __future__ import annotations

import pytest
import torch

from course_utils import env


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("true", True), ("0", False), ("", False)]
)
def test_quick_mode_follows_the_environment_variable(
    monkeypatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv(env.QUICK_ENV_VAR, value)
    assert env.quick_mode() is expected
    assert env.pick("full", "quick") == ("quick" if expected else "full")


def test_get_device_honours_an_explicit_choice_and_refuses_missing_cuda(monkeypatch) -> None:
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    assert env.get_device("cpu") == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        env.get_device("cuda")
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    assert env.get_device() == torch.device("cpu")


def test_get_device_prefers_cuda_when_present(monkeypatch) -> None:
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert env.get_device().type == "cuda"


def test_seed_everything_makes_runs_repeat_and_returns_a_seeded_generator() -> None:
    gen_a = env.seed_everything(123)
    first = (torch.rand(3), torch.rand(2, generator=gen_a))
    gen_b = env.seed_everything(123)
    second = (torch.rand(3), torch.rand(2, generator=gen_b))
    assert torch.equal(first[0], second[0]) and torch.equal(first[1], second[1])
    env.seed_everything(124)
    assert not torch.equal(torch.rand(3), first[0])


def test_import_has_no_side_effects_on_global_rng() -> None:
    import importlib

    torch.manual_seed(5)
    expected = torch.rand(1)
    torch.manual_seed(5)
    importlib.reload(env)
    assert torch.equal(torch.rand(1), expected)


def test_env_report_mentions_versions_device_and_mode(monkeypatch) -> None:
    monkeypatch.setenv(env.QUICK_ENV_VAR, "1")
    report = env.env_report(torch.device("cpu"))
    assert torch.__version__ in report and "device: cpu" in report and "quick mode: on" in report


def test_in_colab_detects_the_colab_environment(monkeypatch) -> None:
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    assert env.in_colab() is False
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab_20261101")
    assert env.in_colab() is True
