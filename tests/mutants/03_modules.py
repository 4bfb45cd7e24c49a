"""Known-wrong answers for chapter 03 (modules and losses); each must fail its exercise's tests."""

MUTANTS = {
    "conv_out_size": [
        ("ignores dilation (kernel spans k pixels instead of d*(k-1)+1)", '''
def conv_out_size(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    span = size + 2 * padding - kernel_size
    if ceil_mode:
        out = -(-span // stride) + 1
        if (out - 1) * stride >= size + padding:
            out -= 1
        return out
    return span // stride + 1
'''),
        ("true division: returns a float and does not floor", '''
def conv_out_size(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1
'''),
        ("padding counted on one side only", '''
def conv_out_size(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    span = size + padding - dilation * (kernel_size - 1) - 1
    if ceil_mode:
        return -(-span // stride) + 1
    return span // stride + 1
'''),
        ("ceil_mode without the 'last window starts inside' rule", '''
def conv_out_size(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    span = size + 2 * padding - dilation * (kernel_size - 1) - 1
    if ceil_mode:
        return -(-span // stride) + 1
    return span // stride + 1
'''),
    ],
    "feature_shape": [
        ("ignores padding: the classic 9216 instead of 12544", '''
def feature_shape(layers, input_shape):
    def pair(v):
        return tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    c, h, w = input_shape
    for layer in layers:
        if isinstance(layer, nn.Sequential):
            c, h, w = feature_shape(layer, (c, h, w))
        elif isinstance(layer, nn.Conv2d):
            c = layer.out_channels
            k, s, d = pair(layer.kernel_size), pair(layer.stride), pair(layer.dilation)
            h = conv_out_size(h, k[0], s[0], 0, d[0])
            w = conv_out_size(w, k[1], s[1], 0, d[1])
        elif isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
            k, s = pair(layer.kernel_size), pair(layer.stride)
            h = conv_out_size(h, k[0], s[0], 0, 1, layer.ceil_mode)
            w = conv_out_size(w, k[1], s[1], 0, 1, layer.ceil_mode)
        elif isinstance(layer, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
            oh, ow = pair(layer.output_size)
            h, w = (h if oh is None else oh), (w if ow is None else ow)
    return (c, h, w)
'''),
        ("uses the height settings for both axes (square assumption)", '''
def feature_shape(layers, input_shape):
    def first(v):
        return v[0] if isinstance(v, (tuple, list)) else v
    c, h, w = input_shape
    for layer in layers:
        if isinstance(layer, nn.Sequential):
            c, h, w = feature_shape(layer, (c, h, w))
        elif isinstance(layer, nn.Conv2d):
            c = layer.out_channels
            if layer.padding == "same":
                continue
            p = 0 if layer.padding == "valid" else first(layer.padding)
            args = (first(layer.kernel_size), first(layer.stride), p, first(layer.dilation))
            h, w = conv_out_size(h, *args), conv_out_size(w, *args)
        elif isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
            args = (first(layer.kernel_size), first(layer.stride), first(layer.padding),
                    first(getattr(layer, "dilation", 1)), layer.ceil_mode)
            h, w = conv_out_size(h, *args), conv_out_size(w, *args)
        elif isinstance(layer, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
            o = first(layer.output_size)
            h = w = h if o is None else o
    return (c, h, w)
'''),
        ("keeps in_channels, forgets nested Sequential and adaptive pools", '''
def feature_shape(layers, input_shape):
    c, h, w = input_shape
    for layer in layers:
        if isinstance(layer, nn.Conv2d):
            c = layer.in_channels
            p = (0, 0) if layer.padding == "valid" else ((None, None) if layer.padding == "same" else layer.padding)
            if p[0] is not None:
                h = conv_out_size(h, layer.kernel_size[0], layer.stride[0], p[0], layer.dilation[0])
                w = conv_out_size(w, layer.kernel_size[1], layer.stride[1], p[1], layer.dilation[1])
        elif isinstance(layer, nn.MaxPool2d):
            h = conv_out_size(h, layer.kernel_size, layer.stride, layer.padding)
            w = conv_out_size(w, layer.kernel_size, layer.stride, layer.padding)
    return (c, h, w)
'''),
        ("runs the layers on a dummy input instead of reasoning from their attributes", '''
def feature_shape(layers, input_shape):
    with torch.no_grad():
        return tuple(layers.eval()(torch.zeros(1, *input_shape)).shape[1:])
'''),
    ],
    "my_batchnorm": [
        ("running statistics stored as plain tensor attributes (not buffers)", '''
class MyBatchNorm1d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.running_mean = torch.zeros(num_features)
        self.running_var = torch.ones(num_features)
        self.num_batches_tracked = torch.tensor(0)

    def forward(self, x):
        if self.training:
            mean, var, n = x.mean(0), x.var(0, correction=0), x.shape[0]
            with torch.no_grad():
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * var * n / (n - 1))
                self.num_batches_tracked += 1
        else:
            mean, var = self.running_mean, self.running_var
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias
'''),
        ("normalises with the unbiased batch variance", '''
class MyBatchNorm1d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        if self.training:
            mean, var = x.mean(0), x.var(0)
            with torch.no_grad():
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * var)
                self.num_batches_tracked += 1
        else:
            mean, var = self.running_mean, self.running_var
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias
'''),
        ("running variance updated with the biased batch variance", '''
class MyBatchNorm1d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        if self.training:
            mean, var = x.mean(0), x.var(0, correction=0)
            with torch.no_grad():
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * var)
                self.num_batches_tracked += 1
        else:
            mean, var = self.running_mean, self.running_var
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias
'''),
        ("momentum the wrong way round (Keras convention)", '''
class MyBatchNorm1d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        if self.training:
            mean, var, n = x.mean(0), x.var(0, correction=0), x.shape[0]
            with torch.no_grad():
                self.running_mean.mul_(self.momentum).add_((1 - self.momentum) * mean)
                self.running_var.mul_(self.momentum).add_((1 - self.momentum) * var * n / (n - 1))
                self.num_batches_tracked += 1
        else:
            mean, var = self.running_mean, self.running_var
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias
'''),
        ("uses the batch statistics in eval mode too", '''
class MyBatchNorm1d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        mean, var, n = x.mean(0), x.var(0, correction=0), x.shape[0]
        if self.training:
            with torch.no_grad():
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * var * n / (n - 1))
                self.num_batches_tracked += 1
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias
'''),
        ("running statistics updated inside the autograd graph (no torch.no_grad)", '''
class MyBatchNorm1d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        if self.training:
            mean, var, n = x.mean(0), x.var(0, correction=0), x.shape[0]
            self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mean
            self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var * n / (n - 1)
            self.num_batches_tracked += 1
        else:
            mean, var = self.running_mean, self.running_var
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias
'''),
    ],
    "layer_norm": [
        ("unbiased variance (x.var's default correction=1)", '''
def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    dims = tuple(range(-len(normalized_shape), 0))
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, keepdim=True)
    y = (x - mean) / torch.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
'''),
        ("normalises over the last dim only, whatever normalized_shape says", '''
def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, keepdim=True, correction=0)
    y = (x - mean) / torch.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
'''),
        ("normalises over the batch dim (BatchNorm's axis)", '''
def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    mean = x.mean(dim=0, keepdim=True)
    var = x.var(dim=0, keepdim=True, correction=0)
    y = (x - mean) / torch.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
'''),
        ("eps added to the standard deviation, outside the square root", '''
def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    dims = tuple(range(-len(normalized_shape), 0))
    mean = x.mean(dim=dims, keepdim=True)
    std = x.std(dim=dims, keepdim=True, correction=0)
    y = (x - mean) / (std + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
'''),
        ("variance as E[x**2] - E[x]**2 (catastrophic cancellation for a large mean)", '''
def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    dims = tuple(range(-len(normalized_shape), 0))
    mean = x.mean(dim=dims, keepdim=True)
    var = (x * x).mean(dim=dims, keepdim=True) - mean**2
    y = (x - mean) / torch.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
'''),
        ("the bias is applied only together with a weight", '''
def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    dims = tuple(range(-len(normalized_shape), 0))
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, keepdim=True, correction=0)
    y = (x - mean) / torch.sqrt(var + eps)
    if weight is not None:
        y = y * weight + (0 if bias is None else bias)
    return y
'''),
        ("centres the input in place (x -= mean)", '''
def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    dims = tuple(range(-len(normalized_shape), 0))
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, keepdim=True, correction=0)
    x -= mean
    y = x / torch.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
'''),
        ("an int normalized_shape not accepted (len() of an int)", '''
def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    dims = tuple(range(-len(normalized_shape), 0))
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, keepdim=True, correction=0)
    y = (x - mean) / torch.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
'''),
        ("calls F.layer_norm (the mechanism skipped)", '''
def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    return F.layer_norm(x, tuple(normalized_shape), weight, bias, eps)
'''),
    ],
    "my_conv2d": [
        ("weight registered as a plain tensor, not an nn.Parameter", '''
class MyConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.weight = torch.empty(out_channels, in_channels, kernel_size, kernel_size, requires_grad=True)
        if bias:
            self.bias = nn.Parameter(torch.empty(out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1.0 / math.sqrt(self.in_channels * self.kernel_size**2)
        with torch.no_grad():
            self.weight.uniform_(-bound, bound)
        if self.bias is not None:
            nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        n, _, h, w = x.shape
        k, s, p = self.kernel_size, self.stride, self.padding
        h_out, w_out = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        out = self.weight.view(self.out_channels, -1) @ F.unfold(x, k, padding=p, stride=s)
        if self.bias is not None:
            out = out + self.bias.view(1, -1, 1)
        return out.view(n, self.out_channels, h_out, w_out)
'''),
        ("initialised with torch.randn (std 1) instead of +-1/sqrt(fan_in)", '''
class MyConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, kernel_size, kernel_size))
        if bias:
            self.bias = nn.Parameter(torch.zeros(out_channels))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        n, _, h, w = x.shape
        k, s, p = self.kernel_size, self.stride, self.padding
        h_out, w_out = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        out = self.weight.view(self.out_channels, -1) @ F.unfold(x, k, padding=p, stride=s)
        if self.bias is not None:
            out = out + self.bias.view(1, -1, 1)
        return out.view(n, self.out_channels, h_out, w_out)
'''),
        ("output size computed without the stride (only right for stride 1)", '''
class MyConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size, kernel_size))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1.0 / math.sqrt(self.in_channels * self.kernel_size**2)
        nn.init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        n, _, h, w = x.shape
        k, p = self.kernel_size, self.padding
        out = self.weight.view(self.out_channels, -1) @ F.unfold(x, k, padding=p)
        if self.bias is not None:
            out = out + self.bias.view(1, -1, 1)
        return out.view(n, self.out_channels, h + 2 * p - k + 1, w + 2 * p - k + 1)
'''),
        ("bias=False stored as a zero parameter (extra state_dict key)", '''
class MyConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.use_bias = bias
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.empty(out_channels))
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1.0 / math.sqrt(self.in_channels * self.kernel_size**2)
        nn.init.uniform_(self.weight, -bound, bound)
        nn.init.uniform_(self.bias, -bound, bound) if self.use_bias else nn.init.zeros_(self.bias)

    def forward(self, x):
        n, _, h, w = x.shape
        k, s, p = self.kernel_size, self.stride, self.padding
        h_out, w_out = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        out = self.weight.view(self.out_channels, -1) @ F.unfold(x, k, padding=p, stride=s)
        out = out + self.bias.view(1, -1, 1)
        return out.view(n, self.out_channels, h_out, w_out)
'''),
    ],
    "checkpoint": [
        ("pickles the whole model and optimizer objects", '''
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model, "optimizer": optimizer, "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer, map_location=None):
    state = torch.load(path, map_location=map_location, weights_only=False)
    model.load_state_dict(state["model"].state_dict())
    optimizer.load_state_dict(state["optimizer"].state_dict())
    return state["epoch"]
'''),
        ("does not restore the optimizer state", '''
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer, map_location=None):
    state = torch.load(path, map_location=map_location, weights_only=True)
    model.load_state_dict(state["model"])
    return state["epoch"]
'''),
        ("loads with weights_only=False (accepts arbitrary pickled objects)", '''
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer, map_location=None):
    state = torch.load(path, map_location=map_location, weights_only=False)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"]
'''),
        ("returns the whole checkpoint dict instead of the epoch", '''
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer, map_location=None):
    state = torch.load(path, map_location=map_location, weights_only=True)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return state
'''),
    ],
    "capture_activations": [
        ("late-binding closure: every hook writes to the last name", '''
def capture_activations(model, x, layer_names):
    modules = dict(model.named_modules())
    captured, handles = {}, []
    try:
        for name in layer_names:
            def hook(module, inputs, output):
                captured[name] = output.detach()
            handles.append(modules[name].register_forward_hook(hook))
        with torch.no_grad():
            model(x)
    finally:
        for handle in handles:
            handle.remove()
    return captured
'''),
        ("never removes the hooks", '''
def capture_activations(model, x, layer_names):
    modules = dict(model.named_modules())
    captured = {}
    for name in layer_names:
        def hook(module, inputs, output, name=name):
            captured[name] = output.detach()
        modules[name].register_forward_hook(hook)
    with torch.no_grad():
        model(x)
    return captured
'''),
        ("removes the hooks only when the forward pass succeeds (no try/finally)", '''
def capture_activations(model, x, layer_names):
    modules = dict(model.named_modules())
    captured, handles = {}, []
    for name in layer_names:
        def hook(module, inputs, output, name=name):
            captured[name] = output.detach()
        handles.append(modules[name].register_forward_hook(hook))
    with torch.no_grad():
        model(x)
    for handle in handles:
        handle.remove()
    return captured
'''),
        ("stores the outputs without detaching them (and records the graph)", '''
def capture_activations(model, x, layer_names):
    modules = dict(model.named_modules())
    captured, handles = {}, []
    try:
        for name in layer_names:
            def hook(module, inputs, output, name=name):
                captured[name] = output
            handles.append(modules[name].register_forward_hook(hook))
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    return captured
'''),
    ],
    "huber_loss": [
        ("SmoothL1's formula (divided by delta): right only for delta=1", '''
def huber_loss(input, target, delta=1.0, reduction="mean"):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction)
    e = (input - target).abs()
    loss = torch.where(e < delta, 0.5 * e**2 / delta, e - 0.5 * delta)
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss
'''),
        ("linear part without the delta factor (|e| - delta/2): a jump at |e| = delta", '''
def huber_loss(input, target, delta=1.0, reduction="mean"):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction)
    e = (input - target).abs()
    loss = torch.where(e < delta, 0.5 * e**2, e - 0.5 * delta)
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss
'''),
        ("compares the signed error with delta: large negative errors stay quadratic", '''
def huber_loss(input, target, delta=1.0, reduction="mean"):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction)
    e = input - target
    loss = torch.where(e < delta, 0.5 * e**2, delta * (e.abs() - 0.5 * delta))
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss
'''),
        ("quadratic part without the 0.5", '''
def huber_loss(input, target, delta=1.0, reduction="mean"):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction)
    e = (input - target).abs()
    loss = torch.where(e < delta, e**2, delta * (e - 0.5 * delta))
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss
'''),
        ("reduction ignored: always the mean", '''
def huber_loss(input, target, delta=1.0, reduction="mean"):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction)
    e = (input - target).abs()
    return torch.where(e < delta, 0.5 * e**2, delta * (e - 0.5 * delta)).mean()
'''),
        ("'mean' averages over dim 0 only (a vector for 2-d inputs)", '''
def huber_loss(input, target, delta=1.0, reduction="mean"):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction)
    e = (input - target).abs()
    loss = torch.where(e < delta, 0.5 * e**2, delta * (e - 0.5 * delta))
    return loss.mean(dim=0) if reduction == "mean" else loss.sum() if reduction == "sum" else loss
'''),
        ("the error computed in place in the input (input -= target)", '''
def huber_loss(input, target, delta=1.0, reduction="mean"):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction)
    input -= target
    e = input.abs()
    loss = torch.where(e < delta, 0.5 * e**2, delta * (e - 0.5 * delta))
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss
'''),
        ("an unknown reduction silently returns the per-element losses", '''
def huber_loss(input, target, delta=1.0, reduction="mean"):
    e = (input - target).abs()
    loss = torch.where(e < delta, 0.5 * e**2, delta * (e - 0.5 * delta))
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss
'''),
        ("calls F.huber_loss (the mechanism skipped)", '''
def huber_loss(input, target, delta=1.0, reduction="mean"):
    return F.huber_loss(input, target, reduction=reduction, delta=delta)
'''),
    ],
    "bce_with_logits": [
        ("naive formula log(sigmoid(x)): inf/nan for large logits", '''
def bce_with_logits(logits, targets, pos_weight=None):
    p = torch.sigmoid(logits)
    w = 1 if pos_weight is None else pos_weight
    return -(w * targets * torch.log(p) + (1 - targets) * torch.log(1 - p)).mean()
'''),
        ("naive formula with an epsilon inside the logs", '''
def bce_with_logits(logits, targets, pos_weight=None):
    p = torch.sigmoid(logits)
    w = 1 if pos_weight is None else pos_weight
    eps = 1e-7
    return -(w * targets * torch.log(p + eps) + (1 - targets) * torch.log(1 - p + eps)).mean()
'''),
        ("pos_weight applied to the negative term", '''
def bce_with_logits(logits, targets, pos_weight=None):
    sp = F.softplus(-logits)
    w = 1 if pos_weight is None else pos_weight
    return (targets * sp + w * (1 - targets) * (logits + sp)).mean()
'''),
        ("sum instead of mean", '''
def bce_with_logits(logits, targets, pos_weight=None):
    sp = F.softplus(-logits)
    w = 1 if pos_weight is None else pos_weight
    return (w * targets * sp + (1 - targets) * (logits + sp)).sum()
'''),
    ],
    "focal_loss": [
        ("double softmax: log_softmax of softmax outputs", '''
class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, ignore_index=-100, reduction="mean"):
        super().__init__()
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(reduction)
        self.gamma, self.ignore_index, self.reduction = gamma, ignore_index, reduction

    def forward(self, logits, target):
        logp = F.log_softmax(torch.softmax(logits, dim=1), dim=1)
        keep = target != self.ignore_index
        safe = torch.where(keep, target, torch.zeros_like(target))
        logp_t = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
        loss = torch.where(keep, -((1 - logp_t.exp()) ** self.gamma) * logp_t, torch.zeros_like(logp_t))
        if self.reduction == "none":
            return loss
        return loss.sum() if self.reduction == "sum" else loss.sum() / keep.sum()
'''),
        ("log(softmax(x)) instead of log_softmax: -inf and nan for large logits", '''
class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, ignore_index=-100, reduction="mean"):
        super().__init__()
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(reduction)
        self.gamma, self.ignore_index, self.reduction = gamma, ignore_index, reduction

    def forward(self, logits, target):
        logp = torch.log(torch.softmax(logits, dim=1))
        keep = target != self.ignore_index
        safe = torch.where(keep, target, torch.zeros_like(target))
        logp_t = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
        loss = torch.where(keep, -((1 - logp_t.exp()) ** self.gamma) * logp_t, torch.zeros_like(logp_t))
        if self.reduction == "none":
            return loss
        return loss.sum() if self.reduction == "sum" else loss.sum() / keep.sum()
'''),
        ("softmax over the batch dim (dim=0)", '''
class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, ignore_index=-100, reduction="mean"):
        super().__init__()
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(reduction)
        self.gamma, self.ignore_index, self.reduction = gamma, ignore_index, reduction

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=0)
        keep = target != self.ignore_index
        safe = torch.where(keep, target, torch.zeros_like(target))
        logp_t = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
        loss = torch.where(keep, -((1 - logp_t.exp()) ** self.gamma) * logp_t, torch.zeros_like(logp_t))
        if self.reduction == "none":
            return loss
        return loss.sum() if self.reduction == "sum" else loss.sum() / keep.sum()
'''),
        ("mean over all N samples, ignored ones included", '''
class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, ignore_index=-100, reduction="mean"):
        super().__init__()
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(reduction)
        self.gamma, self.ignore_index, self.reduction = gamma, ignore_index, reduction

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=1)
        keep = target != self.ignore_index
        safe = torch.where(keep, target, torch.zeros_like(target))
        logp_t = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
        loss = torch.where(keep, -((1 - logp_t.exp()) ** self.gamma) * logp_t, torch.zeros_like(logp_t))
        if self.reduction == "none":
            return loss
        return loss.sum() if self.reduction == "sum" else loss.mean()
'''),
        ("reduction='none' drops the ignored rows (boolean indexing) instead of giving them 0", '''
class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, ignore_index=-100, reduction="mean"):
        super().__init__()
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(reduction)
        self.gamma, self.ignore_index, self.reduction = gamma, ignore_index, reduction

    def forward(self, logits, target):
        keep = target != self.ignore_index
        logp = F.log_softmax(logits[keep], dim=1)
        logp_t = logp.gather(1, target[keep].unsqueeze(1)).squeeze(1)
        loss = -((1 - logp_t.exp()) ** self.gamma) * logp_t
        if self.reduction == "none":
            return loss
        return loss.sum() if self.reduction == "sum" else loss.mean()
'''),
        ("modulating factor detached: right values, wrong gradient", '''
class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, ignore_index=-100, reduction="mean"):
        super().__init__()
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(reduction)
        self.gamma, self.ignore_index, self.reduction = gamma, ignore_index, reduction

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=1)
        keep = target != self.ignore_index
        safe = torch.where(keep, target, torch.zeros_like(target))
        logp_t = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
        factor = (1 - logp_t.detach().exp()) ** self.gamma
        loss = torch.where(keep, -factor * logp_t, torch.zeros_like(logp_t))
        if self.reduction == "none":
            return loss
        return loss.sum() if self.reduction == "sum" else loss.sum() / keep.sum()
'''),
        ("p_t**gamma instead of (1 - p_t)**gamma: easy examples weighted up", '''
class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, ignore_index=-100, reduction="mean"):
        super().__init__()
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(reduction)
        self.gamma, self.ignore_index, self.reduction = gamma, ignore_index, reduction

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=1)
        keep = target != self.ignore_index
        safe = torch.where(keep, target, torch.zeros_like(target))
        logp_t = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
        loss = torch.where(keep, -(logp_t.exp() ** self.gamma) * logp_t, torch.zeros_like(logp_t))
        if self.reduction == "none":
            return loss
        return loss.sum() if self.reduction == "sum" else loss.sum() / keep.sum()
'''),
        ("gamma hard-coded to 2 (the setting is stored but not used)", '''
class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, ignore_index=-100, reduction="mean"):
        super().__init__()
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(reduction)
        self.gamma, self.ignore_index, self.reduction = gamma, ignore_index, reduction

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=1)
        keep = target != self.ignore_index
        safe = torch.where(keep, target, torch.zeros_like(target))
        logp_t = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
        loss = torch.where(keep, -((1 - logp_t.exp()) ** 2) * logp_t, torch.zeros_like(logp_t))
        if self.reduction == "none":
            return loss
        return loss.sum() if self.reduction == "sum" else loss.sum() / keep.sum()
'''),
        ("ignore_index hard-coded to -100", '''
class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, ignore_index=-100, reduction="mean"):
        super().__init__()
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(reduction)
        self.gamma, self.ignore_index, self.reduction = gamma, ignore_index, reduction

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=1)
        keep = target != -100
        safe = torch.where(keep, target, torch.zeros_like(target))
        logp_t = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
        loss = torch.where(keep, -((1 - logp_t.exp()) ** self.gamma) * logp_t, torch.zeros_like(logp_t))
        if self.reduction == "none":
            return loss
        return loss.sum() if self.reduction == "sum" else loss.sum() / keep.sum()
'''),
        ("forgets super().__init__(): the module cannot be called", '''
class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, ignore_index=-100, reduction="mean"):
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(reduction)
        self.gamma, self.ignore_index, self.reduction = gamma, ignore_index, reduction

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=1)
        keep = target != self.ignore_index
        safe = torch.where(keep, target, torch.zeros_like(target))
        logp_t = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
        loss = torch.where(keep, -((1 - logp_t.exp()) ** self.gamma) * logp_t, torch.zeros_like(logp_t))
        if self.reduction == "none":
            return loss
        return loss.sum() if self.reduction == "sum" else loss.sum() / keep.sum()
'''),
        ("an unknown reduction silently falls back to the mean", '''
class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, ignore_index=-100, reduction="mean"):
        super().__init__()
        self.gamma, self.ignore_index, self.reduction = gamma, ignore_index, reduction

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=1)
        keep = target != self.ignore_index
        safe = torch.where(keep, target, torch.zeros_like(target))
        logp_t = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
        loss = torch.where(keep, -((1 - logp_t.exp()) ** self.gamma) * logp_t, torch.zeros_like(logp_t))
        if self.reduction == "none":
            return loss
        return loss.sum() if self.reduction == "sum" else loss.sum() / keep.sum()
'''),
        ("replaces the ignored targets in place in the caller's tensor (target[~keep] = 0)", '''
class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, ignore_index=-100, reduction="mean"):
        super().__init__()
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(reduction)
        self.gamma, self.ignore_index, self.reduction = gamma, ignore_index, reduction

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=1)
        keep = target != self.ignore_index
        target[~keep] = 0
        logp_t = logp.gather(1, target.unsqueeze(1)).squeeze(1)
        loss = -((1 - logp_t.exp()) ** self.gamma) * logp_t * keep
        if self.reduction == "none":
            return loss
        return loss.sum() if self.reduction == "sum" else loss.sum() / keep.sum()
'''),
        ("calls F.cross_entropy for -log p_t (the mechanism skipped)", '''
class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, ignore_index=-100, reduction="mean"):
        super().__init__()
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(reduction)
        self.gamma, self.ignore_index, self.reduction = gamma, ignore_index, reduction

    def forward(self, logits, target):
        ce = F.cross_entropy(logits, target, ignore_index=self.ignore_index, reduction="none")
        loss = (1 - torch.exp(-ce)) ** self.gamma * ce
        if self.reduction == "none":
            return loss
        keep = target != self.ignore_index
        return loss.sum() if self.reduction == "sum" else loss.sum() / keep.sum()
'''),
    ],
}
