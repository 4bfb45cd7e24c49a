"""Known-wrong answers for chapter 07 (CNN on CIFAR-10); every one must fail its exercise's tests."""

_AUGMENT_HEAD = """
def augment_batch(x, mean, std, *, padding=4, generator=None):
    n, c, h, w = x.shape
    x = x.float()
"""
_AUGMENT_CROP = """
    padded = F.pad(x, (padding, padding, padding, padding))
    top = torch.randint(0, 2 * padding + 1, (n,), generator=generator)
    left = torch.randint(0, 2 * padding + 1, (n,), generator=generator)
    x = torch.stack([padded[i, :, t:t + h, l:l + w] for i, (t, l) in enumerate(zip(top.tolist(), left.tolist()))])
"""
_AUGMENT_FLIP = """
    flip = torch.rand(n, generator=generator) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(-1), x)
"""
_AUGMENT_NORM = """
    return (x - mean.reshape(1, c, 1, 1)) / std.reshape(1, c, 1, 1)
"""

_VGG = """
def make_vgg(widths=(64, 128, 256, 512), *, num_classes=10, in_channels=3, image_size=32):
    layers = []
    channels, size = in_channels, image_size
    for width in widths:
        block = []
        for _ in range(2):
            block += [nn.Conv2d(channels, width, 3, padding=PADDING, bias=False)]
            block += [nn.BatchNorm2d(width)] if WITH_BN else []
            block += [nn.ReLU(inplace=True)]
            channels = width
        block.append(nn.MaxPool2d(2))
        layers.append(nn.Sequential(*block))
        size //= 2
    layers += [nn.Flatten(), nn.Linear(FLAT, num_classes)]
    return nn.Sequential(*layers)
"""

_BLOCK = """
class ResidualBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=STRIDE1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=STRIDE2, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        if PROJECT_WHEN:
            self.shortcut = PROJECTION
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return OUTPUT
"""
_PROJECTION = (
    "nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False), "
    "nn.BatchNorm2d(out_channels))"
)
_SHAPE_CHANGES = "stride != 1 or in_channels != out_channels"


def _block(
    stride1="stride",
    stride2="1",
    project_when=_SHAPE_CHANGES,
    projection=_PROJECTION,
    output="F.relu(out + self.shortcut(x))",
):
    return (
        _BLOCK.replace("STRIDE1", stride1)
        .replace("STRIDE2", stride2)
        .replace("PROJECT_WHEN", project_when)
        .replace("PROJECTION", projection)
        .replace("OUTPUT", output)
    )


_ONE_CYCLE = """
def one_cycle_lr(step, total_steps, max_lr, *, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    initial_lr = max_lr / div_factor
    min_lr = MIN_LR
    warmup_end = WARMUP_END
    last = LAST
    if step <= warmup_end:
        start, end, t = initial_lr, max_lr, step / warmup_end
    else:
        start, end, t = max_lr, min_lr, (step - warmup_end) / (last - warmup_end)
    return ANNEAL
"""
_COS = "end + (start - end) / 2 * (1 + math.cos(math.pi * t))"


def _one_cycle(
    min_lr="initial_lr / final_div_factor",
    warmup_end="float(pct_start * total_steps) - 1",
    last="total_steps - 1",
    anneal=_COS,
):
    return (
        _ONE_CYCLE.replace("MIN_LR", min_lr)
        .replace("WARMUP_END", warmup_end)
        .replace("LAST", last)
        .replace("ANNEAL", anneal)
    )


_PER_CLASS = """
def per_class_accuracy(preds, targets, num_classes):
    correct = torch.bincount(targets[preds == targets], minlength=num_classes)
    total = torch.bincount(TOTAL_OF, minlength=num_classes)
    return correct.float() / total.float()
"""

_TTA = """
def tta_logits(model, X):
    model.eval()
    with torch.no_grad():
        return (model(X) + model(X.flip(-1))) / 2
"""

