"""course_utils.train: the loops, fit (resume, early stopping, schedulers) and checkpoints."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import torch
from torch import nn

from course_utils import train
from course_utils.data import TensorLoader
from course_utils.train import History, evaluate, fit, load_checkpoint, save_checkpoint

CPU = torch.device("cpu")


def blobs(n: int = 240, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Three Gaussian blobs in 8 dimensions: easy but not instantly solved."""
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 3
    centres = torch.randn(3, 8, generator=g) * 1.5
    return centres[y] + torch.randn(n, 8, generator=g), y


def make_model(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 3))


def loader(X, y, seed: int | None = 0, batch_size: int = 32) -> TensorLoader:
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    return TensorLoader(X, y, batch_size, shuffle=seed is not None, generator=generator)


def test_fit_reduces_the_loss_and_records_every_epoch():
    X, y = blobs()
    model = make_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    history = fit(model, loader(X, y), nn.CrossEntropyLoss(), optimizer, num_epochs=4,
                  device=CPU, val_loader=loader(X, y, seed=None), progress=False)  # fmt: skip
    assert len(history) == 4 and len(history.val_acc) == 4
    assert history.train_loss[-1] < 0.7 * history.train_loss[0]
    assert history.val_acc[-1] > 0.8


def test_train_one_epoch_reports_the_sample_weighted_mean_loss_and_accuracy():
    X, y = blobs(100)  # batches of 32, 32, 32, 4: a plain mean of batch losses would be wrong
    model = nn.Linear(8, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)  # weights stay fixed
    loss, acc = train.train_one_epoch(model, loader(X, y, seed=None), nn.CrossEntropyLoss(),
                                      optimizer, CPU, progress=False)  # fmt: skip
    with torch.no_grad():
        expected_loss = nn.functional.cross_entropy(model(X), y).item()
        expected_acc = (model(X).argmax(1) == y).float().mean().item()
    assert math.isclose(loss, expected_loss, rel_tol=1e-5)
    assert math.isclose(acc, expected_acc, rel_tol=1e-6)


def test_accuracy_is_nan_when_outputs_are_not_class_logits():
    X, _ = blobs(64)
    target = X.sum(dim=1, keepdim=True)
    model = nn.Linear(8, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss, acc = train.train_one_epoch(model, TensorLoader(X, target, 16), nn.MSELoss(), optimizer,
                                      CPU, progress=False)  # fmt: skip
    assert math.isfinite(loss) and math.isnan(acc)


def test_evaluate_uses_eval_mode_and_restores_the_previous_mode():
    X, y = blobs(64)
    model = make_model()
    model.train()
    first = evaluate(model, loader(X, y, seed=None), nn.CrossEntropyLoss(), CPU)
    second = evaluate(model, loader(X, y, seed=None), nn.CrossEntropyLoss(), CPU)
    assert first == second, "dropout must be off during evaluation"
    assert model.training
    model.eval()
    evaluate(model, loader(X, y, seed=None), nn.CrossEntropyLoss(), CPU)
    assert not model.training


def test_predict_returns_classes_and_targets_on_cpu():
    X, y = blobs(50)
    model = make_model()
    predictions, targets = train.predict(model, loader(X, y, seed=None, batch_size=16), CPU)
    assert predictions.shape == (50,) and predictions.dtype == torch.int64
    assert torch.equal(targets, y) and predictions.device.type == "cpu"
    model.eval()
    with torch.no_grad():
        assert torch.equal(predictions, model(X).argmax(1))


def test_scheduler_steps_per_batch_or_per_epoch():
    X, y = blobs(128)  # 4 batches of 32
    model = nn.Linear(8, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    train.train_one_epoch(model, loader(X, y), nn.CrossEntropyLoss(), optimizer, CPU,
                          scheduler=scheduler, progress=False)  # fmt: skip
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.5**4)
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    fit(model, loader(X, y), nn.CrossEntropyLoss(), optimizer, num_epochs=2, device=CPU,
        scheduler=scheduler, scheduler_step="epoch", progress=False)  # fmt: skip
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.25)


