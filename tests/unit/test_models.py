"""course_utils.models: SmallCNN shapes and the cached trained model chapters 08-11 start from."""

from __future__ import annotations

import pytest
import torch

from course_utils import models, train


def test_small_cnn_maps_images_to_logits_and_width_scales_it():
    x = torch.rand(3, 1, 28, 28)
    assert models.SmallCNN()(x).shape == (3, 10)
    narrow = models.SmallCNN(width=8)
    assert narrow(x).shape == (3, 10)
    assert narrow.features[4].out_channels == 16


def _get(tmp_path):
    return models.get_trained_small_cnn(
        torch.device("cpu"), num_epochs=1, train_subset=256, cache_dir=tmp_path
    )


def test_trained_model_is_cached_with_its_accuracy(tmp_path, monkeypatch):
    first = _get(tmp_path)
    assert not first.from_cache and 0.0 <= first.test_accuracy <= 1.0
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
