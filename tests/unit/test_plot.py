"""course_utils.plot: every helper returns a Figure; the confusion matrix counts are right."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")  # headless, whatever the caller's environment says

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from course_utils import plot
from course_utils.train import History


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")  # more than 20 open figures makes matplotlib warn on stderr


def test_plot_history_draws_loss_and_accuracy_panels():
    history = History([1.0, 0.6, 0.4], [0.5, 0.7, 0.8], [1.1, 0.7, 0.6], [0.4, 0.6, 0.7])
    fig = plot.plot_history(history, title="run")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert [len(line.get_xdata()) for line in fig.axes[0].lines] == [3, 3]


def test_plot_history_without_accuracy_or_validation_has_one_panel():
    nan = math.nan
    d = {"train_loss": [1.0, 0.5], "train_acc": [nan, nan], "val_loss": [], "val_acc": []}
    fig = plot.plot_history(d)
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) == 1


def test_show_images_grid_for_gray_uint8_and_normalised_rgb():
    gray = torch.randint(0, 256, (10, 1, 28, 28), dtype=torch.uint8)
    fig = plot.show_images(gray, torch.arange(10), classes=[f"c{i}" for i in range(10)], ncols=4)
    images = [ax for ax in fig.axes if ax.images]
    assert len(fig.axes) == 12 and len(images) == 10  # 3 rows x 4, two left blank
    assert images[2].get_title() == "c2"
    mean, std = (0.5, 0.4, 0.3), (0.2, 0.2, 0.2)
    rgb = (torch.rand(3, 3, 8, 8) - torch.tensor(mean).view(1, 3, 1, 1)) / 0.2
    fig = plot.show_images(rgb, mean=mean, std=std)
    shown = fig.axes[0].images[0].get_array()
    assert shown.shape == (8, 8, 3) and 0.0 <= shown.min() and shown.max() <= 1.0


def test_show_images_marks_wrong_predictions_in_red():
    images = torch.rand(3, 1, 8, 8)
    fig = plot.show_images(images, [0, 1, 2], predictions=[0, 2, 2], classes=["a", "b", "c"])
    colours = [to_rgba(ax.title.get_color()) for ax in fig.axes]
    assert colours[1] == to_rgba("red") and colours[0] != to_rgba("red")
    assert "true: b" in fig.axes[1].get_title()


def test_show_images_rejects_wrong_shapes():
    with pytest.raises(ValueError, match=r"\(N, 1, H, W\)"):
        plot.show_images(torch.rand(2, 4, 8, 8))


def test_confusion_matrix_counts_rows_as_true_classes():
    y_true = torch.tensor([0, 0, 1, 2, 2, 2])
    y_pred = torch.tensor([0, 1, 1, 2, 0, 2])
    cm = plot.confusion_matrix(y_true, y_pred, 3)
    expected = torch.zeros(3, 3, dtype=torch.int64)
    for t, p in zip(y_true.tolist(), y_pred.tolist(), strict=True):
        expected[t, p] += 1
    assert cm.dtype == torch.int64 and torch.equal(cm, expected)
    with pytest.raises(ValueError, match="outside"):
        plot.confusion_matrix(torch.tensor([3]), torch.tensor([0]), 3)


def test_plot_confusion_matrix_normalises_rows_and_survives_empty_rows():
    cm = torch.tensor([[3, 1, 0], [0, 0, 0], [1, 0, 4]])
    fig = plot.plot_confusion_matrix(cm, ["a", "b", "c"])
    data = fig.axes[0].images[0].get_array()
    assert data[0].sum() == pytest.approx(1.0) and data[1].sum() == 0.0
    fig = plot.plot_confusion_matrix(cm, ["a", "b", "c"], normalize=False)
    assert "4" in [text.get_text() for text in fig.axes[0].texts]


def test_plot_bars_draws_one_labelled_bar_per_value():
    fig = plot.plot_bars({"fp32": 4.0, "int8": 1.1}, title="size", ylabel="MB")
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == [4.0, 1.1]
    assert ax.get_ylabel() == "MB" and ax.get_title() == "size"
