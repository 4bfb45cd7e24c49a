"""Known-wrong answers for chapter 10 (quantization): each must fail its exercise's tests."""

MUTANTS = {
    "quantize_dequantize": [
        (
            "no clamping: .to(dtype) wraps around (300 -> 44) instead of saturating",
            """
def quantize(x, scale, zero_point, dtype):
    return (torch.round(x / scale) + zero_point).to(dtype)


def dequantize(q, scale, zero_point):
    return (q.to(torch.float32) - zero_point) * scale
""",
        ),
        (
            "rounds after adding the zero point: round(x / s + z) differs on ties",
            """
def quantize(x, scale, zero_point, dtype):
    info = torch.iinfo(dtype)
    return torch.clamp(torch.round(x / scale + zero_point), info.min, info.max).to(dtype)


def dequantize(q, scale, zero_point):
    return (q.to(torch.float32) - zero_point) * scale
""",
        ),
        (
            "truncates toward zero (.to(dtype)) instead of rounding",
            """
def quantize(x, scale, zero_point, dtype):
    info = torch.iinfo(dtype)
    return torch.clamp(x / scale + zero_point, info.min, info.max).to(dtype)


def dequantize(q, scale, zero_point):
    return (q.to(torch.float32) - zero_point) * scale
""",
        ),
        (
            "dequantize subtracts the zero point in uint8 arithmetic (wraps around)",
            """
def quantize(x, scale, zero_point, dtype):
    info = torch.iinfo(dtype)
    return torch.clamp(torch.round(x / scale) + zero_point, info.min, info.max).to(dtype)


def dequantize(q, scale, zero_point):
    return ((q - zero_point) * scale).to(torch.float32)
""",
        ),
    ],
    "choose_qparams": [
        (
            "scale from the max only, max / (qmax - qmin), instead of (max - min)",
            """
def choose_qparams(min_val, max_val, dtype, symmetric=False):
    info = torch.iinfo(dtype)
    qmin, qmax = info.min, info.max
    min_neg = torch.clamp(min_val, max=0.0)
    max_pos = torch.clamp(max_val, min=0.0)
    eps = torch.finfo(torch.float32).eps
    if symmetric:
        bound = torch.maximum(-min_neg, max_pos)
        scale = torch.clamp(bound / ((qmax - qmin) / 2), min=eps)
        zero_point = torch.full_like(scale, (qmin + qmax + 1) // 2, dtype=torch.int64)
    else:
        scale = torch.clamp(max_pos / (qmax - qmin), min=eps)
        zero_point = torch.clamp(qmin - torch.round(min_neg / scale).to(torch.int64), qmin, qmax)
    return scale, zero_point
""",
        ),
        (
            "forgets to extend the range to include 0",
            """
def choose_qparams(min_val, max_val, dtype, symmetric=False):
    info = torch.iinfo(dtype)
    qmin, qmax = info.min, info.max
    eps = torch.finfo(torch.float32).eps
    if symmetric:
        bound = torch.maximum(-min_val, max_val)
        scale = torch.clamp(bound / ((qmax - qmin) / 2), min=eps)
        zero_point = torch.full_like(scale, (qmin + qmax + 1) // 2, dtype=torch.int64)
    else:
        scale = torch.clamp((max_val - min_val) / (qmax - qmin), min=eps)
        zero_point = torch.clamp(qmin - torch.round(min_val / scale).to(torch.int64), qmin, qmax)
    return scale, zero_point
""",
        ),
        (
            "symmetric scale divides by (qmax - qmin) instead of (qmax - qmin) / 2",
            """
def choose_qparams(min_val, max_val, dtype, symmetric=False):
    info = torch.iinfo(dtype)
    qmin, qmax = info.min, info.max
    min_neg = torch.clamp(min_val, max=0.0)
    max_pos = torch.clamp(max_val, min=0.0)
    eps = torch.finfo(torch.float32).eps
    if symmetric:
        bound = torch.maximum(-min_neg, max_pos)
        scale = torch.clamp(bound / (qmax - qmin), min=eps)
        zero_point = torch.full_like(scale, (qmin + qmax + 1) // 2, dtype=torch.int64)
    else:
        scale = torch.clamp((max_pos - min_neg) / (qmax - qmin), min=eps)
        zero_point = torch.clamp(qmin - torch.round(min_neg / scale).to(torch.int64), qmin, qmax)
    return scale, zero_point
""",
        ),
        (
            "no eps floor: an all-zero range gives scale 0",
            """
def choose_qparams(min_val, max_val, dtype, symmetric=False):
    info = torch.iinfo(dtype)
    qmin, qmax = info.min, info.max
    min_neg = torch.clamp(min_val, max=0.0)
    max_pos = torch.clamp(max_val, min=0.0)
    if symmetric:
        scale = torch.maximum(-min_neg, max_pos) / ((qmax - qmin) / 2)
        zero_point = torch.full_like(scale, (qmin + qmax + 1) // 2, dtype=torch.int64)
    else:
        scale = (max_pos - min_neg) / (qmax - qmin)
        zero_point = torch.clamp(qmin - torch.round(min_neg / scale).to(torch.int64), qmin, qmax)
    return scale, zero_point
""",
        ),
    ],
    "running_min_max_observer": [
        (
            "remembers only the last batch instead of the running min/max",
            """
class RunningMinMaxObserver(nn.Module):
    def __init__(self, dtype=torch.uint8, symmetric=False):
        super().__init__()
        self.dtype = dtype
        self.symmetric = symmetric
        self.register_buffer("min_val", torch.tensor(float("inf")))
        self.register_buffer("max_val", torch.tensor(float("-inf")))

    def forward(self, x):
        values = x.detach().to(self.min_val.device, torch.float32)
        self.min_val = values.min()
        self.max_val = values.max()
        return x

    def calculate_qparams(self):
        if bool(self.min_val > self.max_val):
            raise RuntimeError("no data observed")
        return choose_qparams(self.min_val, self.max_val, self.dtype, self.symmetric)
""",
        ),
        (
            "computes its own qparams and forgets to include 0 in the range",
            """
class RunningMinMaxObserver(nn.Module):
    def __init__(self, dtype=torch.uint8, symmetric=False):
        super().__init__()
        self.dtype = dtype
        self.symmetric = symmetric
        self.register_buffer("min_val", torch.tensor(float("inf")))
        self.register_buffer("max_val", torch.tensor(float("-inf")))

    def forward(self, x):
        values = x.detach().to(self.min_val.device, torch.float32)
        self.min_val = torch.minimum(self.min_val, values.min())
        self.max_val = torch.maximum(self.max_val, values.max())
        return x

    def calculate_qparams(self):
        if bool(self.min_val > self.max_val):
            raise RuntimeError("no data observed")
        info = torch.iinfo(self.dtype)
        if self.symmetric:
            bound = torch.maximum(-self.min_val, self.max_val)
            scale = bound / ((info.max - info.min) / 2)
            zero_point = torch.full_like(scale, (info.min + info.max + 1) // 2, dtype=torch.int64)
            return scale, zero_point
        scale = (self.max_val - self.min_val) / (info.max - info.min)
        zero_point = info.min - torch.round(self.min_val / scale).to(torch.int64)
        return scale, torch.clamp(zero_point, info.min, info.max)
""",
        ),
        (
            "forward returns nothing (breaks the model it is attached to)",
            """
class RunningMinMaxObserver(nn.Module):
    def __init__(self, dtype=torch.uint8, symmetric=False):
        super().__init__()
        self.dtype = dtype
        self.symmetric = symmetric
        self.register_buffer("min_val", torch.tensor(float("inf")))
        self.register_buffer("max_val", torch.tensor(float("-inf")))

    def forward(self, x):
        values = x.detach().to(self.min_val.device, torch.float32)
        self.min_val = torch.minimum(self.min_val, values.min())
        self.max_val = torch.maximum(self.max_val, values.max())

    def calculate_qparams(self):
        if bool(self.min_val > self.max_val):
            raise RuntimeError("no data observed")
        return choose_qparams(self.min_val, self.max_val, self.dtype, self.symmetric)
""",
        ),
        (
            "plain attributes instead of buffers, and silent defaults before calibration",
            """
class RunningMinMaxObserver(nn.Module):
    def __init__(self, dtype=torch.uint8, symmetric=False):
        super().__init__()
        self.dtype = dtype
        self.symmetric = symmetric
        self.min_val = torch.tensor(float("inf"))
        self.max_val = torch.tensor(float("-inf"))

    def forward(self, x):
        values = x.detach().cpu().float()
        self.min_val = torch.minimum(self.min_val, values.min())
        self.max_val = torch.maximum(self.max_val, values.max())
        return x

    def calculate_qparams(self):
        if bool(self.min_val > self.max_val):
            return torch.tensor(1.0), torch.tensor(0)
        return choose_qparams(self.min_val, self.max_val, self.dtype, self.symmetric)
""",
        ),
        (
            "forward returns x.detach() (cuts the gradient during QAT-style use)",
            """
class RunningMinMaxObserver(nn.Module):
    def __init__(self, dtype=torch.uint8, symmetric=False):
        super().__init__()
        self.dtype = dtype
        self.symmetric = symmetric
        self.register_buffer("min_val", torch.tensor(float("inf")))
        self.register_buffer("max_val", torch.tensor(float("-inf")))

    def forward(self, x):
        x = x.detach()
        self.min_val = torch.minimum(self.min_val, x.min().float())
        self.max_val = torch.maximum(self.max_val, x.max().float())
        return x

    def calculate_qparams(self):
        if bool(self.min_val > self.max_val):
            raise RuntimeError("no data")
        return choose_qparams(self.min_val, self.max_val, self.dtype, self.symmetric)
""",
        ),
        (
            "never detaches: the buffers keep the autograd graph of every batch",
            """
class RunningMinMaxObserver(nn.Module):
    def __init__(self, dtype=torch.uint8, symmetric=False):
        super().__init__()
        self.dtype = dtype
        self.symmetric = symmetric
        self.register_buffer("min_val", torch.tensor(float("inf")))
        self.register_buffer("max_val", torch.tensor(float("-inf")))

    def forward(self, x):
        self.min_val = torch.minimum(self.min_val, x.min().float())
        self.max_val = torch.maximum(self.max_val, x.max().float())
        return x

    def calculate_qparams(self):
        if bool(self.min_val > self.max_val):
            raise RuntimeError("no data")
        return choose_qparams(self.min_val, self.max_val, self.dtype, self.symmetric)
""",
        ),
    ],
    "quantize_per_channel": [
        (
            "reduces over the channel axis instead of over the other dimensions",
            """
def quantize_per_channel(weight, axis=0):
    w = weight.detach()
    scales, zero_points = choose_qparams(
        w.amin(dim=axis), w.amax(dim=axis), torch.int8, symmetric=True
    )
    shape = [1] * w.dim()
    shape[axis] = -1
    q = quantize(w, scales.view(shape), zero_points.view(shape), torch.int8)
    return q, scales, zero_points
""",
        ),
        (
            "reshapes the scales to (C, 1, ...) whatever the axis (broadcasts along axis 0)",
            """
def quantize_per_channel(weight, axis=0):
    w = weight.detach()
    channels = w.movedim(axis, 0).flatten(1)
    scales, zero_points = choose_qparams(
        channels.amin(dim=1), channels.amax(dim=1), torch.int8, symmetric=True
    )
    shape = [-1] + [1] * (w.dim() - 1)
    q = quantize(w, scales.view(shape), 0, torch.int8)
    return q, scales, zero_points
""",
        ),
        (
            "one scale for the whole tensor, repeated per channel",
            """
def quantize_per_channel(weight, axis=0):
    w = weight.detach()
    scale, zero_point = choose_qparams(w.min(), w.max(), torch.int8, symmetric=True)
    q = quantize(w, scale, zero_point, torch.int8)
    channels = w.shape[axis]
    return q, scale.expand(channels).clone(), zero_point.expand(channels).clone()
""",
        ),
        (
            "asymmetric qparams (symmetric=False): zero points that are not 0",
            """
def quantize_per_channel(weight, axis=0):
    channels = weight.detach().movedim(axis, 0).flatten(1)
    scales, zero_points = choose_qparams(channels.amin(dim=1), channels.amax(dim=1), torch.int8)
    shape = [1] * weight.dim()
    shape[axis] = -1
    q = quantize(weight.detach(), scales.view(shape), zero_points.view(shape), torch.int8)
    return q, scales, zero_points
""",
        ),
        (
            "handles a 2-d weight only (transposes for axis=1, reduces over dim 1)",
            """
def quantize_per_channel(weight, axis=0):
    w = weight.detach()
    rows = w if axis == 0 else w.T
    scales, zero_points = choose_qparams(
        rows.amin(dim=1), rows.amax(dim=1), torch.int8, symmetric=True
    )
    shape = [1] * w.dim()
    shape[axis] = -1
    q = quantize(w, scales.view(shape), zero_points.view(shape), torch.int8)
    return q, scales, zero_points
""",
        ),
        (
            "divides the weight in place through .detach() (which shares its storage)",
            """
def quantize_per_channel(weight, axis=0):
    w = weight.detach()
    channels = w.movedim(axis, 0).flatten(1)
    scales, zero_points = choose_qparams(
        channels.amin(dim=1), channels.amax(dim=1), torch.int8, symmetric=True
    )
    shape = [1] * w.dim()
    shape[axis] = -1
    w /= scales.view(shape)
    q = torch.clamp(torch.round(w), -128, 127).to(torch.int8)
    return q, scales, zero_points
""",
        ),
        (
            "never detaches: the scales of a Parameter stay in its autograd graph",
            """
def quantize_per_channel(weight, axis=0):
    channels = weight.movedim(axis, 0).flatten(1)
    scales, zero_points = choose_qparams(
        channels.amin(dim=1), channels.amax(dim=1), torch.int8, symmetric=True
    )
    shape = [1] * weight.dim()
    shape[axis] = -1
    q = quantize(weight, scales.view(shape), zero_points.view(shape), torch.int8)
    return q, scales, zero_points
""",
        ),
    ],
    "dynamic_quantized_linear": [
        (
            "forgets to subtract the activation zero point",
            """
def dynamic_quantized_linear(x, weight_q, weight_scale, bias=None):
    x_scale, x_zero_point = choose_qparams(x.min(), x.max(), torch.uint8)
    x_q = quantize(x, x_scale, x_zero_point, torch.uint8)
    accumulator = x_q.to(torch.int32) @ weight_q.to(torch.int32).T
    y = accumulator.to(torch.float32) * (x_scale * weight_scale)
    return y if bias is None else y + bias
""",
        ),
        (
            "applies the per-channel weight scales along the batch dimension",
            """
def dynamic_quantized_linear(x, weight_q, weight_scale, bias=None):
    x_scale, x_zero_point = choose_qparams(x.min(), x.max(), torch.uint8)
    x_q = quantize(x, x_scale, x_zero_point, torch.uint8)
    accumulator = (x_q.to(torch.int32) - x_zero_point.to(torch.int32)) @ weight_q.to(torch.int32).T
    y = accumulator.to(torch.float32) * (x_scale * weight_scale[:, None])
    return y if bias is None else y + bias
""",
        ),
        (
            "a fixed activation range [0, 1] instead of this batch's range",
            """
def dynamic_quantized_linear(x, weight_q, weight_scale, bias=None):
    x_scale, x_zero_point = torch.tensor(1 / 255), torch.tensor(0)
    x_q = quantize(x, x_scale, x_zero_point, torch.uint8)
    accumulator = (x_q.to(torch.int32) - x_zero_point.to(torch.int32)) @ weight_q.to(torch.int32).T
    y = accumulator.to(torch.float32) * (x_scale * weight_scale)
    return y if bias is None else y + bias
""",
        ),
        (
            "symmetric int8 activations instead of asymmetric uint8",
            """
def dynamic_quantized_linear(x, weight_q, weight_scale, bias=None):
    x_scale, x_zero_point = choose_qparams(x.min(), x.max(), torch.int8, symmetric=True)
    x_q = quantize(x, x_scale, x_zero_point, torch.int8)
    accumulator = (x_q.to(torch.int32) - x_zero_point.to(torch.int32)) @ weight_q.to(torch.int32).T
    y = accumulator.to(torch.float32) * (x_scale * weight_scale)
    return y if bias is None else y + bias
""",
        ),
    ],
    "quantize_static": [
        (
            "no calibration data: convert_pt2e right after prepare_pt2e",
            """
def quantize_static(model, calibration_batches):
    model = copy.deepcopy(model).eval()
    graph = torch.export.export(
        model, (calibration_batches[0],), dynamic_shapes=({0: torch.export.Dim("batch")},)
    ).module()
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config())
    prepared = prepare_pt2e(graph, quantizer)
    return remove_unused_weights(convert_pt2e(prepared))
""",
        ),
        (
            "exported without a dynamic batch dimension",
            """
def quantize_static(model, calibration_batches):
    model = copy.deepcopy(model).eval()
    graph = torch.export.export(model, (calibration_batches[0],)).module()
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config())
    prepared = prepare_pt2e(graph, quantizer)
    with torch.inference_mode():
        for batch in calibration_batches:
            prepared(batch)
    return remove_unused_weights(convert_pt2e(prepared))
""",
        ),
        (
            "leaves the unused float weights attached (the file is bigger, not smaller)",
            """
def quantize_static(model, calibration_batches):
    model = copy.deepcopy(model).eval()
    graph = torch.export.export(
        model, (calibration_batches[0],), dynamic_shapes=({0: torch.export.Dim("batch")},)
    ).module()
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config())
    prepared = prepare_pt2e(graph, quantizer)
    with torch.inference_mode():
        for batch in calibration_batches:
            prepared(batch)
    return convert_pt2e(prepared)
""",
        ),
        (
            "calibrates the exported graph instead of the prepared one (observers see nothing)",
            """
def quantize_static(model, calibration_batches):
    model = copy.deepcopy(model).eval()
    graph = torch.export.export(
        model, (calibration_batches[0],), dynamic_shapes=({0: torch.export.Dim("batch")},)
    ).module()
    with torch.inference_mode():
        for batch in calibration_batches:
            graph(batch)
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config())
    prepared = prepare_pt2e(graph, quantizer)
    return remove_unused_weights(convert_pt2e(prepared))
""",
        ),
    ],
    "fake_quantize_ste": [
        (
            "plain torch.round: no straight-through gradient (the gradient is 0)",
            """
def fake_quantize_ste(x, scale, zero_point, qmin, qmax):
    q = torch.clamp(torch.round(x / scale) + zero_point, qmin, qmax)
    return (q - zero_point) * scale
""",
        ),
        (
            "straight-through everywhere: gradient 1 even where the value was clamped",
            """
def fake_quantize_ste(x, scale, zero_point, qmin, qmax):
    q = torch.clamp(torch.round(x / scale) + zero_point, qmin, qmax)
    x_hat = (q - zero_point) * scale
    return x_hat.detach() + (x - x.detach())
""",
        ),
        (
            "detaches the whole result: no gradient reaches x",
            """
def fake_quantize_ste(x, scale, zero_point, qmin, qmax):
    q = torch.clamp(torch.round(x.detach() / scale) + zero_point, qmin, qmax)
    return (q - zero_point) * scale
""",
        ),
        (
            "calls PyTorch's own fake_quantize_* instead of writing the estimator",
            """
def fake_quantize_ste(x, scale, zero_point, qmin, qmax):
    if isinstance(scale, torch.Tensor) and scale.numel() > 1:
        zero_points = torch.zeros(scale.numel(), dtype=torch.int32) + zero_point
        return torch.fake_quantize_per_channel_affine(
            x, scale.reshape(-1), zero_points, 0, qmin, qmax
        )
    return torch.fake_quantize_per_tensor_affine(x, float(scale), int(zero_point), qmin, qmax)
""",
        ),
        (
            "decides 'inside' before rounding (x / scale + zero_point in range)",
            """
def fake_quantize_ste(x, scale, zero_point, qmin, qmax):
    unrounded = x * (1.0 / scale) + zero_point
    inside = ((unrounded >= qmin) & (unrounded <= qmax)).to(x.dtype)
    q = torch.round(unrounded)
    x_hat = (torch.clamp(q, qmin, qmax) - zero_point) * scale
    return x_hat.detach() + inside * (x - x.detach())
""",
        ),
        (
            "strict inequalities: no gradient at exactly qmin or qmax",
            """
def fake_quantize_ste(x, scale, zero_point, qmin, qmax):
    q = torch.round(x * (1.0 / scale)) + zero_point
    inside = ((q > qmin) & (q < qmax)).to(x.dtype)
    x_hat = (torch.clamp(q, qmin, qmax) - zero_point) * scale
    return x_hat.detach() + inside * (x - x.detach())
""",
        ),
        (
            "turns the scale into a Python float (per-channel scales fail)",
            """
def fake_quantize_ste(x, scale, zero_point, qmin, qmax):
    scale, zero_point = float(scale), int(zero_point)
    q = torch.round(x * (1.0 / scale)) + zero_point
    inside = ((q >= qmin) & (q <= qmax)).to(x.dtype)
    x_hat = (torch.clamp(q, qmin, qmax) - zero_point) * scale
    return x_hat.detach() + inside * (x - x.detach())
""",
        ),
        (
            "no clamp: rounds to the grid but never saturates at qmin/qmax",
            """
def fake_quantize_ste(x, scale, zero_point, qmin, qmax):
    q = torch.round(x * (1.0 / scale)) + zero_point
    inside = ((q >= qmin) & (q <= qmax)).to(x.dtype)
    x_hat = (q - zero_point) * scale
    return x_hat.detach() + inside * (x - x.detach())
""",
        ),
        (
            "wrong zero-point sign: q = round(x / scale) - zero_point, x_hat = scale * (q + zp)",
            """
def fake_quantize_ste(x, scale, zero_point, qmin, qmax):
    q = torch.round(x * (1.0 / scale)) - zero_point
    inside = ((q >= qmin) & (q <= qmax)).to(x.dtype)
    x_hat = (torch.clamp(q, qmin, qmax) + zero_point) * scale
    return x_hat.detach() + inside * (x - x.detach())
""",
        ),
    ],
    "fold_batchnorm": [
        (
            "forgets eps: divides by sqrt(running_var)",
            """
def fold_batchnorm(conv, bn):
    with torch.no_grad():
        k = 1 / torch.sqrt(bn.running_var)
        if bn.weight is not None:
            k = k * bn.weight
        bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
        new_bias = k * (bias - bn.running_mean)
        if bn.bias is not None:
            new_bias = new_bias + bn.bias
        new_weight = conv.weight * k.reshape(-1, 1, 1, 1)
    folded = copy.deepcopy(conv)
    folded.weight = nn.Parameter(new_weight)
    folded.bias = nn.Parameter(new_bias)
    return folded
""",
        ),
        (
            "bias ignores the running mean: k * bias + beta",
            """
def fold_batchnorm(conv, bn):
    with torch.no_grad():
        k = torch.rsqrt(bn.running_var + bn.eps)
        if bn.weight is not None:
            k = k * bn.weight
        bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
        new_bias = k * bias
        if bn.bias is not None:
            new_bias = new_bias + bn.bias
        new_weight = conv.weight * k.reshape(-1, 1, 1, 1)
    folded = copy.deepcopy(conv)
    folded.weight = nn.Parameter(new_weight)
    folded.bias = nn.Parameter(new_bias)
    return folded
""",
        ),
        (
            "scales the weight along the input channels (k reshaped to (1, C, 1, 1))",
            """
def fold_batchnorm(conv, bn):
    with torch.no_grad():
        k = torch.rsqrt(bn.running_var + bn.eps)
        if bn.weight is not None:
            k = k * bn.weight
        bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
        new_bias = k * (bias - bn.running_mean)
        if bn.bias is not None:
            new_bias = new_bias + bn.bias
        new_weight = conv.weight * k.reshape(1, -1, 1, 1)
    folded = copy.deepcopy(conv)
    folded.weight = nn.Parameter(new_weight)
    folded.bias = nn.Parameter(new_bias)
    return folded
""",
        ),
        (
            "folds in place: rescales conv's own weight and bias and returns conv",
            """
def fold_batchnorm(conv, bn):
    with torch.no_grad():
        k = torch.rsqrt(bn.running_var + bn.eps)
        if bn.weight is not None:
            k = k * bn.weight
        if conv.bias is None:
            conv.bias = nn.Parameter(torch.zeros_like(bn.running_mean))
        conv.bias.sub_(bn.running_mean).mul_(k)
        if bn.bias is not None:
            conv.bias.add_(bn.bias)
        conv.weight.mul_(k.reshape(-1, 1, 1, 1))
    return conv
""",
        ),
        (
            "assumes the conv has a bias (fails for bias=False)",
            """
def fold_batchnorm(conv, bn):
    with torch.no_grad():
        k = torch.rsqrt(bn.running_var + bn.eps)
        if bn.weight is not None:
            k = k * bn.weight
        new_bias = k * (conv.bias - bn.running_mean)
        if bn.bias is not None:
            new_bias = new_bias + bn.bias
        new_weight = conv.weight * k.reshape(-1, 1, 1, 1)
    folded = copy.deepcopy(conv)
    folded.weight = nn.Parameter(new_weight)
    folded.bias = nn.Parameter(new_bias)
    return folded
""",
        ),
        (
            "assumes an affine BatchNorm (bn.weight and bn.bias may be None)",
            """
def fold_batchnorm(conv, bn):
    with torch.no_grad():
        k = bn.weight * torch.rsqrt(bn.running_var + bn.eps)
        bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
        new_bias = k * (bias - bn.running_mean) + bn.bias
        new_weight = conv.weight * k.reshape(-1, 1, 1, 1)
    folded = copy.deepcopy(conv)
    folded.weight = nn.Parameter(new_weight)
    folded.bias = nn.Parameter(new_bias)
    return folded
""",
        ),
        (
            "a fresh nn.Conv2d(in, out, kernel_size): stride, padding, dilation, groups lost",
            """
def fold_batchnorm(conv, bn):
    with torch.no_grad():
        k = torch.rsqrt(bn.running_var + bn.eps)
        if bn.weight is not None:
            k = k * bn.weight
        bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
        new_bias = k * (bias - bn.running_mean)
        if bn.bias is not None:
            new_bias = new_bias + bn.bias
        new_weight = conv.weight * k.reshape(-1, 1, 1, 1)
    folded = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size)
    folded.weight = nn.Parameter(new_weight)
    folded.bias = nn.Parameter(new_bias)
    return folded
""",
        ),
        (
            "calls torch.nn.utils.fusion.fuse_conv_bn_eval instead of folding by hand",
            """
def fold_batchnorm(conv, bn):
    from torch.nn.utils.fusion import fuse_conv_bn_eval

    return fuse_conv_bn_eval(copy.deepcopy(conv).eval(), copy.deepcopy(bn).eval())
""",
        ),
    ],
    "quantize_qat": [
        (
            "the PTQ recipe (is_qat forgotten): observers, no fake quantization while training",
            """
def quantize_qat(model, X, y, num_steps, batch_size=64, lr=1e-4, seed=0):
    model = copy.deepcopy(model).train()
    graph = torch.export.export(
        model, (X[:2],), dynamic_shapes=({0: torch.export.Dim("batch")},)
    ).module()
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config())
    prepared = prepare_qat_pt2e(graph, quantizer)
    optimizer = torch.optim.AdamW(prepared.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(num_steps):
        index = torch.randint(0, len(X), (batch_size,), generator=generator)
        loss = F.cross_entropy(prepared(X[index]), y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    move_exported_model_to_eval(prepared)
    return remove_unused_weights(convert_pt2e(prepared))
""",
        ),
        (
            "prepare_pt2e (the PTQ function, PTQ recipe) and then a training loop",
            """
def quantize_qat(model, X, y, num_steps, batch_size=64, lr=1e-4, seed=0):
    model = copy.deepcopy(model).train()
    graph = torch.export.export(
        model, (X[:2],), dynamic_shapes=({0: torch.export.Dim("batch")},)
    ).module()
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config())
    prepared = prepare_pt2e(graph, quantizer)
    optimizer = torch.optim.AdamW(prepared.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(num_steps):
        index = torch.randint(0, len(X), (batch_size,), generator=generator)
        loss = F.cross_entropy(prepared(X[index]), y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    move_exported_model_to_eval(prepared)
    return remove_unused_weights(convert_pt2e(prepared))
""",
        ),
        (
            "prepared.eval() instead of move_exported_model_to_eval (raises NotImplementedError)",
            """
def quantize_qat(model, X, y, num_steps, batch_size=64, lr=1e-4, seed=0):
    model = copy.deepcopy(model).train()
    graph = torch.export.export(
        model, (X[:2],), dynamic_shapes=({0: torch.export.Dim("batch")},)
    ).module()
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config(is_qat=True))
    prepared = prepare_qat_pt2e(graph, quantizer)
    optimizer = torch.optim.AdamW(prepared.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(num_steps):
        index = torch.randint(0, len(X), (batch_size,), generator=generator)
        loss = F.cross_entropy(prepared(X[index]), y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    prepared.eval()
    return remove_unused_weights(convert_pt2e(prepared))
""",
        ),
        (
            "forgets move_exported_model_to_eval: the int8 model still runs dropout",
            """
def quantize_qat(model, X, y, num_steps, batch_size=64, lr=1e-4, seed=0):
    model = copy.deepcopy(model).train()
    graph = torch.export.export(
        model, (X[:2],), dynamic_shapes=({0: torch.export.Dim("batch")},)
    ).module()
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config(is_qat=True))
    prepared = prepare_qat_pt2e(graph, quantizer)
    optimizer = torch.optim.AdamW(prepared.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(num_steps):
        index = torch.randint(0, len(X), (batch_size,), generator=generator)
        loss = F.cross_entropy(prepared(X[index]), y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return remove_unused_weights(convert_pt2e(prepared))
""",
        ),
        (
            "the optimizer updates the caller's model, not the exported copy that gets converted",
            """
def quantize_qat(model, X, y, num_steps, batch_size=64, lr=1e-4, seed=0):
    copied = copy.deepcopy(model).train()
    graph = torch.export.export(
        copied, (X[:2],), dynamic_shapes=({0: torch.export.Dim("batch")},)
    ).module()
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config(is_qat=True))
    prepared = prepare_qat_pt2e(graph, quantizer)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(num_steps):
        index = torch.randint(0, len(X), (batch_size,), generator=generator)
        loss = F.cross_entropy(prepared(X[index]), y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    move_exported_model_to_eval(prepared)
    return remove_unused_weights(convert_pt2e(prepared))
""",
        ),
        (
            "zero_grad between backward and step: every step applies a zero gradient",
            """
def quantize_qat(model, X, y, num_steps, batch_size=64, lr=1e-4, seed=0):
    model = copy.deepcopy(model).train()
    graph = torch.export.export(
        model, (X[:2],), dynamic_shapes=({0: torch.export.Dim("batch")},)
    ).module()
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config(is_qat=True))
    prepared = prepare_qat_pt2e(graph, quantizer)
    optimizer = torch.optim.AdamW(prepared.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(num_steps):
        index = torch.randint(0, len(X), (batch_size,), generator=generator)
        loss = F.cross_entropy(prepared(X[index]), y[index])
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
    move_exported_model_to_eval(prepared)
    return remove_unused_weights(convert_pt2e(prepared))
""",
        ),
        (
            "exported without a dynamic batch dimension",
            """
def quantize_qat(model, X, y, num_steps, batch_size=64, lr=1e-4, seed=0):
    model = copy.deepcopy(model).train()
    graph = torch.export.export(model, (X[:batch_size],)).module()
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config(is_qat=True))
    prepared = prepare_qat_pt2e(graph, quantizer)
    optimizer = torch.optim.AdamW(prepared.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(num_steps):
        index = torch.randint(0, len(X), (batch_size,), generator=generator)
        loss = F.cross_entropy(prepared(X[index]), y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    move_exported_model_to_eval(prepared)
    return remove_unused_weights(convert_pt2e(prepared))
""",
        ),
        (
            "the same first batch every step instead of random batches of all of (X, y)",
            """
def quantize_qat(model, X, y, num_steps, batch_size=64, lr=1e-4, seed=0):
    model = copy.deepcopy(model).train()
    graph = torch.export.export(
        model, (X[:2],), dynamic_shapes=({0: torch.export.Dim("batch")},)
    ).module()
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config(is_qat=True))
    prepared = prepare_qat_pt2e(graph, quantizer)
    optimizer = torch.optim.AdamW(prepared.parameters(), lr=lr)
    for _ in range(num_steps):
        loss = F.cross_entropy(prepared(X[:batch_size]), y[:batch_size])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    move_exported_model_to_eval(prepared)
    return remove_unused_weights(convert_pt2e(prepared))
""",
        ),
        (
            "leaves the unused float weights attached (the file is not smaller)",
            """
def quantize_qat(model, X, y, num_steps, batch_size=64, lr=1e-4, seed=0):
    model = copy.deepcopy(model).train()
    graph = torch.export.export(
        model, (X[:2],), dynamic_shapes=({0: torch.export.Dim("batch")},)
    ).module()
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config(is_qat=True))
    prepared = prepare_qat_pt2e(graph, quantizer)
    optimizer = torch.optim.AdamW(prepared.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(num_steps):
        index = torch.randint(0, len(X), (batch_size,), generator=generator)
        loss = F.cross_entropy(prepared(X[index]), y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    move_exported_model_to_eval(prepared)
    return convert_pt2e(prepared)
""",
        ),
        (
            "trains the caller's model itself: no deepcopy, and model.train() changes its mode",
            """
def quantize_qat(model, X, y, num_steps, batch_size=64, lr=1e-4, seed=0):
    model.train()
    graph = torch.export.export(
        model, (X[:2],), dynamic_shapes=({0: torch.export.Dim("batch")},)
    ).module()
    quantizer = X86InductorQuantizer()
    quantizer.set_global(get_default_x86_inductor_quantization_config(is_qat=True))
    prepared = prepare_qat_pt2e(graph, quantizer)
    optimizer = torch.optim.AdamW(prepared.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(num_steps):
        index = torch.randint(0, len(X), (batch_size,), generator=generator)
        loss = F.cross_entropy(prepared(X[index]), y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    move_exported_model_to_eval(prepared)
    return remove_unused_weights(convert_pt2e(prepared))
""",
        ),
    ],
}
