"""Known-wrong answers for chapter 15 (GANs); every one must fail its exercise's tests."""

from course_utils.instructor.mutants import variant

_GENERATOR = """
class Generator(nn.Module):
    def __init__(self, latent_dim=64, width=32):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Sequential(
            nn.ConvTranspose2d(latent_dim, 2 * WIDTH, FIRST_KERNEL, stride=1, padding=0, bias=False),
            NORM1,
            nn.ReLU(),
            nn.ConvTranspose2d(2 * WIDTH, WIDTH, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(WIDTH),
            nn.ReLU(),
            nn.ConvTranspose2d(WIDTH, 1, 4, stride=2, padding=1),
            OUTPUT,
        )

    def forward(self, z):
        return self.net(VIEW)
"""
_GENERATOR_OK = {
    "WIDTH": "width",
    "FIRST_KERNEL": "7",
    "NORM1": "nn.BatchNorm2d(2 * width)",
    "OUTPUT": "nn.Tanh()",
    "VIEW": "z.view(z.shape[0], -1, 1, 1)",
}


def _generator(**changes: str) -> str:
    return variant(_GENERATOR, _GENERATOR_OK, **changes)


_DISCRIMINATOR = """
class Discriminator(nn.Module):
    def __init__(self, width=32, in_channels=1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(IN_CHANNELS, width, 4, stride=2, padding=1),
            ACT,
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(2 * width),
            ACT,
            nn.Conv2d(2 * width, 1, 7),
        )

    def forward(self, x):
        return RESULT
"""
_DISCRIMINATOR_OK = {
    "IN_CHANNELS": "in_channels",
    "ACT": "nn.LeakyReLU(0.2)",
    "RESULT": "self.net(x).view(x.shape[0])",
}


def _discriminator(**changes: str) -> str:
    return variant(_DISCRIMINATOR, _DISCRIMINATOR_OK, **changes)


_INIT = """
def dcgan_init_(model):
    for module in MODULES:
        if isinstance(module, CONV):
            WEIGHT_INIT
            if module.bias is not None:
                BIAS_INIT
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            BN_INIT
            nn.init.zeros_(module.bias)
        OTHER
    return RESULT
"""
_INIT_OK = {
    "MODULES": "model.modules()",
    "CONV": "nn.modules.conv._ConvNd",
    "WEIGHT_INIT": "nn.init.normal_(module.weight, 0.0, 0.02)",
    "BIAS_INIT": "nn.init.zeros_(module.bias)",
    "BN_INIT": "nn.init.normal_(module.weight, 1.0, 0.02)",
    "OTHER": "",
    "RESULT": "model",
}


def _init(**changes: str) -> str:
    return variant(_INIT, _INIT_OK, **changes)


_STEP = """
def gan_step(G, D, opt_g, opt_d, real, z):
    fake = G(z)
    opt_d.zero_grad()
    D_LOGITS
    d_loss = F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits)
    ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    d_loss.backward()
    D_STEP
    opt_g.zero_grad()
    G_LOGITS
    G_LOSS
    g_loss.backward()
    G_STEP
    return RESULT
"""
_STEP_OK = {
    "D_LOGITS": "real_logits, fake_logits = D(real), D(fake.detach())",
    "D_STEP": "opt_d.step()",
    "G_LOGITS": "logits = D(fake)",
    "G_LOSS": "g_loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))",
    "G_STEP": "opt_g.step()",
    "RESULT": "d_loss.item(), g_loss.item()",
}


def _step(**changes: str) -> str:
    return variant(_STEP, _STEP_OK, **changes)


_STATS = """
def feature_stats(features):
    CHECK
    x = CONVERT
    mu = x.mean(dim=MEAN_DIM)
    CENTRE
    sigma = COV
    return mu, sigma
"""
_STATS_OK = {
    "CHECK": (
        "if features.dim() != 2 or features.shape[0] < 2:\n"
        "        raise ValueError('need (N, D) with N >= 2')"
    ),
    "CONVERT": "features.detach().to('cpu', torch.float64)",
    "MEAN_DIM": "0",
    "CENTRE": "centred = x - mu",
    "COV": "centred.T @ centred / (x.shape[0] - 1)",
}