MUTANTS = {
    "augment_batch": [
        (
            "no padding: a same-size crop of the unpadded image never moves",
            _AUGMENT_HEAD + _AUGMENT_FLIP + _AUGMENT_NORM,
        ),
        (
            "flips upside down (height, dim -2) instead of left-right",
            _AUGMENT_HEAD
            + _AUGMENT_CROP
            + _AUGMENT_FLIP.replace("flip(-1)", "flip(-2)")
            + _AUGMENT_NORM,
        ),
        (
            "one coin for the whole batch: all images flipped or none",
            _AUGMENT_HEAD
            + _AUGMENT_CROP
            + "\n    if torch.rand(1, generator=generator).item() < 0.5:\n        x = x.flip(-1)\n"
            + _AUGMENT_NORM,
        ),
        (
            "random numbers from the global RNG, not the generator (not reproducible)",
            (_AUGMENT_HEAD + _AUGMENT_CROP + _AUGMENT_FLIP + _AUGMENT_NORM).replace(
                ", generator=generator", ""
            ),
        ),
        (
            "pads after normalising (padded pixels are the mean, not black)",
            _AUGMENT_HEAD
            + "    x = (x - mean.reshape(1, c, 1, 1)) / std.reshape(1, c, 1, 1)\n"
            + _AUGMENT_CROP
            + _AUGMENT_FLIP
            + "    return x\n",
        ),
        (
            "forgets to normalise",
            _AUGMENT_HEAD + _AUGMENT_CROP + _AUGMENT_FLIP + "    return x\n",
        ),
    ],
    "make_vgg": [
        (
            "hard-coded 25088 = 512*7*7 (VGG16's ImageNet head) as the flatten size",
            _VGG.replace("PADDING", "1").replace("WITH_BN", "True").replace("FLAT", "25088"),
        ),
        (
            "flatten size with one pool too few",
            _VGG.replace("PADDING", "1")
            .replace("WITH_BN", "True")
            .replace("FLAT", "channels * (image_size // 2 ** (len(widths) - 1)) ** 2"),
        ),
        (
            "no BatchNorm after the convolutions",
            _VGG.replace("PADDING", "1")
            .replace("WITH_BN", "False")
            .replace("FLAT", "channels * size * size"),
        ),
        (
            "padding=0: every conv shrinks the map, the flatten size is wrong",
            _VGG.replace("PADDING", "0")
            .replace("WITH_BN", "True")
            .replace("FLAT", "channels * size * size"),
        ),
    ],
    "ResidualBlock": [
        (
            "no projection shortcut: always Identity, even when the shape changes",
            _block(project_when="False"),
        ),
        (
            "ReLU before the addition and none after it",
            _block(output="F.relu(out) + self.shortcut(x)"),
        ),
        ("shortcut missing: a plain two-conv block", _block(output="F.relu(out)")),
        (
            "projection without BatchNorm",
            _block(projection="nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)"),
        ),
        (
            "stride on the second 3x3 conv instead of the first",
            _block(stride1="1", stride2="stride"),
        ),
    ],
    "one_cycle_lr": [
        (
            "wrong phase boundary: pct_start * total_steps (torch subtracts 1)",
            _one_cycle(warmup_end="pct_start * total_steps"),
        ),
        ("linear instead of cosine annealing", _one_cycle(anneal="start + (end - start) * t")),
        (
            "forgets final_div_factor: ends at the initial learning rate",
            _one_cycle(min_lr="initial_lr"),
        ),
        ("phase 2 ends at total_steps instead of total_steps - 1", _one_cycle(last="total_steps")),
    ],
    "smooth_cross_entropy": [
        (
            "spreads eps over the K-1 wrong classes only",
            """
def smooth_cross_entropy(logits, targets, smoothing=0.1):
    k = logits.shape[1]
    log_p = F.log_softmax(logits, dim=1)
    q = torch.full_like(log_p, smoothing / (k - 1))
    q.scatter_(1, targets[:, None], 1 - smoothing)
    return -(q * log_p).sum(dim=1).mean()
""",
        ),
        (
            "torch.log(torch.softmax(...)): -inf for large logits",
            """
def smooth_cross_entropy(logits, targets, smoothing=0.1):
    log_p = torch.log(torch.softmax(logits, dim=1))
    nll = -log_p.gather(1, targets[:, None]).squeeze(1)
    return ((1 - smoothing) * nll + smoothing * -log_p.mean(dim=1)).mean()
""",
        ),
        (
            "sums over the batch instead of averaging",
            """
def smooth_cross_entropy(logits, targets, smoothing=0.1):
    log_p = F.log_softmax(logits, dim=1)
    nll = -log_p.gather(1, targets[:, None]).squeeze(1)
    return ((1 - smoothing) * nll + smoothing * -log_p.mean(dim=1)).sum()
""",
        ),
        (
            "softmax applied before log_softmax (double softmax)",
            """
def smooth_cross_entropy(logits, targets, smoothing=0.1):
    log_p = F.log_softmax(torch.softmax(logits, dim=1), dim=1)
    nll = -log_p.gather(1, targets[:, None]).squeeze(1)
    return ((1 - smoothing) * nll + smoothing * -log_p.mean(dim=1)).mean()
""",
        ),
    ],
    "per_class_accuracy": [
        (
            "divides by the predicted counts (precision) instead of the true counts",
            _PER_CLASS.replace("TOTAL_OF", "preds"),
        ),
        (
            "bincount without minlength: too short when the last classes are absent",
            _PER_CLASS.replace("TOTAL_OF", "targets").replace(", minlength=num_classes", ""),
        ),
        (
            "the overall accuracy repeated for every class",
            """
def per_class_accuracy(preds, targets, num_classes):
    return torch.full((num_classes,), (preds == targets).float().mean().item())
""",
        ),
        (
            "clamps the count to 1: absent classes get 0 instead of nan",
            _PER_CLASS.replace("TOTAL_OF", "targets").replace(
                "total.float()", "total.clamp(min=1).float()"
            ),
        ),
    ],
    "tta_logits": [
        ("flips the height (dim -2) instead of the width", _TTA.replace("flip(-1)", "flip(-2)")),
        (
            "forgets model.eval() (Dropout and BatchNorm in training mode)",
            _TTA.replace("    model.eval()\n", ""),
        ),
        (
            "averages probabilities instead of logits",
            _TTA.replace(
                "(model(X) + model(X.flip(-1))) / 2",
                "(model(X).softmax(1) + model(X.flip(-1)).softmax(1)) / 2",
            ),
        ),
        (
            "no torch.no_grad(): the result carries an autograd graph",
            """
def tta_logits(model, X):
    model.eval()
    return (model(X) + model(X.flip(-1))) / 2
""",
        ),
    ],
}
