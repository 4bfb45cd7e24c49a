"""Known-wrong answers for chapter 15 (GANs); every one must fail its exercise's tests."""

# ruff: noqa: W293 - whitespace inside the recorded sources is part of them

MUTANTS = {
    'gan_losses': [
        ('saturating generator loss: minimises log(1 - sigmoid(fake)) (label 0 for fakes)', '''
def discriminator_loss(real_logits, fake_logits):
    real_loss = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real_loss + fake_loss


def generator_loss(fake_logits):
    return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
'''),
        ('log of sigmoid: -inf / nan for large logits (numerically unstable)', '''
def discriminator_loss(real_logits, fake_logits):
    real_p, fake_p = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    return -torch.log(real_p).mean() - torch.log(1 - fake_p).mean()


def generator_loss(fake_logits):
    return -torch.log(torch.sigmoid(fake_logits)).mean()
'''),
        ('one mean over the concatenated batch: real and fake weighted by their sizes', '''
def discriminator_loss(real_logits, fake_logits):
    logits = torch.cat([real_logits.flatten(), fake_logits.flatten()])
    labels = torch.cat([torch.ones(real_logits.numel()), torch.zeros(fake_logits.numel())])
    return 2 * F.binary_cross_entropy_with_logits(logits, labels)


def generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
'''),
        ('labels swapped in the discriminator loss (1 for fake, 0 for real)', '''
def discriminator_loss(real_logits, fake_logits):
    real_loss = F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))
    fake_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    return real_loss + fake_loss


def generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
'''),
        ('sums instead of averaging (the loss scales with the batch size)', '''
def discriminator_loss(real_logits, fake_logits):
    return F.softplus(-real_logits).sum() + F.softplus(fake_logits).sum()


def generator_loss(fake_logits):
    return F.softplus(-fake_logits).sum()
'''),
        ('returns Python floats (.item()): nothing to call backward on', '''
def discriminator_loss(real_logits, fake_logits):
    return (F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()).item()


def generator_loss(fake_logits):
    return F.softplus(-fake_logits).mean().item()
'''),
    ],
    'modes_covered': [
        ('counts the samples near some centre instead of the centres', '''
def modes_covered(samples, centres, radius, min_samples=1):
    squared = ((samples[:, None, :] - centres[None, :, :]) ** 2).sum(dim=-1)
    return int(((squared <= radius**2).sum(dim=1) >= min_samples).sum())
'''),
        ('compares the squared distance with radius (not radius ** 2)', '''
def modes_covered(samples, centres, radius, min_samples=1):
    squared = ((samples[:, None, :] - centres[None, :, :]) ** 2).sum(dim=-1)
    return int(((squared <= radius).sum(dim=0) >= min_samples).sum())
'''),
        ('strict < radius: a sample exactly at the radius does not count', '''
def modes_covered(samples, centres, radius, min_samples=1):
    distance = torch.cdist(samples, centres)
    return int(((distance < radius).sum(dim=0) >= min_samples).sum())
'''),
        ('off by one: needs MORE than min_samples near samples', '''
def modes_covered(samples, centres, radius, min_samples=1):
    distance = torch.cdist(samples, centres)
    return int(((distance <= radius).sum(dim=0) > min_samples - 1 + (min_samples > 1)).sum())
'''),
        ('assigns each sample to its nearest centre only (crashes on 0 samples, and a sample near two centres counts once)', '''
def modes_covered(samples, centres, radius, min_samples=1):
    distance = torch.cdist(samples, centres)
    nearest = distance.min(dim=1)
    near = nearest.indices[nearest.values <= radius]
    counts = torch.bincount(near, minlength=len(centres))
    return int((counts >= min_samples).sum())
'''),
        ('returns a 0-d tensor instead of a Python int', '''
def modes_covered(samples, centres, radius, min_samples=1):
    distance = torch.cdist(samples, centres)
    return ((distance <= radius).sum(dim=0) >= min_samples).sum()
'''),
    ],
    'generator': [
        ("sigmoid output: images in [0, 1] instead of tanh's [-1, 1]", '''
class Generator(nn.Module):
    def __init__(self, latent_dim=64, width=32):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Sequential(
            nn.ConvTranspose2d(latent_dim, 2 * width, 7, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
            nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1),
            nn.Sigmoid(),
        )

    def forward(self, z):
        return self.net(z.view(z.shape[0], -1, 1, 1))
'''),
        ('no output activation: unbounded images', '''
class Generator(nn.Module):
    def __init__(self, latent_dim=64, width=32):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Sequential(
            nn.ConvTranspose2d(latent_dim, 2 * width, 7, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
            nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1),
            nn.Identity(),
        )

    def forward(self, z):
        return self.net(z.view(z.shape[0], -1, 1, 1))
'''),
        ('hard-codes latent_dim=64 in the view (works only for the visible shape)', '''
class Generator(nn.Module):
    def __init__(self, latent_dim=64, width=32):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Sequential(
            nn.ConvTranspose2d(latent_dim, 2 * width, 7, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
            nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1),
            nn.Tanh(),
        )

    def forward(self, z):
        return self.net(z.view(-1, 64, 1, 1))
'''),
        ('first kernel 8 instead of 7: 8 -> 16 -> 32 pixels', '''
class Generator(nn.Module):
    def __init__(self, latent_dim=64, width=32):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Sequential(
            nn.ConvTranspose2d(latent_dim, 2 * width, 8, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
            nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1),
            nn.Tanh(),
        )

    def forward(self, z):
        return self.net(z.view(z.shape[0], -1, 1, 1))
'''),
        ('no BatchNorm after the first transposed convolution', '''
class Generator(nn.Module):
    def __init__(self, latent_dim=64, width=32):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Sequential(
            nn.ConvTranspose2d(latent_dim, 2 * width, 7, stride=1, padding=0, bias=False),
            nn.Identity(),
            nn.ReLU(),
            nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1),
            nn.Tanh(),
        )

    def forward(self, z):
        return self.net(z.view(z.shape[0], -1, 1, 1))
'''),
        ('ignores width (always 32 channels)', '''
class Generator(nn.Module):
    def __init__(self, latent_dim=64, width=32):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Sequential(
            nn.ConvTranspose2d(latent_dim, 2 * 32, 7, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
            nn.ConvTranspose2d(2 * 32, 32, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1),
            nn.Tanh(),
        )

    def forward(self, z):
        return self.net(z.view(z.shape[0], -1, 1, 1))
'''),
    ],
    'discriminator': [
        ('returns (N, 1) logits instead of (N,)', '''
class Discriminator(nn.Module):
    def __init__(self, width=32, in_channels=1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_channels, width, 4, stride=2, padding=1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.LeakyReLU(0.2),
            nn.Conv2d(2 * width, 1, 7),
        )

    def forward(self, x):
        return self.net(x).flatten(1)
'''),
        ('squeeze(): a batch of ONE image gives a 0-d tensor', '''
class Discriminator(nn.Module):
    def __init__(self, width=32, in_channels=1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_channels, width, 4, stride=2, padding=1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.LeakyReLU(0.2),
            nn.Conv2d(2 * width, 1, 7),
        )

    def forward(self, x):
        return self.net(x).squeeze()
'''),
        ('applies a sigmoid: returns probabilities, not logits', '''
class Discriminator(nn.Module):
    def __init__(self, width=32, in_channels=1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_channels, width, 4, stride=2, padding=1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.LeakyReLU(0.2),
            nn.Conv2d(2 * width, 1, 7),
        )

    def forward(self, x):
        return torch.sigmoid(self.net(x).view(x.shape[0]))
'''),
        ('ReLU instead of LeakyReLU(0.2)', '''
class Discriminator(nn.Module):
    def __init__(self, width=32, in_channels=1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_channels, width, 4, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
            nn.Conv2d(2 * width, 1, 7),
        )

    def forward(self, x):
        return self.net(x).view(x.shape[0])
'''),
        ("LeakyReLU's default slope 0.01 instead of 0.2", '''
class Discriminator(nn.Module):
    def __init__(self, width=32, in_channels=1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_channels, width, 4, stride=2, padding=1),
            nn.LeakyReLU(),
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.LeakyReLU(),
            nn.Conv2d(2 * width, 1, 7),
        )

    def forward(self, x):
        return self.net(x).view(x.shape[0])
'''),
        ('ignores in_channels (always 1 input channel)', '''
class Discriminator(nn.Module):
    def __init__(self, width=32, in_channels=1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, width, 4, stride=2, padding=1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.LeakyReLU(0.2),
            nn.Conv2d(2 * width, 1, 7),
        )

    def forward(self, x):
        return self.net(x).view(x.shape[0])
'''),
    ],
    'dcgan_init': [
        ("iterates model.children(): nested layers keep PyTorch's default init", '''
def dcgan_init_(model):
    for module in model.children():
        if isinstance(module, nn.modules.conv._ConvNd):
            nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            nn.init.normal_(module.weight, 1.0, 0.02)
            nn.init.zeros_(module.bias)
        
    return model
'''),
        ('tests isinstance(module, nn.Conv2d): ConvTranspose2d is not a Conv2d', '''
def dcgan_init_(model):
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            nn.init.normal_(module.weight, 1.0, 0.02)
            nn.init.zeros_(module.bias)
        
    return model
'''),
        ('BatchNorm weights from N(0, 0.02) instead of N(1, 0.02)', '''
def dcgan_init_(model):
    for module in model.modules():
        if isinstance(module, nn.modules.conv._ConvNd):
            nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            nn.init.normal_(module.weight, 0.0, 0.02)
            nn.init.zeros_(module.bias)
        
    return model
'''),
        ('replaces the weights by new Parameters (an optimizer built before keeps the old ones)', '''
def dcgan_init_(model):
    for module in model.modules():
        if isinstance(module, nn.modules.conv._ConvNd):
            module.weight = nn.Parameter(torch.randn_like(module.weight) * 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            nn.init.normal_(module.weight, 1.0, 0.02)
            nn.init.zeros_(module.bias)
        
    return model
'''),
        ('returns a re-initialised deep copy instead of changing the model in place', '''
def dcgan_init_(model):
    for module in (model := copy.deepcopy(model)).modules():
        if isinstance(module, nn.modules.conv._ConvNd):
            nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            nn.init.normal_(module.weight, 1.0, 0.02)
            nn.init.zeros_(module.bias)
        
    return model
'''),
        ("leaves the conv biases at PyTorch's default", '''
def dcgan_init_(model):
    for module in model.modules():
        if isinstance(module, nn.modules.conv._ConvNd):
            nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                pass
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            nn.init.normal_(module.weight, 1.0, 0.02)
            nn.init.zeros_(module.bias)
        
    return model
'''),
        ('re-initialises Linear layers too', '''
def dcgan_init_(model):
    for module in model.modules():
        if isinstance(module, nn.modules.conv._ConvNd):
            nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            nn.init.normal_(module.weight, 1.0, 0.02)
            nn.init.zeros_(module.bias)
        if isinstance(module, nn.Linear): nn.init.normal_(module.weight, 0.0, 0.02)
    return model
'''),
    ],
    'gan_step': [
        ("no detach for D; regenerates the fakes for G (D's loss sends gradients into G)", '''
def gan_step(G, D, opt_g, opt_d, real, z):
    fake = G(z)
    opt_d.zero_grad()
    real_logits, fake_logits = D(real), D(fake)
    d_loss = F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits)
    ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    d_loss.backward()
    opt_d.step()
    opt_g.zero_grad()
    logits = D(G(z))
    g_loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()
'''),
        ('no detach at all: the G step backpropagates through a freed graph', '''
def gan_step(G, D, opt_g, opt_d, real, z):
    fake = G(z)
    opt_d.zero_grad()
    real_logits, fake_logits = D(real), D(fake)
    d_loss = F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits)
    ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    d_loss.backward()
    opt_d.step()
    opt_g.zero_grad()
    logits = D(fake)
    g_loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()
'''),
        ('one D call on torch.cat([real, fake]): BatchNorm mixes real and fake statistics', '''
def gan_step(G, D, opt_g, opt_d, real, z):
    fake = G(z)
    opt_d.zero_grad()
    logits_all = D(torch.cat([real, fake.detach()])); real_logits, fake_logits = logits_all[: len(real)], logits_all[len(real) :]
    d_loss = F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits)
    ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    d_loss.backward()
    opt_d.step()
    opt_g.zero_grad()
    logits = D(fake)
    g_loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()
'''),
        ('saturating generator loss (minimises log(1 - D(G(z))))', '''
def gan_step(G, D, opt_g, opt_d, real, z):
    fake = G(z)
    opt_d.zero_grad()
    real_logits, fake_logits = D(real), D(fake.detach())
    d_loss = F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits)
    ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    d_loss.backward()
    opt_d.step()
    opt_g.zero_grad()
    logits = D(fake)
    g_loss = -F.binary_cross_entropy_with_logits(logits, torch.zeros_like(logits))
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()
'''),
        ('G step scored with the discriminator from before its update', '''
def gan_step(G, D, opt_g, opt_d, real, z):
    fake = G(z)
    opt_d.zero_grad()
    real_logits, fake_logits = D(real), D(fake.detach()); old_logits = D(fake)
    d_loss = F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits)
    ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    d_loss.backward()
    opt_d.step()
    opt_g.zero_grad()
    logits = old_logits
    g_loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()
'''),
        ("never zeroes D's gradients: the G step's gradients leak into the next D step", '''
def gan_step(G, D, opt_g, opt_d, real, z):
    fake = G(z)
    real_logits, fake_logits = D(real), D(fake.detach())
    d_loss = F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits)
    ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    d_loss.backward()
    opt_d.step()
    opt_g.zero_grad()
    logits = D(fake)
    g_loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()
'''),
        ("steps D again after the generator's backward (D trained on G's loss)", '''
def gan_step(G, D, opt_g, opt_d, real, z):
    fake = G(z)
    opt_d.zero_grad()
    real_logits, fake_logits = D(real), D(fake.detach())
    d_loss = F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits)
    ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    d_loss.backward()
    opt_d.step()
    opt_g.zero_grad()
    logits = D(fake)
    g_loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    g_loss.backward()
    opt_g.step(); opt_d.step()
    return d_loss.item(), g_loss.item()
'''),
        ('returns the loss tensors instead of Python floats', '''
def gan_step(G, D, opt_g, opt_d, real, z):
    fake = G(z)
    opt_d.zero_grad()
    real_logits, fake_logits = D(real), D(fake.detach())
    d_loss = F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits)
    ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    d_loss.backward()
    opt_d.step()
    opt_g.zero_grad()
    logits = D(fake)
    g_loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    g_loss.backward()
    opt_g.step()
    return d_loss, g_loss
'''),
    ],
    'feature_stats': [
        ('biased covariance: divides by N instead of N - 1', '''
def feature_stats(features):
    if features.dim() != 2 or features.shape[0] < 2:
        raise ValueError('need (N, D) with N >= 2')
    x = features.detach().to('cpu', torch.float64)
    mu = x.mean(dim=0)
    centred = x - mu
    sigma = centred.T @ centred / x.shape[0]
    return mu, sigma
'''),
        ('torch.cov(x) without transposing: variables are the rows for torch.cov', '''
def feature_stats(features):
    if features.dim() != 2 or features.shape[0] < 2:
        raise ValueError('need (N, D) with N >= 2')
    x = features.detach().to('cpu', torch.float64)
    mu = x.mean(dim=0)
    centred = x - mu
    sigma = torch.cov(x)
    return mu, sigma
'''),
        ('mean over the wrong dim (per sample instead of per feature)', '''
def feature_stats(features):
    if features.dim() != 2 or features.shape[0] < 2:
        raise ValueError('need (N, D) with N >= 2')
    x = features.detach().to('cpu', torch.float64)
    mu = x.mean(dim=1)
    centred = x - x.mean(dim=0)
    sigma = centred.T @ centred / (x.shape[0] - 1)
    return mu, sigma
'''),
        ('stays in float32 (only float64 inputs give float64 results)', '''
def feature_stats(features):
    if features.dim() != 2 or features.shape[0] < 2:
        raise ValueError('need (N, D) with N >= 2')
    x = features.detach().clone()
    mu = x.mean(dim=0)
    centred = x - mu
    sigma = centred.T @ centred / (x.shape[0] - 1)
    return mu, sigma
'''),
        ("centres the caller's tensor in place", '''
def feature_stats(features):
    if features.dim() != 2 or features.shape[0] < 2:
        raise ValueError('need (N, D) with N >= 2')
    x = features.detach()
    mu = x.mean(dim=0)
    features -= mu; centred = features.double()
    sigma = centred.T @ centred / (x.shape[0] - 1)
    return mu, sigma
'''),
        ('no check: one sample gives a nan covariance', '''
def feature_stats(features):
    pass
    x = features.detach().to('cpu', torch.float64)
    mu = x.mean(dim=0)
    centred = x - mu
    sigma = centred.T @ centred / (x.shape[0] - 1)
    return mu, sigma
'''),
    ],
    'frechet': [
        ('elementwise square root of sigma1 @ sigma2 instead of a matrix square root', '''
def frechet_distance(mu1, sigma1, mu2, sigma2):
    mu1, mu2, sigma1, sigma2 = (t.detach().to('cpu', torch.float64) for t in (mu1, mu2, sigma1, sigma2))
    eigenvalues, V = torch.linalg.eigh(sigma1)
    root1 = V @ torch.diag(eigenvalues.clamp(min=0).sqrt()) @ V.T
    middle = root1 @ sigma2 @ root1
    middle = (middle + middle.T) / 2
    trace_root = torch.trace(torch.sqrt((sigma1 @ sigma2).clamp(min=0)))
    diff = mu1 - mu2
    value = diff @ diff + torch.trace(sigma1) + torch.trace(sigma2) - 2 * trace_root
    return float(value)
'''),
        ('sqrt(sigma1) @ sqrt(sigma2): right only when the covariances commute (diagonal)', '''
def frechet_distance(mu1, sigma1, mu2, sigma2):
    mu1, mu2, sigma1, sigma2 = (t.detach().to('cpu', torch.float64) for t in (mu1, mu2, sigma1, sigma2))
    eigenvalues, V = torch.linalg.eigh(sigma1)
    root1 = V @ torch.diag(eigenvalues.clamp(min=0).sqrt()) @ V.T
    middle = root1 @ sigma2 @ root1
    middle = (middle + middle.T) / 2
    trace_root = torch.trace(root1 @ _sqrtm(sigma2))
    diff = mu1 - mu2
    value = diff @ diff + torch.trace(sigma1) + torch.trace(sigma2) - 2 * trace_root
    return float(value)


def _sqrtm(a):
    w, v = torch.linalg.eigh(a)
    return v @ torch.diag(w.clamp(min=0).sqrt()) @ v.T
'''),
        ('the mean term is not squared: |mu1 - mu2| instead of |mu1 - mu2|^2', '''
def frechet_distance(mu1, sigma1, mu2, sigma2):
    mu1, mu2, sigma1, sigma2 = (t.detach().to('cpu', torch.float64) for t in (mu1, mu2, sigma1, sigma2))
    eigenvalues, V = torch.linalg.eigh(sigma1)
    root1 = V @ torch.diag(eigenvalues.clamp(min=0).sqrt()) @ V.T
    middle = root1 @ sigma2 @ root1
    middle = (middle + middle.T) / 2
    trace_root = torch.linalg.eigvalsh(middle).clamp(min=0).sqrt().sum()
    diff = mu1 - mu2
    value = diff.norm() + torch.trace(sigma1) + torch.trace(sigma2) - 2 * trace_root
    return float(value)
'''),
        ('forgets the factor 2 of the cross term', '''
def frechet_distance(mu1, sigma1, mu2, sigma2):
    mu1, mu2, sigma1, sigma2 = (t.detach().to('cpu', torch.float64) for t in (mu1, mu2, sigma1, sigma2))
    eigenvalues, V = torch.linalg.eigh(sigma1)
    root1 = V @ torch.diag(eigenvalues.clamp(min=0).sqrt()) @ V.T
    middle = root1 @ sigma2 @ root1
    middle = (middle + middle.T) / 2
    trace_root = torch.linalg.eigvalsh(middle).clamp(min=0).sqrt().sum()
    diff = mu1 - mu2
    value = diff @ diff + torch.trace(sigma1) + torch.trace(sigma2) - 1 * trace_root
    return float(value)
'''),
        ('no clamp of negative eigenvalues: nan for singular covariances', '''
def frechet_distance(mu1, sigma1, mu2, sigma2):
    mu1, mu2, sigma1, sigma2 = (t.detach().to('cpu', torch.float64) for t in (mu1, mu2, sigma1, sigma2))
    eigenvalues, V = torch.linalg.eigh(sigma1)
    root1 = V @ torch.diag(eigenvalues.sqrt()) @ V.T
    middle = root1 @ sigma2 @ root1
    middle = (middle + middle.T) / 2
    trace_root = torch.linalg.eigvalsh(middle).sqrt().sum()
    diff = mu1 - mu2
    value = diff @ diff + torch.trace(sigma1) + torch.trace(sigma2) - 2 * trace_root
    return float(value)
'''),
        ("computes in the inputs' dtype (float32 loses the answer)", '''
def frechet_distance(mu1, sigma1, mu2, sigma2):
    mu1, mu2, sigma1, sigma2 = (t.detach() for t in (mu1, mu2, sigma1, sigma2))
    eigenvalues, V = torch.linalg.eigh(sigma1)
    root1 = V @ torch.diag(eigenvalues.clamp(min=0).sqrt()) @ V.T
    middle = root1 @ sigma2 @ root1
    middle = (middle + middle.T) / 2
    trace_root = torch.linalg.eigvalsh(middle).clamp(min=0).sqrt().sum()
    diff = mu1 - mu2
    value = diff @ diff + torch.trace(sigma1) + torch.trace(sigma2) - 2 * trace_root
    return float(value)
'''),
        ('returns a 0-d tensor instead of a Python float', '''
def frechet_distance(mu1, sigma1, mu2, sigma2):
    mu1, mu2, sigma1, sigma2 = (t.detach().to('cpu', torch.float64) for t in (mu1, mu2, sigma1, sigma2))
    eigenvalues, V = torch.linalg.eigh(sigma1)
    root1 = V @ torch.diag(eigenvalues.clamp(min=0).sqrt()) @ V.T
    middle = root1 @ sigma2 @ root1
    middle = (middle + middle.T) / 2
    trace_root = torch.linalg.eigvalsh(middle).clamp(min=0).sqrt().sum()
    diff = mu1 - mu2
    value = diff @ diff + torch.trace(sigma1) + torch.trace(sigma2) - 2 * trace_root
    return value
'''),
    ],
}