def _stats(**changes: str) -> str:
    return variant(_STATS, _STATS_OK, **changes)


_FD = """
def frechet_distance(mu1, sigma1, mu2, sigma2):
    mu1, mu2, sigma1, sigma2 = (CONVERT for t in (mu1, mu2, sigma1, sigma2))
    eigenvalues, V = torch.linalg.eigh(sigma1)
    root1 = V @ torch.diag(EIG1.sqrt()) @ V.T
    middle = root1 @ sigma2 @ root1
    middle = (middle + middle.T) / 2
    trace_root = TRACE_ROOT
    diff = mu1 - mu2
    value = MEAN_TERM + torch.trace(sigma1) + torch.trace(sigma2) - TWO * trace_root
    return RESULT
"""
_FD_OK = {
    "CONVERT": "t.detach().to('cpu', torch.float64)",
    "EIG1": "eigenvalues.clamp(min=0)",
    "TRACE_ROOT": "torch.linalg.eigvalsh(middle).clamp(min=0).sqrt().sum()",
    "MEAN_TERM": "diff @ diff",
    "TWO": "2",
    "RESULT": "float(value)",
}


def _fd(**changes: str) -> str:
    return variant(_FD, _FD_OK, **changes)


MUTANTS = {
    "gan_losses": [
        (
            "saturating generator loss: minimises log(1 - sigmoid(fake)) (label 0 for fakes)",
            """
def discriminator_loss(real_logits, fake_logits):
    real_loss = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real_loss + fake_loss


def generator_loss(fake_logits):
    return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
""",
        ),
        (
            "log of sigmoid: -inf / nan for large logits (numerically unstable)",
            """
def discriminator_loss(real_logits, fake_logits):
    real_p, fake_p = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    return -torch.log(real_p).mean() - torch.log(1 - fake_p).mean()


def generator_loss(fake_logits):
    return -torch.log(torch.sigmoid(fake_logits)).mean()
""",
        ),
        (
            "one mean over the concatenated batch: real and fake weighted by their sizes",
            """
def discriminator_loss(real_logits, fake_logits):
    logits = torch.cat([real_logits.flatten(), fake_logits.flatten()])
    labels = torch.cat([torch.ones(real_logits.numel()), torch.zeros(fake_logits.numel())])
    return 2 * F.binary_cross_entropy_with_logits(logits, labels)


def generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
""",
        ),
        (
            "labels swapped in the discriminator loss (1 for fake, 0 for real)",
            """
def discriminator_loss(real_logits, fake_logits):
    real_loss = F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))
    fake_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    return real_loss + fake_loss


def generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
""",
        ),
        (
            "sums instead of averaging (the loss scales with the batch size)",
            """
def discriminator_loss(real_logits, fake_logits):
    return F.softplus(-real_logits).sum() + F.softplus(fake_logits).sum()


def generator_loss(fake_logits):
    return F.softplus(-fake_logits).sum()
""",
        ),
        (
            "returns Python floats (.item()): nothing to call backward on",
            """
def discriminator_loss(real_logits, fake_logits):
    return (F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()).item()


def generator_loss(fake_logits):
    return F.softplus(-fake_logits).mean().item()
""",
        ),
    ],
    "modes_covered": [
        (
            "counts the samples near some centre instead of the centres",
            """
def modes_covered(samples, centres, radius, min_samples=1):
    squared = ((samples[:, None, :] - centres[None, :, :]) ** 2).sum(dim=-1)
    return int(((squared <= radius**2).sum(dim=1) >= min_samples).sum())
""",
        ),
        (
            "compares the squared distance with radius (not radius ** 2)",
            """
def modes_covered(samples, centres, radius, min_samples=1):
    squared = ((samples[:, None, :] - centres[None, :, :]) ** 2).sum(dim=-1)
    return int(((squared <= radius).sum(dim=0) >= min_samples).sum())
""",
        ),
        (
            "strict < radius: a sample exactly at the radius does not count",
            """
def modes_covered(samples, centres, radius, min_samples=1):
    distance = torch.cdist(samples, centres)
    return int(((distance < radius).sum(dim=0) >= min_samples).sum())
""",
        ),
        (
            "off by one: needs MORE than min_samples near samples",
            """
def modes_covered(samples, centres, radius, min_samples=1):
    distance = torch.cdist(samples, centres)
    return int(((distance <= radius).sum(dim=0) > min_samples - 1 + (min_samples > 1)).sum())
""",
        ),
        (
            "assigns each sample to its nearest centre only (crashes on 0 samples, and a "
            "sample near two centres counts once)",
            """
def modes_covered(samples, centres, radius, min_samples=1):
    distance = torch.cdist(samples, centres)
    nearest = distance.min(dim=1)
    near = nearest.indices[nearest.values <= radius]
    counts = torch.bincount(near, minlength=len(centres))
    return int((counts >= min_samples).sum())
""",
        ),
        (
            "returns a 0-d tensor instead of a Python int",
            """
def modes_covered(samples, centres, radius, min_samples=1):
    distance = torch.cdist(samples, centres)
    return ((distance <= radius).sum(dim=0) >= min_samples).sum()
""",
        ),
    ],
    "generator": [
        (
            "sigmoid output: images in [0, 1] instead of tanh's [-1, 1]",
            _generator(OUTPUT="nn.Sigmoid()"),
        ),
        ("no output activation: unbounded images", _generator(OUTPUT="nn.Identity()")),
        (
            "hard-codes latent_dim=64 in the view (works only for the visible shape)",
            _generator(VIEW="z.view(-1, 64, 1, 1)"),
        ),
        ("first kernel 8 instead of 7: 8 -> 16 -> 32 pixels", _generator(FIRST_KERNEL="8")),
        ("no BatchNorm after the first transposed convolution", _generator(NORM1="nn.Identity()")),
        ("ignores width (always 32 channels)", _generator(WIDTH="32")),
    ],
    "discriminator": [
        ("returns (N, 1) logits instead of (N,)", _discriminator(RESULT="self.net(x).flatten(1)")),
        (
            "squeeze(): a batch of ONE image gives a 0-d tensor",
            _discriminator(RESULT="self.net(x).squeeze()"),
        ),
        (
            "applies a sigmoid: returns probabilities, not logits",
            _discriminator(RESULT="torch.sigmoid(self.net(x).view(x.shape[0]))"),
        ),
        ("ReLU instead of LeakyReLU(0.2)", _discriminator(ACT="nn.ReLU()")),
        ("LeakyReLU's default slope 0.01 instead of 0.2", _discriminator(ACT="nn.LeakyReLU()")),
        ("ignores in_channels (always 1 input channel)", _discriminator(IN_CHANNELS="1")),
    ],
    "dcgan_init": [
        (
            "iterates model.children(): nested layers keep PyTorch's default init",
            _init(MODULES="model.children()"),
        ),
        (
            "tests isinstance(module, nn.Conv2d): ConvTranspose2d is not a Conv2d",
            _init(CONV="nn.Conv2d"),
        ),
        (
            "BatchNorm weights from N(0, 0.02) instead of N(1, 0.02)",
            _init(BN_INIT="nn.init.normal_(module.weight, 0.0, 0.02)"),
        ),
        (
            "replaces the weights by new Parameters (an optimizer built before keeps the old ones)",
            _init(
                WEIGHT_INIT="module.weight = nn.Parameter(torch.randn_like(module.weight) * 0.02)"
            ),
        ),
        (
            "returns a re-initialised deep copy instead of changing the model in place",
            _init(MODULES="(model := copy.deepcopy(model)).modules()"),
        ),
        ("leaves the conv biases at PyTorch's default", _init(BIAS_INIT="pass")),
        (
            "re-initialises Linear layers too",
            _init(
                OTHER="if isinstance(module, nn.Linear): nn.init.normal_(module.weight, 0.0, 0.02)"
            ),
        ),
    ],
    "gan_step": [
        (
            "no detach for D; regenerates the fakes for G (D's loss sends gradients into G)",
            _step(
                D_LOGITS="real_logits, fake_logits = D(real), D(fake)", G_LOGITS="logits = D(G(z))"
            ),
        ),
        (
            "no detach at all: the G step backpropagates through a freed graph",
            _step(D_LOGITS="real_logits, fake_logits = D(real), D(fake)"),
        ),
        (
            "one D call on torch.cat([real, fake]): BatchNorm mixes real and fake statistics",
            _step(
                D_LOGITS="logits_all = D(torch.cat([real, fake.detach()])); "
                "real_logits, fake_logits = logits_all[: len(real)], logits_all[len(real) :]"
            ),
        ),
        (
            "saturating generator loss (minimises log(1 - D(G(z))))",
            _step(
                G_LOSS="g_loss = -F.binary_cross_entropy_with_logits(logits, torch.zeros_like(logits))"
            ),
        ),
        (
            "G step scored with the discriminator from before its update",
            _step(
                D_LOGITS="real_logits, fake_logits = D(real), D(fake.detach()); "
                "old_logits = D(fake)",
                G_LOGITS="logits = old_logits",
            ),
        ),
        (
            "never zeroes D's gradients: the G step's gradients leak into the next D step",
            _step(G_LOGITS="logits = D(fake)").replace("    opt_d.zero_grad()\n", ""),
        ),
        (
            "steps D again after the generator's backward (D trained on G's loss)",
            _step(G_STEP="opt_g.step(); opt_d.step()"),
        ),
        ("returns the loss tensors instead of Python floats", _step(RESULT="d_loss, g_loss")),
    ],
    "feature_stats": [
        (
            "biased covariance: divides by N instead of N - 1",
            _stats(COV="centred.T @ centred / x.shape[0]"),
        ),
        (
            "torch.cov(x) without transposing: variables are the rows for torch.cov",
            _stats(COV="torch.cov(x)"),
        ),
        (
            "mean over the wrong dim (per sample instead of per feature)",
            _stats(MEAN_DIM="1", CENTRE="centred = x - x.mean(dim=0)"),
        ),
        (
            "stays in float32 (only float64 inputs give float64 results)",
            _stats(CONVERT="features.detach().clone()"),
        ),
        (
            "centres the caller's tensor in place",
            _stats(
                CONVERT="features.detach()",
                CENTRE="features -= mu; centred = features.double()",
                COV="centred.T @ centred / (x.shape[0] - 1)",
            ),
        ),
        ("no check: one sample gives a nan covariance", _stats(CHECK="pass")),
    ],
    "frechet": [
        (
            "elementwise square root of sigma1 @ sigma2 instead of a matrix square root",
            _fd(TRACE_ROOT="torch.trace(torch.sqrt((sigma1 @ sigma2).clamp(min=0)))"),
        ),
        (
            "sqrt(sigma1) @ sqrt(sigma2): right only when the covariances commute (diagonal)",
            _fd(TRACE_ROOT="torch.trace(root1 @ _sqrtm(sigma2))")
            + "\n\ndef _sqrtm(a):\n    w, v = torch.linalg.eigh(a)\n"
            "    return v @ torch.diag(w.clamp(min=0).sqrt()) @ v.T\n",
        ),
        (
            "the mean term is not squared: |mu1 - mu2| instead of |mu1 - mu2|^2",
            _fd(MEAN_TERM="diff.norm()"),
        ),
        ("forgets the factor 2 of the cross term", _fd(TWO="1")),
        (
            "no clamp of negative eigenvalues: nan for singular covariances",
            _fd(EIG1="eigenvalues", TRACE_ROOT="torch.linalg.eigvalsh(middle).sqrt().sum()"),
        ),
        ("computes in the inputs' dtype (float32 loses the answer)", _fd(CONVERT="t.detach()")),
        ("returns a 0-d tensor instead of a Python float", _fd(RESULT="value")),
    ],
}