def test_gradient_clipping_bounds_the_update_with_and_without_grad_scaler():
    X, y = blobs(32)
    for scaler in (None, torch.amp.GradScaler("cpu")):
        model = nn.Linear(8, 3)
        before = torch.cat([p.detach().flatten().clone() for p in model.parameters()])
        optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
        train.train_one_epoch(model, TensorLoader(X, y, 32), nn.CrossEntropyLoss(), optimizer,
                              CPU, scaler=scaler, max_grad_norm=1e-3, progress=False)  # fmt: skip
        after = torch.cat([p.detach().flatten() for p in model.parameters()])
        assert (after - before).norm().item() <= 1e-3 * (1 + 1e-4)


def _record_linear_dtypes(model: nn.Module) -> list[torch.dtype]:
    """Hook every Linear layer: the dtypes its outputs had inside the forward pass."""
    seen: list[torch.dtype] = []
    for module in model.modules():
        if isinstance(module, nn.Linear):
            module.register_forward_hook(lambda _m, _i, out: seen.append(out.dtype))
    return seen


def test_bf16_autocast_trains_on_cpu():
    X, y = blobs(64)
    model = make_model()
    seen = _record_linear_dtypes(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss, acc = train.train_one_epoch(model, loader(X, y), nn.CrossEntropyLoss(), optimizer, CPU,
                                      autocast_dtype=torch.bfloat16, progress=False)  # fmt: skip
    assert math.isfinite(loss) and 0.0 <= acc <= 1.0
    # The forward really ran under bf16 autocast (2 Linear layers x 2 batches), while the
    # weights the optimizer updates stay fp32 and autocast is off again afterwards.
    assert seen == [torch.bfloat16] * 4, seen
    assert all(p.dtype == torch.float32 for p in model.parameters())
    assert not torch.is_autocast_enabled("cpu")
    seen.clear()
    val_loss, _ = evaluate(model, loader(X, y), nn.CrossEntropyLoss(), CPU,
                           autocast_dtype=torch.bfloat16)  # fmt: skip
    assert math.isfinite(val_loss)
    assert seen == [torch.bfloat16] * 4, seen
    seen.clear()
    fit(model, loader(X, y), nn.CrossEntropyLoss(), optimizer, num_epochs=1, device=CPU,
        val_loader=loader(X, y, seed=None), autocast_dtype=torch.bfloat16,
        progress=False)  # fmt: skip
    assert seen == [torch.bfloat16] * 8, f"fit must pass autocast_dtype on: {seen}"
    # And without autocast_dtype nothing is cast: the hook sees fp32.
    seen.clear()
    evaluate(model, loader(X, y), nn.CrossEntropyLoss(), CPU)
    assert seen == [torch.float32] * 4, seen


def test_progress_bars_and_epoch_lines_go_to_stdout(capfd):
    X, y = blobs(64)
    model = make_model()
    fit(model, loader(X, y), nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
        num_epochs=2, device=CPU, progress=True)  # fmt: skip
    out, err = capfd.readouterr()
    assert "epoch 2/2: train loss" in out
    assert err == "", f"nbgrader scores any stderr output as a failure: {err!r}"


def _run(tmp_path, num_epochs: int, *, resume: bool, scramble: int) -> nn.Module:
    """Build everything from scratch as a new process would, then fit with a checkpoint."""
    X, y = blobs(160)
    torch.manual_seed(scramble)  # a resumed process starts from unrelated RNG states
    random.seed(scramble)
    np.random.seed(scramble)
    model = make_model(seed=0)
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.05, total_steps=4 * 5)
    torch.manual_seed(scramble)
    train_loader = loader(X, y, seed=scramble)
    fit(model, train_loader, nn.CrossEntropyLoss(), optimizer, num_epochs=num_epochs, device=CPU,
        val_loader=loader(X, y, seed=None), scheduler=scheduler, checkpoint_path=tmp_path / "ck.pt",
        resume=resume, progress=False)  # fmt: skip
    return model


