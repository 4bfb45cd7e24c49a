"""course_utils.train's one mixed-precision path: every step goes through a GradScaler, a
disabled one when none is given, which must be plain PyTorch bit for bit; fp16 with an enabled
scaler checkpoints and resumes the scaler too."""

from __future__ import annotations

import contextlib

import pytest
import torch
from torch import nn

from course_utils import train
from course_utils.data import TensorLoader

CPU = torch.device("cpu")


def _data(n: int = 96) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    y = torch.arange(n) % 3
    return (torch.randn(3, 8, generator=g) * 1.5)[y] + torch.randn(n, 8, generator=g), y


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))


def test_a_disabled_grad_scaler_passes_loss_gradients_and_step_through() -> None:
    model = _model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    steps: list[int] = []
    plain_step = optimizer.step
    optimizer.step = lambda *a, **k: steps.append(1) or plain_step(*a, **k)  # type: ignore[method-assign]
    scaler = torch.amp.GradScaler("cpu", enabled=False)
    loss = model(torch.randn(4, 8)).sum()
    assert scaler.scale(loss) is loss
    loss.backward()
    grads = [p.grad.clone() for p in model.parameters()]
    scaler.unscale_(optimizer)
    assert all(torch.equal(g, p.grad) for g, p in zip(grads, model.parameters(), strict=True))
    scaler.step(optimizer)
    scaler.update()
    assert steps == [1] and scaler.state_dict() == {}


@pytest.mark.parametrize("dtype", [None, torch.bfloat16])
@pytest.mark.parametrize("max_grad_norm", [None, 0.05])
def test_without_a_scaler_an_epoch_is_the_plain_pytorch_loop_bit_for_bit(dtype, max_grad_norm):
    X, y = _data()
    model = _model()
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    train.train_one_epoch(model, TensorLoader(X, y, 32), nn.CrossEntropyLoss(), optimizer, CPU,
                          autocast_dtype=dtype, max_grad_norm=max_grad_norm,
                          progress=False)  # fmt: skip
    reference = _model()
    reference_optimizer = torch.optim.AdamW(reference.parameters(), lr=0.01)
    for xb, yb in TensorLoader(X, y, 32):
        reference_optimizer.zero_grad(set_to_none=True)
        with contextlib.nullcontext() if dtype is None else torch.autocast("cpu", dtype=dtype):
            loss = nn.functional.cross_entropy(reference(xb), yb)
        loss.backward()
        if max_grad_norm is not None:
            nn.utils.clip_grad_norm_(reference.parameters(), max_grad_norm)
        reference_optimizer.step()
    for a, b in zip(model.parameters(), reference.parameters(), strict=True):
        assert torch.equal(a, b)


def _fp16_run(path, num_epochs: int, *, resume: bool) -> tuple[nn.Module, torch.amp.GradScaler]:
    X, y = _data()
    model = _model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**8, growth_interval=2)
    loader = TensorLoader(X, y, 32, shuffle=True, generator=torch.Generator().manual_seed(1))
    train.fit(model, loader, nn.CrossEntropyLoss(), optimizer, num_epochs=num_epochs, device=CPU,
              checkpoint_path=path, resume=resume, autocast_dtype=torch.float16, scaler=scaler,
              max_grad_norm=1.0, progress=False)  # fmt: skip
    return model, scaler


def test_fp16_with_a_grad_scaler_checkpoints_the_scaler_and_resumes_exactly(tmp_path) -> None:
    straight, straight_scaler = _fp16_run(tmp_path / "a.pt", 3, resume=False)
    _fp16_run(tmp_path / "b.pt", 1, resume=False)  # "interrupted" after 1 of 3 epochs
    saved = train.read_checkpoint(tmp_path / "b.pt")["extra"]["scaler"]
    assert saved["scale"] == 2.0**8 * 2 and saved["_growth_tracker"] == 1  # 3 steps, growth at 2
    resumed, resumed_scaler = _fp16_run(tmp_path / "b.pt", 3, resume=True)
    assert resumed_scaler.state_dict() == straight_scaler.state_dict()
    for a, b in zip(straight.parameters(), resumed.parameters(), strict=True):
        assert torch.equal(a, b)
