"""Known-wrong answers for chapter 01 (tensors): each must fail its exercise's tests."""

MUTANTS = {
    "select_per_row": [
        (
            "values[:, index] picks whole columns: shape (N, N)",
            """
def select_per_row(values, index):
    return values[:, index]
""",
        ),
        (
            "values[index] picks whole rows: shape (N, C)",
            """
def select_per_row(values, index):
    return values[index]
""",
        ),
        (
            "row and column indices swapped",
            """
def select_per_row(values, index):
    return values[index, torch.arange(values.shape[0])]
""",
        ),
        (
            "gather(...).squeeze() also drops the batch dim when N == 1",
            """
def select_per_row(values, index):
    return values.gather(1, index.unsqueeze(1)).squeeze()
""",
        ),
        (
            "Python loop with torch.stack (fails for an empty batch, N == 0)",
            """
def select_per_row(values, index):
    return torch.stack([values[i, index[i]] for i in range(values.shape[0])])
""",
        ),
        (
            "multiplies by a one-hot mask and sums the row (-inf or NaN in another column spoil it)",
            """
def select_per_row(values, index):
    mask = torch.zeros_like(values)
    mask[torch.arange(values.shape[0]), index] = 1
    return (values * mask).sum(dim=1)
""",
        ),
        (
            "converts the result to float (integer values change dtype)",
            """
def select_per_row(values, index):
    return values[torch.arange(values.shape[0]), index].float()
""",
        ),
    ],
    "one_hot": [
        (
            "returns int64 (F.one_hot's dtype) instead of float32",
            """
def one_hot(labels, num_classes):
    return torch.nn.functional.one_hot(labels, num_classes)
""",
        ),
        (
            "infers the number of classes from labels.max() + 1",
            """
def one_hot(labels, num_classes):
    return torch.nn.functional.one_hot(labels).float()
""",
        ),
        (
            "transposed: shape (num_classes, N)",
            """
def one_hot(labels, num_classes):
    encoded = torch.zeros(num_classes, labels.shape[0])
    encoded[labels, torch.arange(labels.shape[0])] = 1.0
    return encoded
""",
        ),
        (
            "torch.zeros without device= (the result stays on the CPU)",
            """
def one_hot(labels, num_classes):
    encoded = torch.zeros(labels.shape[0], num_classes)
    encoded[torch.arange(labels.shape[0]), labels] = 1.0
    return encoded
""",
        ),
        (
            "rows of np.eye (float64 from NumPy)",
            """
def one_hot(labels, num_classes):
    return torch.from_numpy(np.eye(num_classes)[labels.cpu().numpy()]).to(labels.device)
""",
        ),
        (
            "encoded[:, labels] = 1 sets whole columns",
            """
def one_hot(labels, num_classes):
    encoded = torch.zeros(labels.shape[0], num_classes, device=labels.device)
    encoded[:, labels] = 1.0
    return encoded
""",
        ),
    ],
    "contiguous_strides": [
        (
            "accumulates from the first dimension (column-major order)",
            """
def contiguous_strides(shape):
    strides = []
    step = 1
    for size in shape:
        strides.append(step)
        step *= size
    return tuple(strides)
""",
        ),
        (
            "includes each dimension's own size in its stride",
            """
def contiguous_strides(shape):
    return tuple(math.prod(shape[i:]) for i in range(len(shape)))
""",
        ),
        (
            "returns a list instead of a tuple",
            """
def contiguous_strides(shape):
    return list(torch.empty(shape).stride())
""",
        ),
        (
            "starts from [1] for the last dimension (a 0-d shape () gets (1,))",
            """
def contiguous_strides(shape):
    strides = [1]
    for size in reversed(shape[1:]):
        strides.insert(0, strides[0] * size)
    return tuple(strides)
""",
        ),
        (
            "np.cumprod: a tuple of NumPy integers, not Python ints",
            """
def contiguous_strides(shape):
    if len(shape) == 0:
        return ()
    return tuple(np.cumprod((1,) + tuple(shape[:0:-1]))[::-1])
""",
        ),
        (
            "allocates torch.empty(shape) to read its strides (fails for shapes too large to allocate)",
            """
def contiguous_strides(shape):
    return tuple(torch.empty(shape).stride())
""",
        ),
    ],
    "hwc_to_chw": [
        (
            "reshape instead of permute (scrambles pixels)",
            """
def hwc_to_chw(images):
    *lead, h, w, c = images.shape
    return images.reshape(*lead, c, h, w)
""",
        ),
        (
            "transpose(-1, -3) also swaps H and W",
            """
def hwc_to_chw(images):
    return images.transpose(-1, -3)
""",
        ),
        (
            "permute(0, 3, 1, 2) only works for 4-D batches",
            """
def hwc_to_chw(images):
    return images.permute(0, 3, 1, 2)
""",
        ),
        (
            "movedim(-1, 0) puts the channels in front of the batch dimension",
            """
def hwc_to_chw(images):
    return images.movedim(-1, 0)
""",
        ),
        (
            "handles 3-D and 4-D only (a 5-D video batch breaks)",
            """
def hwc_to_chw(images):
    if images.dim() == 3:
        return images.permute(2, 0, 1)
    return images.permute(0, 3, 1, 2)
""",
        ),
    ],
    "pad_and_stack": [
        (
            "torch.cat of the padded rows instead of torch.stack: one long sequence, shape (N * L,)",
            """
def pad_and_stack(sequences, length=None, pad_value=0):
    target = max(seq.shape[0] for seq in sequences) if length is None else length
    rows = [
        torch.cat([seq, seq.new_full((target - seq.shape[0], *seq.shape[1:]), pad_value)])
        for seq in sequences
    ]
    return torch.cat(rows)
""",
        ),
        (
            "stacks along dim=1: shape (L, N, *features), sequences as columns",
            """
def pad_and_stack(sequences, length=None, pad_value=0):
    target = max(seq.shape[0] for seq in sequences) if length is None else length
    rows = [
        torch.cat([seq, seq.new_full((target - seq.shape[0], *seq.shape[1:]), pad_value)])
        for seq in sequences
    ]
    return torch.stack(rows, dim=1)
""",
        ),
        (
            "pads along the last dim with a 1-D filler (works only for 1-D sequences)",
            """
def pad_and_stack(sequences, length=None, pad_value=0):
    target = max(len(seq) for seq in sequences) if length is None else length
    rows = []
    for seq in sequences:
        filler = torch.full((target - len(seq),), pad_value, dtype=seq.dtype, device=seq.device)
        rows.append(torch.cat([seq, filler], dim=-1))
    return torch.stack(rows)
""",
        ),
        (
            "takes the length from the last dim (seq.shape[-1]), the feature size of (L_i, d) inputs",
            """
def pad_and_stack(sequences, length=None, pad_value=0):
    target = max(seq.shape[-1] for seq in sequences) if length is None else length
    rows = []
    for seq in sequences:
        filler = seq.new_full((target - seq.shape[0], *seq.shape[1:]), pad_value)
        rows.append(torch.cat([seq, filler]))
    return torch.stack(rows)
""",
        ),
        (
            "calls pad_sequence and ignores `length` (pads only to the longest sequence)",
            """
def pad_and_stack(sequences, length=None, pad_value=0):
    return torch.nn.utils.rnn.pad_sequence(sequences, batch_first=True, padding_value=pad_value)
""",
        ),
        (
            "float32 filler from torch.full: cat promotes int64 token ids to float32",
            """
def pad_and_stack(sequences, length=None, pad_value=0):
    target = max(seq.shape[0] for seq in sequences) if length is None else length
    rows = []
    for seq in sequences:
        filler = torch.full((target - seq.shape[0], *seq.shape[1:]), float(pad_value))
        rows.append(torch.cat([seq, filler.to(seq.device)]))
    return torch.stack(rows)
""",
        ),
        (
            "filler created on the CPU (fails for sequences on another device)",
            """
def pad_and_stack(sequences, length=None, pad_value=0):
    target = max(seq.shape[0] for seq in sequences) if length is None else length
    rows = []
    for seq in sequences:
        filler = torch.full((target - seq.shape[0], *seq.shape[1:]), pad_value, dtype=seq.dtype)
        rows.append(torch.cat([seq, filler]))
    return torch.stack(rows)
""",
        ),
        (
            "pads at the front instead of the end",
            """
def pad_and_stack(sequences, length=None, pad_value=0):
    target = max(seq.shape[0] for seq in sequences) if length is None else length
    rows = []
    for seq in sequences:
        filler = seq.new_full((target - seq.shape[0], *seq.shape[1:]), pad_value)
        rows.append(torch.cat([filler, seq]))
    return torch.stack(rows)
""",
        ),
        (
            "fills a zeros batch in a loop (pad_value ignored, float32 result)",
            """
def pad_and_stack(sequences, length=None, pad_value=0):
    target = max(seq.shape[0] for seq in sequences) if length is None else length
    out = torch.zeros(len(sequences), target, *sequences[0].shape[1:], device=sequences[0].device)
    for i, seq in enumerate(sequences):
        out[i, : seq.shape[0]] = seq
    return out
""",
        ),
    ],
    "pairwise_sq_dists": [
        (
            "element-wise difference without broadcasting",
            """
def pairwise_sq_dists(X, Y):
    return ((X - Y) ** 2).sum(dim=-1)
""",
        ),
        (
            "Euclidean distance, not squared (torch.cdist)",
            """
def pairwise_sq_dists(X, Y):
    return torch.cdist(X, Y)
""",
        ),
        (
            "sums over the wrong dimension",
            """
def pairwise_sq_dists(X, Y):
    return ((X[:, None, :] - Y[None, :, :]) ** 2).sum(dim=1)
""",
        ),
        (
            "mean over the coordinates instead of the sum",
            """
def pairwise_sq_dists(X, Y):
    return ((X[:, None, :] - Y[None, :, :]) ** 2).mean(dim=-1)
""",
        ),
        (
            "sum(keepdim=True): shape (n, m, 1)",
            """
def pairwise_sq_dists(X, Y):
    return ((X[:, None, :] - Y[None, :, :]) ** 2).sum(dim=-1, keepdim=True)
""",
        ),
        (
            "fills a torch.zeros(n, m) row by row (always float32, on the CPU)",
            """
def pairwise_sq_dists(X, Y):
    D = torch.zeros(X.shape[0], Y.shape[0])
    for i in range(X.shape[0]):
        D[i] = ((X[i] - Y) ** 2).sum(dim=1)
    return D
""",
        ),
        (
            "squeeze() at the end: a single point gives shape (m,)",
            """
def pairwise_sq_dists(X, Y):
    return ((X[:, None, :] - Y[None, :, :]) ** 2).sum(dim=-1).squeeze()
""",
        ),
    ],
    "standardize": [
        (
            "mean and std without keepdim (broadcasts along the wrong axis)",
            """
def standardize(x, dim=-1, eps=1e-5):
    return (x - x.mean(dim=dim)) / torch.sqrt(x.var(dim=dim, correction=0) + eps)
""",
        ),
        (
            "unbiased variance (torch.var's default correction=1)",
            """
def standardize(x, dim=-1, eps=1e-5):
    return (x - x.mean(dim=dim, keepdim=True)) / torch.sqrt(x.var(dim=dim, keepdim=True) + eps)
""",
        ),
        (
            "eps added to the standard deviation instead of the variance",
            """
def standardize(x, dim=-1, eps=1e-5):
    return (x - x.mean(dim=dim, keepdim=True)) / (x.std(dim=dim, keepdim=True, correction=0) + eps)
""",
        ),
        (
            "subtracts the mean in place (modifies the input)",
            """
def standardize(x, dim=-1, eps=1e-5):
    x -= x.mean(dim=dim, keepdim=True)
    return x / torch.sqrt(x.var(dim=dim, keepdim=True, correction=0) + eps)
""",
        ),
    ],
    "attention_scores": [
        (
            "forgets the 1/sqrt(d) scale",
            """
def attention_scores(q, k):
    return torch.bmm(q, k.transpose(1, 2))
""",
        ),
        (
            "divides by d instead of sqrt(d)",
            """
def attention_scores(q, k):
    return q @ k.transpose(-2, -1) / q.shape[-1]
""",
        ),
        (
            "transposes the wrong operand (q^T k)",
            """
def attention_scores(q, k):
    return torch.bmm(q.transpose(1, 2), k) / math.sqrt(q.shape[-1])
""",
        ),
        (
            "scales q in place (q /= sqrt(d) modifies the caller's queries)",
            """
def attention_scores(q, k):
    q /= math.sqrt(q.shape[-1])
    return q @ k.transpose(-2, -1)
""",
        ),
        (
            "scales by sqrt(q.shape[1]) (Tq) instead of sqrt(d)",
            """
def attention_scores(q, k):
    return q @ k.transpose(1, 2) / math.sqrt(q.shape[1])
""",
        ),
        (
            "applies softmax (attention weights, not scores)",
            """
def attention_scores(q, k):
    return torch.softmax(q @ k.transpose(1, 2) / math.sqrt(q.shape[-1]), dim=-1)
""",
        ),
        (
            "einsum with the output indices swapped: (B, Tk, Tq)",
            """
def attention_scores(q, k):
    return torch.einsum("bqd,bkd->bkq", q, k) / math.sqrt(q.shape[-1])
""",
        ),
    ],
    "attention_output": [
        (
            "transposed weights subscript 'bhkq' (reads the weights as (B, H, Tk, Tq))",
            """
def attention_output(weights, values):
    per_head = torch.einsum("bhkq,bhkd->bqhd", weights, values)
    return per_head.reshape(per_head.shape[0], per_head.shape[1], -1)
""",
        ),
        (
            "sums over the query index q instead of the key index k",
            """
def attention_output(weights, values):
    per_head = torch.einsum("bhqk,bhqd->bkhd", weights, values)
    return per_head.reshape(per_head.shape[0], per_head.shape[1], -1)
""",
        ),
        (
            "also sums over the heads: 'bhqk,bhkd->bqd' gives (B, Tq, dv)",
            """
def attention_output(weights, values):
    return torch.einsum("bhqk,bhkd->bqd", weights, values)
""",
        ),
        (
            "reshapes (B, H, Tq, dv) to (B, Tq, H * dv) without moving the heads (scrambled)",
            """
def attention_output(weights, values):
    per_head = torch.einsum("bhqk,bhkd->bhqd", weights, values)
    B, H, Tq, dv = per_head.shape
    return per_head.reshape(B, Tq, H * dv)
""",
        ),
        (
            "merges as (dv, H): 'bqdh' interleaves the heads' features",
            """
def attention_output(weights, values):
    per_head = torch.einsum("bhqk,bhkd->bqdh", weights, values)
    return per_head.reshape(per_head.shape[0], per_head.shape[1], -1)
""",
        ),
        (
            "reshapes with T from values.shape (Tk): works only when Tq == Tk",
            """
def attention_output(weights, values):
    B, H, T, dv = values.shape
    return torch.einsum("bhqk,bhkd->bqhd", weights, values).reshape(B, T, H * dv)
""",
        ),
        (
            "applies softmax to the weights again",
            """
def attention_output(weights, values):
    per_head = torch.einsum("bhqk,bhkd->bqhd", weights.softmax(dim=-1), values)
    return per_head.reshape(per_head.shape[0], per_head.shape[1], -1)
""",
        ),
        (
            "computes in float32 (.float()): float64 inputs lose their dtype",
            """
def attention_output(weights, values):
    per_head = torch.einsum("bhqk,bhkd->bqhd", weights.float(), values.float())
    return per_head.reshape(per_head.shape[0], per_head.shape[1], -1)
""",
        ),
        (
            "hard-codes 3 heads (the visible tests' H)",
            """
def attention_output(weights, values):
    per_head = torch.einsum("bhqk,bhkd->bqhd", weights, values)
    return per_head.reshape(per_head.shape[0], per_head.shape[1], 3 * values.shape[-1])
""",
        ),
    ],
    "fill_nan": [
        (
            "assigns through a mask on the input (modifies x in place)",
            """
def fill_nan(x, value=0.0):
    x[torch.isnan(x)] = value
    return x
""",
        ),
        (
            "compares with == nan, which is never true",
            """
def fill_nan(x, value=0.0):
    out = x.clone()
    out[out == float("nan")] = value
    return out
""",
        ),
        (
            "torch.nan_to_num also replaces infinities",
            """
def fill_nan(x, value=0.0):
    return torch.nan_to_num(x, nan=value)
""",
        ),
        (
            "torch.full(x.shape, value) without dtype and device (float32, CPU)",
            """
def fill_nan(x, value=0.0):
    return torch.where(torch.isnan(x), torch.full(x.shape, value), x)
""",
        ),
        (
            "returns x itself when it has no NaN (the result aliases the input)",
            """
def fill_nan(x, value=0.0):
    if not torch.isnan(x).any():
        return x
    return torch.where(torch.isnan(x), torch.full_like(x, value), x)
""",
        ),
        (
            "'copies' with out = x[:], which is a view of x",
            """
def fill_nan(x, value=0.0):
    out = x[:]
    out[torch.isnan(out)] = value
    return out
""",
        ),
    ],
    "to_numpy_copy": [
        (
            ".numpy() shares memory (and fails with requires_grad)",
            """
def to_numpy_copy(t):
    return t.numpy()
""",
        ),
        (
            ".detach().cpu().numpy() still shares memory for CPU tensors",
            """
def to_numpy_copy(t):
    return t.detach().cpu().numpy()
""",
        ),
        (
            "np.array(t.tolist()) loses the dtype (float32 becomes float64)",
            """
def to_numpy_copy(t):
    return np.array(t.tolist())
""",
        ),
        (
            "np.array(t) copies, but fails for a tensor that requires grad",
            """
def to_numpy_copy(t):
    return np.array(t)
""",
        ),
        (
            "hard-codes float32 (integer and float64 tensors change dtype)",
            """
def to_numpy_copy(t):
    return np.array(t.detach().cpu().tolist(), dtype=np.float32)
""",
        ),
    ],
}