def test_resumed_run_ends_with_exactly_the_weights_of_an_uninterrupted_run(tmp_path):
    straight = _run(tmp_path / "a", 4, resume=False, scramble=1)
    _run(tmp_path / "b", 2, resume=False, scramble=1)  # "interrupted" after 2 of 4 epochs
    resumed = _run(tmp_path / "b", 4, resume=True, scramble=999)
    for (name, a), (_, b) in zip(
        straight.state_dict().items(), resumed.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), f"{name} differs after resume"
    _, history = load_checkpoint(tmp_path / "b" / "ck.pt", model=make_model())
    assert len(history) == 4


def test_resume_without_a_checkpoint_starts_from_scratch(tmp_path):
    X, y = blobs(64)
    model = make_model()
    history = fit(model, loader(X, y), nn.CrossEntropyLoss(),
                  torch.optim.SGD(model.parameters(), lr=0.1), num_epochs=2, device=CPU,
                  checkpoint_path=tmp_path / "none.pt", resume=True, progress=False)  # fmt: skip
    assert len(history) == 2 and (tmp_path / "none.pt").exists()


def test_early_stopping_stops_and_restores_the_best_weights():
    X, y = blobs(160)
    val = loader(X, (y + 1) % 3, seed=None)  # learning the task makes this loss worse
    model = make_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    history = fit(model, loader(X, y), nn.CrossEntropyLoss(), optimizer, num_epochs=20, device=CPU,
                  val_loader=val, patience=2, progress=False)  # fmt: skip
    assert len(history) < 20, "training should have stopped early"
    best = min(history.val_loss)
    assert history.val_loss.index(best) == len(history) - 1 - 2, "stop 2 epochs after the best"
    final_loss, _ = evaluate(model, val, nn.CrossEntropyLoss(), CPU)
    assert math.isclose(final_loss, best, rel_tol=1e-5), "the best epoch's weights are restored"
    with pytest.raises(ValueError, match="val_loader"):
        fit(model, loader(X, y), nn.CrossEntropyLoss(), optimizer, num_epochs=1, device=CPU,
            patience=2, progress=False)  # fmt: skip


def test_checkpoint_round_trip_loads_with_weights_only(tmp_path):
    X, y = blobs(64)
    model = make_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=10)
    train.train_one_epoch(model, loader(X, y), nn.CrossEntropyLoss(), optimizer, CPU,
                          scheduler=scheduler, progress=False)  # fmt: skip
    history = History([1.0, 0.5], [0.3, 0.6], [1.1, math.nan], [0.2, 0.5])
    path = tmp_path / "sub" / "ck.pt"
    save_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler, epoch=2,
                    history=history, extra={"note": "hi", "t": torch.ones(2)})  # fmt: skip
    raw = torch.load(path, weights_only=True)  # must not need pickled classes
    assert raw["extra"]["note"] == "hi" and raw["epoch"] == 2
    model2 = make_model(seed=1)
    optimizer2 = torch.optim.Adam(model2.parameters(), lr=0.01)
    scheduler2 = torch.optim.lr_scheduler.OneCycleLR(optimizer2, max_lr=0.1, total_steps=10)
    epoch, loaded = load_checkpoint(path, model=model2, optimizer=optimizer2, scheduler=scheduler2)
    assert epoch == 2 and loaded.train_loss == [1.0, 0.5] and math.isnan(loaded.val_loss[1])
    for a, b in zip(model.state_dict().values(), model2.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    assert scheduler2.state_dict() == scheduler.state_dict()
    assert torch.equal(optimizer2.state_dict()["state"][0]["exp_avg"],
                       optimizer.state_dict()["state"][0]["exp_avg"])  # fmt: skip
    assert [p.name for p in path.parent.iterdir()] == ["ck.pt"], "no temporary files left"


def test_failed_save_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    model = nn.Linear(2, 2)
    path = tmp_path / "ck.pt"
    save_checkpoint(path, model=model, epoch=1)

    def broken_save(obj, file):
        file.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, model=model, epoch=2)
    monkeypatch.undo()
    assert load_checkpoint(path, model=model)[0] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["ck.pt"]


def test_history_dict_round_trip():
    history = History([1.0], [0.5], [2.0], [0.25])
    assert History.from_dict(history.to_dict()) == history
    assert len(History.from_dict({"train_loss": [1, 2]})) == 2
