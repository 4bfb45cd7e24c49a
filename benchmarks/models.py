"""The chapters' models, as the benchmarks need them outside a notebook, and how they are scored.

``recipe_cnn`` is the solution of chapter 06's ``build_model`` exercise; ``SmallResNet`` is
chapter 07's (its ``ResidualBlock`` is an exercise there). They live here, not in course_utils,
so that a student cannot import a solution.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from course_utils.data import TensorLoader
from course_utils.models import SmallCNN, get_trained_small_cnn
from course_utils.train import evaluate

from .harness import Context

FULL_TRAIN = 60_000  # the whole training set: forces the full-mode recipe whatever COURSE_QUICK


def reference_small_cnn(ctx: Context) -> tuple[nn.Module, str]:
    """Chapter 06's SmallCNN as chapters 10-11 start from it (3 epochs on 60k images, cached), on
    ``ctx.device`` in eval mode, and where it came from; an untrained one in smoke mode."""
    if ctx.smoke:
        torch.manual_seed(0)
        return SmallCNN().to(ctx.device).eval(), "untrained SmallCNN (smoke)"
    trained = get_trained_small_cnn(ctx.device, num_epochs=3, train_subset=FULL_TRAIN)
    origin = "cache" if trained.from_cache else f"trained in {trained.train_seconds:.0f} s"
    return trained.model.eval(), f"SmallCNN, 3 epochs on 60k images ({origin})"


def percent_correct(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """Test accuracy in percent (course_utils' ``evaluate``, batches of 1,000, eval mode)."""
    return 100 * evaluate(model, TensorLoader(X, y, 1000), nn.CrossEntropyLoss(), X.device)[1]


def recipe_cnn(width: int = 16) -> nn.Sequential:
    """Chapter 06's CNN for (N, 1, 28, 28) images in [0, 1]: two 5x5 conv/BN/pool blocks, MLP."""
    return nn.Sequential(
        nn.Conv2d(1, width, 5, padding=2, bias=False),
        nn.BatchNorm2d(width),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(width, 2 * width, 5, padding=2, bias=False),
        nn.BatchNorm2d(2 * width),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(2 * width * 7 * 7, 128),
        nn.ReLU(),
        nn.Dropout(0.25),
        nn.Linear(128, 10),
    )


class ResidualBlock(nn.Module):
    """Two 3x3 conv + BN layers plus an identity or 1x1 projection shortcut (chapter 07)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + self.shortcut(x))


class SmallResNet(nn.Module):
    """Chapter 07's ResNet: stem, stages of ResidualBlocks, global average pool, linear."""

    def __init__(
        self,
        widths: Sequence[int] = (64, 128, 256, 512),
        blocks: Sequence[int] = (2, 2, 2, 2),
        num_classes: int = 10,
    ) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, widths[0], 3, padding=1, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(inplace=True),
        )
        stages, channels = [], widths[0]
        for i, (width, count) in enumerate(zip(widths, blocks, strict=True)):
            for j in range(count):
                stages.append(ResidualBlock(channels, width, 2 if (i > 0 and j == 0) else 1))
                channels = width
        self.stages = nn.Sequential(*stages)
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.stages(self.stem(x)))


def cifar_resnet(device: torch.device) -> SmallResNet:
    """Chapter 07's recipe model for the device: ResNet-18 layout on a GPU, a small one on a CPU."""
    if device.type == "cuda":
        return SmallResNet()
    return SmallResNet(widths=(32, 64, 128), blocks=(1, 1, 1))
