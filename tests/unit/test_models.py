"""course_utils.models: SmallCNN shapes and the cached trained model chapters 08-11 start from."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from course_utils import data, env, models, train

CPU = torch.device("cpu")


def test_small_cnn_maps_images_to_logits_and_width_scales_it():
    x = torch.rand(3, 1, 28, 28)
    assert models.SmallCNN()(x).shape == (3, 10)
    assert models.SmallCNN(num_classes=4)(x).shape == (3, 4)
    narrow = models.SmallCNN(width=8)
    assert narrow(x).shape == (3, 10)
    assert narrow.features[4].out_channels == 16
    # The README's figures: 421,834 parameters, 207,018 with half the channels.
    assert sum(p.numel() for p in models.SmallCNN().parameters()) == 421_834
    assert sum(p.numel() for p in models.SmallCNN(width=16).parameters()) == 207_018


def _pointing_model(weight: torch.Tensor) -> nn.Module:
    """A fixed linear classifier: input one-hot(i) gets the logits ``weight[:, i]``."""
    model = nn.Linear(weight.shape[1], weight.shape[0], bias=False)
    with torch.no_grad():
        model.weight.copy_(weight)
    return model


def test_evaluate_gives_exactly_1_0_and_the_right_fraction_on_known_answers():
    # Ten samples of four classes, each input one-hot of the class it points at; batches of
    # 4, 4 and 2, so a mean of per-batch figures or a dropped last batch gives other numbers.
    y = torch.tensor([0, 1, 2, 3, 0, 1, 2, 3, 0, 1])
    loader = data.TensorLoader(nn.functional.one_hot(y, 4).float(), y, 4)
    loss_fn = nn.CrossEntropyLoss()
    eye = 5.0 * torch.eye(4)
    perfect = _pointing_model(eye)
    loss, accuracy = train.evaluate(perfect, loader, loss_fn, CPU)
    assert accuracy == 1.0
    assert loss == pytest.approx(loss_fn(perfect(loader.X), y).item(), rel=1e-6)
    # Always wrong: the model predicts the next class, (y + 1) % 4, for every sample.
    always_wrong = _pointing_model(eye.roll(1, dims=0))
    loss, accuracy = train.evaluate(always_wrong, loader, loss_fn, CPU)
    assert accuracy == 0.0
    assert loss == pytest.approx(loss_fn(always_wrong(loader.X), y).item(), rel=1e-6)
    # Seven right: the last three inputs point at another class. Per batch that is 4/4, 3/4
    # and 0/2 (a mean of batch accuracies would say 0.583); the loss is weighted per sample.
    pointed = y.clone()
    pointed[7:] = (y[7:] + 2) % 4
    X = nn.functional.one_hot(pointed, 4).float()
    loss, accuracy = train.evaluate(perfect, data.TensorLoader(X, y, 4), loss_fn, CPU)
    assert accuracy == pytest.approx(0.7, abs=1e-12)
    assert loss == pytest.approx(loss_fn(perfect(X), y).item(), rel=1e-6)
    # A model that ignores its input and always says class 0 is right on 3 of the 10.
    constant = _pointing_model(torch.tensor([[1.0] * 4, [0.0] * 4, [0.0] * 4, [0.0] * 4]))
    assert train.evaluate(constant, loader, loss_fn, CPU)[1] == pytest.approx(0.3, abs=1e-12)


def test_small_cnn_uses_every_parameter_and_each_image_alone_in_eval_mode():
    torch.manual_seed(0)
    model = models.SmallCNN(width=8, hidden=32)
    x = torch.rand(4, 1, 28, 28)
    model(x).square().sum().backward()
    unused = [n for n, p in model.named_parameters() if p.grad is None or not p.grad.any()]
    assert not unused, f"no gradient reaches {unused}"
    model.eval()
    with torch.no_grad():
        torch.testing.assert_close(model(x[:1]), model(x)[:1])


def _train_small_cnn(seed: int, n: int, num_epochs: int) -> tuple[nn.Module, float]:
    """A narrow SmallCNN trained on ``n`` Fashion-MNIST images; its accuracy on 1,000 test ones."""
    X, y, X_test, y_test, _ = models.fashion_mnist_tensors(CPU, train_subset=n)
    generator = env.seed_everything(seed)
    model = models.SmallCNN(width=8, hidden=32)
    loader = data.TensorLoader(X, y, 64, shuffle=True, generator=generator)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    train.fit(model, loader, nn.CrossEntropyLoss(), optimizer, num_epochs=num_epochs, device=CPU,
              progress=False)  # fmt: skip
    test_loader = data.TensorLoader(X_test[:1000], y_test[:1000], 500)
    _, accuracy = train.evaluate(model, test_loader, nn.CrossEntropyLoss(), CPU)
    return model, accuracy


def test_small_cnn_learns_fashion_mnist_far_above_chance():
    # Measured: 0.61 on real Fashion-MNIST (0.57-0.61 over seeds), 0.32-0.41 on the stand-in;
    # chance is 0.10, and a model that ignores its input stays there.
    _, accuracy = _train_small_cnn(seed=0, n=512, num_epochs=2)
    assert accuracy >= 0.3, f"test accuracy {accuracy:.3f} after 16 steps: barely above chance"


def test_small_cnn_training_is_deterministic_for_a_seed():
    first, _ = _train_small_cnn(seed=0, n=128, num_epochs=1)
    again, _ = _train_small_cnn(seed=0, n=128, num_epochs=1)
    other, _ = _train_small_cnn(seed=1, n=128, num_epochs=1)
    for a, b in zip(first.state_dict().values(), again.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    weight = first.classifier[-1].weight
    assert not torch.equal(weight, other.classifier[-1].weight), "seed 1 trained the same model"


def _get(tmp_path):
    return models.get_trained_small_cnn(
        torch.device("cpu"), num_epochs=1, train_subset=256, cache_dir=tmp_path
    )


def test_trained_model_is_cached_with_its_accuracy(tmp_path, monkeypatch):
    evaluated = []
    real_evaluate = train.evaluate

    def spy(model, loader, *args, **kwargs):
        result = real_evaluate(model, loader, *args, **kwargs)
        evaluated.append((len(loader.X), result[1]))
        return result

    monkeypatch.setattr(train, "evaluate", spy)
    first = _get(tmp_path)
    monkeypatch.setattr(train, "evaluate", real_evaluate)
    assert not first.from_cache and not first.model.training
    # The accuracy is the trained model's, on the whole test split (not the 256 training images).
    assert evaluated == [(10_000, first.test_accuracy)], evaluated
    assert first.test_accuracy > 0.12, f"{first.test_accuracy}: no better than chance (0.10)"
    assert len(list(tmp_path.glob("small_cnn_fmnist_*_e1_n256_s0.pt"))) == 1

    def no_evaluation(*args, **kwargs):
        raise AssertionError("a cache hit must not evaluate the test set again")

    monkeypatch.setattr(train, "evaluate", no_evaluation)
    second = _get(tmp_path)
    assert second.from_cache and second.test_accuracy == pytest.approx(first.test_accuracy)
    for a, b in zip(
        first.model.state_dict().values(), second.model.state_dict().values(), strict=True
    ):
        torch.testing.assert_close(a, b)


def test_a_checkpoint_without_a_stored_accuracy_is_evaluated(tmp_path):
    first = _get(tmp_path)
    (path,) = tmp_path.glob("*.pt")
    train.save_checkpoint(path, model=first.model, epoch=1)  # as cached by older versions
    again = _get(tmp_path)
    assert again.from_cache and again.test_accuracy == pytest.approx(first.test_accuracy)
