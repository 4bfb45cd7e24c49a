"""Synthetic stand-ins for MNIST, Fashion-MNIST and CIFAR-10, used only when no real data is found.

A stand-in has the real shapes and class names so that every notebook runs offline, and it is
learnable but not trivial: each class is a family of templates (a few "styles" around a class
shape) drawn with random shifts, rotation, scale, brightness and noise, so a small CNN learns it
well and a linear model clearly less well. Numbers measured on one stand-in say nothing about the
real dataset; ``course_utils.data`` announces every use loudly.

Sizes are smaller than the real sets (:data:`STANDIN_SIZES`), and generation is deterministic: the
class templates depend only on the dataset, the samples also on the split.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

STANDIN_SIZES = {True: 10_000, False: 2_000}
"""Number of stand-in images in the train (``True``) and test (``False``) split."""

STANDIN_KINDS = ("mnist", "fashion_mnist", "cifar10")
_NUM_CLASSES = 10
_STYLES = 8  # templates per class: enough variety that memorising one picture per class fails
_SEEDS = {"mnist": 1_000, "fashion_mnist": 2_000, "cifar10": 3_000}
_CHUNK = 2_048  # samples rendered at once; bounds peak memory


def make_standin(kind: str, train: bool = True, n: int | None = None) -> tuple[Tensor, Tensor]:
    """Images (uint8, (N, C, H, W)) and labels (int64, (N,)) of the stand-in for ``kind``.

    ``kind`` is ``"mnist"``, ``"fashion_mnist"`` or ``"cifar10"``; ``n`` defaults to
    ``STANDIN_SIZES[train]``. Classes are balanced (``n`` divisible by 10 gives equal counts).
    """
    if kind not in _SEEDS:
        raise ValueError(f"unknown stand-in {kind!r}; expected one of {STANDIN_KINDS}")
    n = STANDIN_SIZES[train] if n is None else n
    template_gen = torch.Generator().manual_seed(_SEEDS[kind])
    sample_gen = torch.Generator().manual_seed(_SEEDS[kind] + (1 if train else 2))
    labels = torch.arange(n) % _NUM_CLASSES
    labels = labels[torch.randperm(n, generator=sample_gen)]
    if kind == "cifar10":
        masks, textures = _object_templates(template_gen)
        colours = _class_colours(template_gen)
        render = lambda y: _render_colour(masks, textures, colours, y, sample_gen)  # noqa: E731
    else:
        make = _stroke_templates if kind == "mnist" else _blob_templates
        templates = make(template_gen)
        render = lambda y: _render_gray(templates, y, sample_gen)  # noqa: E731
    chunks = [_to_uint8(render(labels[i : i + _CHUNK])) for i in range(0, n, _CHUNK)]
    return torch.cat(chunks), labels.to(torch.int64)


def _to_uint8(x: Tensor) -> Tensor:
    return x.clamp_(0, 1).mul_(255).round_().to(torch.uint8)


def _grid(size: int) -> tuple[Tensor, Tensor]:
    coords = torch.arange(size, dtype=torch.float32) + 0.5
    rows, columns = torch.meshgrid(coords, coords, indexing="ij")
    return rows, columns


def _stroke_templates(gen: torch.Generator) -> Tensor:
    """Digit-like strokes: per class two Bezier curves, each style a perturbed copy of them."""
    rows, cols = _grid(28)
    pixels = torch.stack([rows.reshape(-1), cols.reshape(-1)], dim=1)  # (784, 2)
    base = 6 + 16 * torch.rand(_NUM_CLASSES, 1, 2, 4, 2, generator=gen)  # class, _, curve, ctrl, xy
    ctrl = base + 2.5 * torch.randn(_NUM_CLASSES, _STYLES, 2, 4, 2, generator=gen)
    t = torch.linspace(0, 1, 40).reshape(-1, 1)
    weights = torch.cat([(1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t**2 * (1 - t), t**3], dim=1)
    points = torch.einsum("tk,csjkd->csjtd", weights, ctrl).reshape(-1, 80, 2)  # (C*S, 80, 2)
    dist2 = torch.cdist(pixels.expand(points.shape[0], -1, -1), points).pow(2).amin(dim=2)
    width = 1.1 + 0.4 * torch.rand(points.shape[0], 1, generator=gen)
    ink = torch.exp(-dist2 / (2 * width**2)).clamp(max=1)
    return ink.reshape(_NUM_CLASSES, _STYLES, 1, 28, 28)


def _blob_templates(gen: torch.Generator) -> Tensor:
    """Garment-like silhouettes: per class a union of soft ellipses with a striped texture."""
    rows, cols = _grid(28)
    shape = (_NUM_CLASSES, 1, 3)
    centre = 8 + 12 * torch.rand(*shape, 2, generator=gen)
    axes = 3 + 7 * torch.rand(*shape, 2, generator=gen)
    centre = centre + 1.5 * torch.randn(_NUM_CLASSES, _STYLES, 3, 2, generator=gen)
    axes = axes * (1 + 0.15 * torch.randn(_NUM_CLASSES, _STYLES, 3, 2, generator=gen))
    dy = (rows - centre[..., 0, None, None]) / axes[..., 0, None, None]
    dx = (cols - centre[..., 1, None, None]) / axes[..., 1, None, None]
    blob = torch.sigmoid(4 * (1 - dy**2 - dx**2)).amax(dim=2)  # (C, S, 28, 28)
    angle = math.pi * torch.rand(_NUM_CLASSES, 1, 1, 1, generator=gen)
    freq = 0.3 + 0.9 * torch.rand(_NUM_CLASSES, 1, 1, 1, generator=gen)
    phase = 2 * math.pi * torch.rand(_NUM_CLASSES, _STYLES, 1, 1, generator=gen)
    stripes = torch.sin(freq * (rows * torch.cos(angle) + cols * torch.sin(angle)) + phase)
    level = 0.5 + 0.4 * torch.rand(_NUM_CLASSES, 1, 1, 1, generator=gen)
    return (blob * (level + 0.25 * stripes)).unsqueeze(2)


def _object_templates(gen: torch.Generator) -> tuple[Tensor, Tensor]:
    """CIFAR-like objects: a soft blob mask and a texture (orientation, frequency) per class."""
    masks = _blob_templates(gen)
    masks = (masks > 0.15).float() * 0.8 + 0.2 * masks  # a crisper silhouette
    rows, cols = _grid(28)
    angle = math.pi * torch.rand(_NUM_CLASSES, 1, 1, 1, generator=gen)
    freq = 0.4 + 1.0 * torch.rand(_NUM_CLASSES, 1, 1, 1, generator=gen)
    phase = 2 * math.pi * torch.rand(_NUM_CLASSES, _STYLES, 1, 1, generator=gen)
    texture = 0.5 + 0.5 * torch.sin(
        freq * (rows * torch.cos(angle) + cols * torch.sin(angle)) + phase
    )
    # 28x28 templates padded to 32x32, so objects sit inside the frame like in CIFAR-10
    pad = (2, 2, 2, 2)
    return F.pad(masks, pad), F.pad(texture.unsqueeze(2), pad, value=0.5)


def _class_colours(gen: torch.Generator) -> Tensor:
    """Two colours per class (object and background), as in "blue sky behind planes"."""
    return 0.15 + 0.7 * torch.rand(_NUM_CLASSES, 2, 3, generator=gen)


def _random_warp(x: Tensor, gen: torch.Generator, *, flip: bool = False) -> Tensor:
    """Shift (about +-3 px), rotate (+-15 degrees), scale (0.85-1.15) and optionally mirror."""
    n, _, size, _ = x.shape
    angle = (torch.rand(n, generator=gen) - 0.5) * math.radians(30)
    scale = 0.85 + 0.3 * torch.rand(n, generator=gen)
    shift = (torch.rand(n, 2, generator=gen) - 0.5) * (12 / size)  # grid units: 2 = whole image
    mirror = torch.ones(n)
    if flip:
        mirror = torch.where(torch.rand(n, generator=gen) < 0.5, -1.0, 1.0)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [
            torch.stack([cos * mirror, -sin, shift[:, 0]], 1),
            torch.stack([sin * mirror, cos, shift[:, 1]], 1),
        ],
        dim=1,
    )
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def _render_gray(templates: Tensor, labels: Tensor, gen: torch.Generator) -> Tensor:
    n = labels.shape[0]
    style = torch.randint(_STYLES, (n,), generator=gen)
    x = _random_warp(templates[labels, style], gen)
    brightness = 0.6 + 0.5 * torch.rand(n, 1, 1, 1, generator=gen)
    return x.mul_(brightness).add_(torch.randn(x.shape, generator=gen).mul_(0.12))


def _render_colour(
    masks: Tensor, textures: Tensor, colours: Tensor, labels: Tensor, gen: torch.Generator
) -> Tensor:
    n = labels.shape[0]
    style = torch.randint(_STYLES, (n,), generator=gen)
    warped = _random_warp(
        torch.cat([masks[labels, style], textures[labels, style]], dim=1), gen, flip=True
    )
    mask, texture = warped[:, :1], warped[:, 1:]
    jitter = 0.2 * torch.randn(n, 2, 3, generator=gen)
    obj = (colours[labels, 0] + jitter[:, 0]).reshape(n, 3, 1, 1)
    back = (colours[labels, 1] + jitter[:, 1]).reshape(n, 3, 1, 1)
    # low-frequency clutter: a random 4x4 colour field upsampled, so the background is not flat
    clutter = F.interpolate(torch.rand(n, 3, 4, 4, generator=gen), size=32, mode="bilinear")
    background = clutter.mul_(0.4).add_(0.6 * back)
    foreground = texture.mul_(0.4).add_(0.6) * obj
    image = torch.lerp(background, foreground, mask)
    contrast = 0.7 + 0.6 * torch.rand(n, 1, 1, 1, generator=gen)
    image.sub_(0.5).mul_(contrast).add_(0.5)
    return image.add_(torch.randn(image.shape, generator=gen).mul_(0.06))
