"""course_utils.amp: the AMP recipe per device, with the CUDA capability mocked."""

from __future__ import annotations

import pytest
import torch

from course_utils import amp


def fake_cuda(monkeypatch: pytest.MonkeyPatch, capability: tuple[int, int]) -> None:
    """Pretend a CUDA device of ``capability`` is present; emulated bf16 says True everywhere."""
    monkeypatch.setattr(torch.version, "hip", None)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: capability)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation=True: True)


@pytest.mark.parametrize("capability", [(8, 0), (8, 6), (9, 0), (12, 0)])
def test_cuda_with_native_bf16_gets_bf16_without_scaler(monkeypatch, capability):
    fake_cuda(monkeypatch, capability)
    recipe = amp.amp_recipe("cuda")
    assert (recipe.device_type, recipe.dtype, recipe.use_scaler) == ("cuda", torch.bfloat16, False)
    assert recipe.enabled


@pytest.mark.parametrize("capability", [(7, 5), (7, 0), (6, 1)])
def test_t4_and_older_cuda_get_fp16_and_a_scaler_although_bf16_is_emulated(monkeypatch, capability):
    fake_cuda(monkeypatch, capability)
    assert torch.cuda.is_bf16_supported()  # the trap: emulation says yes
    recipe = amp.amp_recipe(torch.device("cuda:0"))
    assert (recipe.device_type, recipe.dtype, recipe.use_scaler) == ("cuda", torch.float16, True)


def test_the_capability_of_the_named_cuda_device_is_asked(monkeypatch):
    fake_cuda(monkeypatch, (8, 0))
    asked = []
    capabilities = {0: (8, 0), 1: (7, 5)}
    monkeypatch.setattr(
        torch.cuda,
        "get_device_capability",
        lambda device=None: asked.append(device) or capabilities[device],
    )
    assert amp.amp_recipe("cuda:1").dtype == torch.float16
    assert amp.amp_recipe("cuda:0").dtype == torch.bfloat16
    assert asked == [1, 0]


def test_cuda_unavailable_means_no_native_bf16(monkeypatch):
    monkeypatch.setattr(torch.version, "hip", None)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert not amp.cuda_has_native_bf16()


def test_cpu_gets_bf16_autocast_without_scaler():
    recipe = amp.amp_recipe("cpu")
    assert (recipe.device_type, recipe.dtype, recipe.use_scaler) == ("cpu", torch.bfloat16, False)
    with recipe.autocast():
        out = torch.nn.functional.linear(torch.randn(2, 3), torch.randn(4, 3))
    assert out.dtype == torch.bfloat16
    assert not recipe.grad_scaler().is_enabled()


def test_mps_gets_fp16_with_a_scaler_its_autocast_default():
    recipe = amp.amp_recipe("mps")
    assert (recipe.device_type, recipe.dtype, recipe.use_scaler) == ("mps", torch.float16, True)
    assert torch.get_autocast_dtype("mps") == recipe.dtype


def test_unknown_device_is_disabled_and_its_autocast_is_a_no_op():
    recipe = amp.amp_recipe("meta")
    assert recipe.dtype is None and not recipe.enabled and not recipe.use_scaler
    with recipe.autocast():
        out = torch.randn(2, 3) @ torch.randn(3, 4)
    assert out.dtype == torch.float32


def test_recipe_is_frozen():
    recipe = amp.amp_recipe("cpu")
    with pytest.raises(AttributeError):
        recipe.dtype = torch.float16  # type: ignore[misc]
