"""Known-wrong answers for chapter 01 (tensors): each must fail its exercise's tests."""

MUTANTS = {
    "select_per_row": [
        ("values[:, index] picks whole columns: shape (N, N)", '''
def select_per_row(values, index):
    return values[:, index]
'''),
        ("values[index] picks whole rows: shape (N, C)", '''
def select_per_row(values, index):
    return values[index]
'''),
        ("row and column indices swapped", '''
def select_per_row(values, index):
    return values[index, torch.arange(values.shape[0])]
'''),
    ],
    "one_hot": [
        ("returns int64 (F.one_hot's dtype) instead of float32", '''
def one_hot(labels, num_classes):
    return torch.nn.functional.one_hot(labels, num_classes)
'''),
        ("infers the number of classes from labels.max() + 1", '''
def one_hot(labels, num_classes):
    return torch.nn.functional.one_hot(labels).float()
'''),
        ("transposed: shape (num_classes, N)", '''
def one_hot(labels, num_classes):
    encoded = torch.zeros(num_classes, labels.shape[0])
    encoded[labels, torch.arange(labels.shape[0])] = 1.0
    return encoded
'''),
    ],
    "contiguous_strides": [
        ("accumulates from the first dimension (column-major order)", '''
def contiguous_strides(shape):
    strides = []
    step = 1
    for size in shape:
        strides.append(step)
        step *= size
    return tuple(strides)
'''),
        ("includes each dimension's own size in its stride", '''
def contiguous_strides(shape):
    return tuple(math.prod(shape[i:]) for i in range(len(shape)))
'''),
        ("returns a list instead of a tuple", '''
def contiguous_strides(shape):
    return list(torch.empty(shape).stride())
'''),
    ],
    "hwc_to_chw": [
        ("reshape instead of permute (scrambles pixels)", '''
def hwc_to_chw(images):
    *lead, h, w, c = images.shape
    return images.reshape(*lead, c, h, w)
'''),
        ("transpose(-1, -3) also swaps H and W", '''
def hwc_to_chw(images):
    return images.transpose(-1, -3)
'''),
        ("permute(0, 3, 1, 2) only works for 4-D batches", '''
def hwc_to_chw(images):
    return images.permute(0, 3, 1, 2)
'''),
    ],
    "pairwise_sq_dists": [
        ("element-wise difference without broadcasting", '''
def pairwise_sq_dists(X, Y):
    return ((X - Y) ** 2).sum(dim=-1)
'''),
        ("Euclidean distance, not squared (torch.cdist)", '''
def pairwise_sq_dists(X, Y):
    return torch.cdist(X, Y)
'''),
        ("sums over the wrong dimension", '''
def pairwise_sq_dists(X, Y):
    return ((X[:, None, :] - Y[None, :, :]) ** 2).sum(dim=1)
'''),
    ],
    "standardize": [
        ("mean and std without keepdim (broadcasts along the wrong axis)", '''
def standardize(x, dim=-1, eps=1e-5):
    return (x - x.mean(dim=dim)) / torch.sqrt(x.var(dim=dim, correction=0) + eps)
'''),
        ("unbiased variance (torch.var's default correction=1)", '''
def standardize(x, dim=-1, eps=1e-5):
    return (x - x.mean(dim=dim, keepdim=True)) / torch.sqrt(x.var(dim=dim, keepdim=True) + eps)
'''),
        ("eps added to the standard deviation instead of the variance", '''
def standardize(x, dim=-1, eps=1e-5):
    return (x - x.mean(dim=dim, keepdim=True)) / (x.std(dim=dim, keepdim=True, correction=0) + eps)
'''),
        ("subtracts the mean in place (modifies the input)", '''
def standardize(x, dim=-1, eps=1e-5):
    x -= x.mean(dim=dim, keepdim=True)
    return x / torch.sqrt(x.var(dim=dim, keepdim=True, correction=0) + eps)
'''),
    ],
    "attention_scores": [
        ("forgets the 1/sqrt(d) scale", '''
def attention_scores(q, k):
    return torch.bmm(q, k.transpose(1, 2))
'''),
        ("divides by d instead of sqrt(d)", '''
def attention_scores(q, k):
    return q @ k.transpose(-2, -1) / q.shape[-1]
'''),
        ("transposes the wrong operand (q^T k)", '''
def attention_scores(q, k):
    return torch.bmm(q.transpose(1, 2), k) / math.sqrt(q.shape[-1])
'''),
    ],
    "fill_nan": [
        ("assigns through a mask on the input (modifies x in place)", '''
def fill_nan(x, value=0.0):
    x[torch.isnan(x)] = value
    return x
'''),
        ("compares with == nan, which is never true", '''
def fill_nan(x, value=0.0):
    out = x.clone()
    out[out == float("nan")] = value
    return out
'''),
        ("torch.nan_to_num also replaces infinities", '''
def fill_nan(x, value=0.0):
    return torch.nan_to_num(x, nan=value)
'''),
    ],
    "to_numpy_copy": [
        (".numpy() shares memory (and fails with requires_grad)", '''
def to_numpy_copy(t):
    return t.numpy()
'''),
        (".detach().cpu().numpy() still shares memory for CPU tensors", '''
def to_numpy_copy(t):
    return t.detach().cpu().numpy()
'''),
        ("np.array(t.tolist()) loses the dtype (float32 becomes float64)", '''
def to_numpy_copy(t):
    return np.array(t.tolist())
'''),
    ],
}
