"""Known-wrong answers for chapter 13 (attention and a Transformer LM); each must fail its tests."""

MUTANTS = {
    "masks": [
        (
            "off-by-one: the diagonal is masked (tril(-1))",
            """
def causal_mask(T, device=None):
    return torch.ones(T, T, dtype=torch.bool, device=device).tril(-1)

def padding_mask(lengths, T):
    positions = torch.arange(T, device=lengths.device)
    return positions[None, :] < lengths[:, None]
""",
        ),
        (
            "causal mask ignores the device argument",
            """
def causal_mask(T, device=None):
    return torch.ones(T, T, dtype=torch.bool).tril()

def padding_mask(lengths, T):
    positions = torch.arange(T, device=lengths.device)
    return positions[None, :] < lengths[:, None]
""",
        ),
        (
            "causal mask as float ones/zeros instead of bool",
            """
def causal_mask(T, device=None):
    return torch.ones(T, T, device=device).tril()

def padding_mask(lengths, T):
    positions = torch.arange(T, device=lengths.device)
    return positions[None, :] < lengths[:, None]
""",
        ),
        (
            "off-by-one: t <= length counts one padding token as real",
            """
def causal_mask(T, device=None):
    return torch.ones(T, T, dtype=torch.bool, device=device).tril()

def padding_mask(lengths, T):
    positions = torch.arange(T, device=lengths.device)
    return positions[None, :] <= lengths[:, None]
""",
        ),
        (
            "only the visible shapes: max(lengths) columns instead of T",
            """
def causal_mask(T, device=None):
    return torch.ones(T, T, dtype=torch.bool, device=device).tril()

def padding_mask(lengths, T):
    positions = torch.arange(int(lengths.max()), device=lengths.device)
    return positions[None, :] < lengths[:, None]
""",
        ),
        (
            "positions created on the CPU, not on lengths.device",
            """
def causal_mask(T, device=None):
    return torch.ones(T, T, dtype=torch.bool, device=device).tril()

def padding_mask(lengths, T):
    positions = torch.arange(T)
    return positions[None, :] < lengths[:, None]
""",
        ),
        (
            "modifies lengths in place (clamps it)",
            """
def causal_mask(T, device=None):
    return torch.ones(T, T, dtype=torch.bool, device=device).tril()

def padding_mask(lengths, T):
    positions = torch.arange(T, device=lengths.device); lengths.clamp_(min=1)
    return positions[None, :] < lengths[:, None]
""",
        ),
    ],
    "attention": [
        (
            "no 1/sqrt(d) scaling",
            """
def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    scores = q @ k.transpose(-2, -1) / 1.0
    if causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril(0)
        scores = scores.masked_fill(~keep, float("-inf"))
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = torch.where(mask, scores, float("-inf"))
        else:
            scores = scores + mask
    weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)
    return weights @ v, weights
""",
        ),
        (
            "softmax over the queries (dim=-2)",
            """
def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril(0)
        scores = scores.masked_fill(~keep, float("-inf"))
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = torch.where(mask, scores, float("-inf"))
        else:
            scores = scores + mask
    weights = torch.softmax(scores, dim=-2).nan_to_num(0.0)
    return weights @ v, weights
""",
        ),
        (
            "scales by sqrt(T_k) instead of sqrt(d)",
            """
def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(k.shape[-2])
    if causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril(0)
        scores = scores.masked_fill(~keep, float("-inf"))
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = torch.where(mask, scores, float("-inf"))
        else:
            scores = scores + mask
    weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)
    return weights @ v, weights
""",
        ),
        (
            "only 3-d inputs: k.transpose(1, 2)",
            """
def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    scores = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])
    if causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril(0)
        scores = scores.masked_fill(~keep, float("-inf"))
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = torch.where(mask, scores, float("-inf"))
        else:
            scores = scores + mask
    weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)
    return weights @ v, weights
""",
        ),
        (
            "causal off-by-one: tril(1) lets each query see the next key",
            """
def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril(1)
        scores = scores.masked_fill(~keep, float("-inf"))
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = torch.where(mask, scores, float("-inf"))
        else:
            scores = scores + mask
    weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)
    return weights @ v, weights
""",
        ),
        (
            "causal mask square in T_q (fails for T_q != T_k)",
            """
def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        keep = torch.ones(k.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril(0)
        scores = scores.masked_fill(~keep, float("-inf"))
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = torch.where(mask, scores, float("-inf"))
        else:
            scores = scores + mask
    weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)
    return weights @ v, weights
""",
        ),
        (
            "float mask subtracted instead of added",
            """
def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril(0)
        scores = scores.masked_fill(~keep, float("-inf"))
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = torch.where(mask, scores, float("-inf"))
        else:
            scores = scores - mask
    weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)
    return weights @ v, weights
""",
        ),
        (
            "-1e9 instead of -inf: a fully masked row averages all values",
            """
def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril(0)
        scores = scores.masked_fill(~keep, -1e9)
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = torch.where(mask, scores, -1e9)
        else:
            scores = scores + mask
    weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)
    return weights @ v, weights
""",
        ),
        (
            "mask applied after the softmax (weights no longer sum to 1)",
            """
def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    weights = torch.softmax(scores, dim=-1)
    if causal:
        weights = weights * torch.ones(q.shape[-2], k.shape[-2], device=q.device).tril()
    if mask is not None:
        weights = weights * mask if mask.dtype == torch.bool else weights * mask.exp()
    return weights @ v, weights
""",
        ),
        (
            "calls F.scaled_dot_product_attention (the mechanism to write)",
            """
def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    if causal and mask is not None:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
        mask = mask & keep if mask.dtype == torch.bool else mask.masked_fill(~keep, float("-inf"))
        causal = False
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal)
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        scores = scores.masked_fill(~torch.ones(scores.shape[-2:], dtype=torch.bool).tril(), float("-inf"))
    if mask is not None:
        scores = torch.where(mask, scores, float("-inf")) if mask.dtype == torch.bool else scores + mask
    return out, torch.softmax(scores, dim=-1).nan_to_num(0.0)
""",
        ),
        (
            "detaches the output (no gradient flows)",
            """
def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril(0)
        scores = scores.masked_fill(~keep, float("-inf"))
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = torch.where(mask, scores, float("-inf"))
        else:
            scores = scores + mask
    weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)
    return (weights @ v).detach(), weights.detach()
""",
        ),
    ],
    "mha": [
        (
            "heads split with view(B, H, T, d_h), no transpose",
            """
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0, bias=True):
        super().__init__()
        if d_model % n_heads != 0:
            raise ValueError("d_model must be divisible by n_heads")
        self.d_model, self.n_heads = d_model, n_heads
        self.head_dim = d_model // n_heads
        self.dropout = dropout
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=bias)
        self.proj = nn.Linear(d_model, d_model, bias=bias)

    def forward(self, x, mask=None, causal=False):
        B, T, _ = x.shape
        q, k, v = self.qkv(x).split(self.d_model, dim=-1)
        q, k, v = (t.view(B, self.n_heads, T, self.head_dim) for t in (q, k, v))
        if causal and mask is not None:
            mask = mask & torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
            causal = False
        out = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, is_causal=causal, dropout_p=self.dropout if self.training else 0.0, scale=None
        )
        return self.proj(out.transpose(1, 2).reshape(B, T, self.d_model))
""",
        ),
        (
            "heads merged with reshape, no transpose back",
            """
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0, bias=True):
        super().__init__()
        if d_model % n_heads != 0:
            raise ValueError("d_model must be divisible by n_heads")
        self.d_model, self.n_heads = d_model, n_heads
        self.head_dim = d_model // n_heads
        self.dropout = dropout
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=bias)
        self.proj = nn.Linear(d_model, d_model, bias=bias)

    def forward(self, x, mask=None, causal=False):
        B, T, _ = x.shape
        q, k, v = self.qkv(x).split(self.d_model, dim=-1)
        q, k, v = (t.view(B, T, self.n_heads, self.head_dim).transpose(1, 2) for t in (q, k, v))
        if causal and mask is not None:
            mask = mask & torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
            causal = False
        out = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, is_causal=causal, dropout_p=self.dropout if self.training else 0.0, scale=None
        )
        return self.proj(out.reshape(B, T, self.d_model))
""",
        ),
        (
            "no output projection",
            """
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0, bias=True):
        super().__init__()
        if d_model % n_heads != 0:
            raise ValueError("d_model must be divisible by n_heads")
        self.d_model, self.n_heads = d_model, n_heads
        self.head_dim = d_model // n_heads
        self.dropout = dropout
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=bias)
        self.proj = nn.Linear(d_model, d_model, bias=bias)

    def forward(self, x, mask=None, causal=False):
        B, T, _ = x.shape
        q, k, v = self.qkv(x).split(self.d_model, dim=-1)
        q, k, v = (t.view(B, T, self.n_heads, self.head_dim).transpose(1, 2) for t in (q, k, v))
        if causal and mask is not None:
            mask = mask & torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
            causal = False
        out = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, is_causal=causal, dropout_p=self.dropout if self.training else 0.0, scale=None
        )
        return (out.transpose(1, 2).reshape(B, T, self.d_model))
""",
        ),
        (
            "scales by 1/sqrt(d_model) instead of 1/sqrt(head_dim)",
            """
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0, bias=True):
        super().__init__()
        if d_model % n_heads != 0:
            raise ValueError("d_model must be divisible by n_heads")
        self.d_model, self.n_heads = d_model, n_heads
        self.head_dim = d_model // n_heads
        self.dropout = dropout
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=bias)
        self.proj = nn.Linear(d_model, d_model, bias=bias)

    def forward(self, x, mask=None, causal=False):
        B, T, _ = x.shape
        q, k, v = self.qkv(x).split(self.d_model, dim=-1)
        q, k, v = (t.view(B, T, self.n_heads, self.head_dim).transpose(1, 2) for t in (q, k, v))
        if causal and mask is not None:
            mask = mask & torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
            causal = False
        out = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, is_causal=causal, dropout_p=self.dropout if self.training else 0.0, scale=1 / math.sqrt(self.d_model)
        )
        return self.proj(out.transpose(1, 2).reshape(B, T, self.d_model))
""",
        ),
        (
            "dropout also in eval mode",
            """
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0, bias=True):
        super().__init__()
        if d_model % n_heads != 0:
            raise ValueError("d_model must be divisible by n_heads")
        self.d_model, self.n_heads = d_model, n_heads
        self.head_dim = d_model // n_heads
        self.dropout = dropout
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=bias)
        self.proj = nn.Linear(d_model, d_model, bias=bias)

    def forward(self, x, mask=None, causal=False):
        B, T, _ = x.shape
        q, k, v = self.qkv(x).split(self.d_model, dim=-1)
        q, k, v = (t.view(B, T, self.n_heads, self.head_dim).transpose(1, 2) for t in (q, k, v))
        if causal and mask is not None:
            mask = mask & torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
            causal = False
        out = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, is_causal=causal, dropout_p=self.dropout, scale=None
        )
        return self.proj(out.transpose(1, 2).reshape(B, T, self.d_model))
""",
        ),
        (
            "causal=True drops the padding mask",
            """
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0, bias=True):
        super().__init__()
        if d_model % n_heads != 0:
            raise ValueError("d_model must be divisible by n_heads")
        self.d_model, self.n_heads = d_model, n_heads
        self.head_dim = d_model // n_heads
        self.dropout = dropout
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=bias)
        self.proj = nn.Linear(d_model, d_model, bias=bias)

    def forward(self, x, mask=None, causal=False):
        B, T, _ = x.shape
        q, k, v = self.qkv(x).split(self.d_model, dim=-1)
        q, k, v = (t.view(B, T, self.n_heads, self.head_dim).transpose(1, 2) for t in (q, k, v))
        if causal and mask is not None:
            mask = None
        out = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, is_causal=causal, dropout_p=self.dropout if self.training else 0.0, scale=None
        )
        return self.proj(out.transpose(1, 2).reshape(B, T, self.d_model))
""",
        ),
        (
            "q and k swapped in the split",
            """
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0, bias=True):
        super().__init__()
        if d_model % n_heads != 0:
            raise ValueError("d_model must be divisible by n_heads")
        self.d_model, self.n_heads = d_model, n_heads
        self.head_dim = d_model // n_heads
        self.dropout = dropout
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=bias)
        self.proj = nn.Linear(d_model, d_model, bias=bias)

    def forward(self, x, mask=None, causal=False):
        B, T, _ = x.shape
        k, q, v = self.qkv(x).split(self.d_model, dim=-1)
        q, k, v = (t.view(B, T, self.n_heads, self.head_dim).transpose(1, 2) for t in (q, k, v))
        if causal and mask is not None:
            mask = mask & torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
            causal = False
        out = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, is_causal=causal, dropout_p=self.dropout if self.training else 0.0, scale=None
        )
        return self.proj(out.transpose(1, 2).reshape(B, T, self.d_model))
""",
        ),
    ],
    "block": [
        (
            "post-LN: LayerNorm after each residual sum",
            """
class Block(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadAttention(d_model, n_heads, dropout)
        self.drop = nn.Dropout(dropout)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model),
            nn.Dropout(dropout),
        )

    def forward(self, x):
        x = self.ln1(x + self.drop(self.attn(x, causal=True)))
        return self.ln2(x + self.mlp(x))
""",
        ),
        (
            "no residual around the MLP",
            """
class Block(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadAttention(d_model, n_heads, dropout)
        self.drop = nn.Dropout(dropout)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model),
            nn.Dropout(dropout),
        )

    def forward(self, x):
        x = x + self.drop(self.attn(self.ln1(x), causal=True))
        return self.mlp(self.ln2(x))
""",
        ),
        (
            "one LayerNorm shared by both sub-layers",
            """
class Block(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadAttention(d_model, n_heads, dropout)
        self.drop = nn.Dropout(dropout)
        self.ln2 = self.ln1
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model),
            nn.Dropout(dropout),
        )

    def forward(self, x):
        x = x + self.drop(self.attn(self.ln1(x), causal=True))
        return x + self.mlp(self.ln2(x))
""",
        ),
        (
            "dropout with F.dropout(training=True): active in eval mode",
            """
class Block(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadAttention(d_model, n_heads, dropout)
        self.drop = nn.Dropout(dropout)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model),
            nn.Dropout(dropout),
        )

    def forward(self, x):
        x = x + F.dropout(self.attn(self.ln1(x), causal=True), self.drop.p, training=True)
        return x + self.mlp(self.ln2(x))
""",
        ),
        (
            "attention not causal (sees the future)",
            """
class Block(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadAttention(d_model, n_heads, dropout)
        self.drop = nn.Dropout(dropout)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model),
            nn.Dropout(dropout),
        )

    def forward(self, x):
        x = x + self.drop(self.attn(self.ln1(x)))
        return x + self.mlp(self.ln2(x))
""",
        ),
        (
            "in-place residual (x += ...) modifies the input",
            """
class Block(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadAttention(d_model, n_heads, dropout)
        self.drop = nn.Dropout(dropout)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model),
            nn.Dropout(dropout),
        )

    def forward(self, x):
        x += self.drop(self.attn(self.ln1(x), causal=True))
        return x + self.mlp(self.ln2(x))
""",
        ),
        (
            "ln1 used before the MLP too",
            """
class Block(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadAttention(d_model, n_heads, dropout)
        self.drop = nn.Dropout(dropout)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model),
            nn.Dropout(dropout),
        )

    def forward(self, x):
        x = x + self.drop(self.attn(self.ln1(x), causal=True))
        return x + self.mlp(self.ln1(x))
""",
        ),
    ],
    "train_step": [
        (
            "off-by-one: targets not shifted (targets = inputs)",
            """
def train_step(model, optimizer, chunk):
    model.train()
    inputs, targets = chunk[:, :-1], chunk[:, :-1]
    logits = model(inputs)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    pass
    optimizer.step()
    pass
    return loss.item()
""",
        ),
        (
            "inputs shifted too (predicts the current token)",
            """
def train_step(model, optimizer, chunk):
    model.train()
    inputs, targets = chunk[:, 1:], chunk[:, 1:]
    logits = model(inputs)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    pass
    optimizer.step()
    pass
    return loss.item()
""",
        ),
        (
            "no optimizer.zero_grad(): gradients accumulate",
            """
def train_step(model, optimizer, chunk):
    model.train()
    inputs, targets = chunk[:, :-1], chunk[:, 1:]
    logits = model(inputs)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    pass
    loss.backward()
    pass
    optimizer.step()
    pass
    return loss.item()
""",
        ),
        (
            "zero_grad between backward and step: no update",
            """
def train_step(model, optimizer, chunk):
    model.train()
    inputs, targets = chunk[:, :-1], chunk[:, 1:]
    logits = model(inputs)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    pass
    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
    pass
    return loss.item()
""",
        ),
        (
            "never calls model.train() (wrong mode)",
            """
def train_step(model, optimizer, chunk):
    pass
    inputs, targets = chunk[:, :-1], chunk[:, 1:]
    logits = model(inputs)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    pass
    optimizer.step()
    pass
    return loss.item()
""",
        ),
        (
            "sum instead of mean over the B*T positions",
            """
def train_step(model, optimizer, chunk):
    model.train()
    inputs, targets = chunk[:, :-1], chunk[:, 1:]
    logits = model(inputs)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="sum")
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    pass
    optimizer.step()
    pass
    return loss.item()
""",
        ),
        (
            "zero_grad after the step: gradients left from before enter the first step",
            """
def train_step(model, optimizer, chunk):
    model.train()
    inputs, targets = chunk[:, :-1], chunk[:, 1:]
    logits = model(inputs)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    pass
    loss.backward()
    pass
    optimizer.step()
    optimizer.zero_grad()
    return loss.item()
""",
        ),
    ],
    "sample": [
        (
            "no crop to block_size (fails past the context window)",
            """
def next_token(logits, temperature=1.0, top_k=None, generator=None):
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1, generator=generator)


@torch.no_grad()
def sample(model, idx, n, temperature=1.0, top_k=None, generator=None):
    model.eval()
    for _ in range(n):
        context = idx
        logits = model(context)[:, -1, :]
        idx = torch.cat([idx, next_token(logits, temperature, top_k, generator)], dim=1)
    return idx
""",
        ),
        (
            "crops to the FIRST block_size tokens",
            """
def next_token(logits, temperature=1.0, top_k=None, generator=None):
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1, generator=generator)


@torch.no_grad()
def sample(model, idx, n, temperature=1.0, top_k=None, generator=None):
    model.eval()
    for _ in range(n):
        context = idx[:, : model.block_size]
        logits = model(context)[:, -1, :]
        idx = torch.cat([idx, next_token(logits, temperature, top_k, generator)], dim=1)
    return idx
""",
        ),
        (
            "multiplies by the temperature",
            """
def next_token(logits, temperature=1.0, top_k=None, generator=None):
    logits = logits * temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1, generator=generator)


@torch.no_grad()
def sample(model, idx, n, temperature=1.0, top_k=None, generator=None):
    model.eval()
    for _ in range(n):
        context = idx[:, -model.block_size :]
        logits = model(context)[:, -1, :]
        idx = torch.cat([idx, next_token(logits, temperature, top_k, generator)], dim=1)
    return idx
""",
        ),
        (
            "top-k: logits <= k-th removed (strict >, k=1 keeps nothing)",
            """
def next_token(logits, temperature=1.0, top_k=None, generator=None):
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits <= kth, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1, generator=generator)


@torch.no_grad()
def sample(model, idx, n, temperature=1.0, top_k=None, generator=None):
    model.eval()
    for _ in range(n):
        context = idx[:, -model.block_size :]
        logits = model(context)[:, -1, :]
        idx = torch.cat([idx, next_token(logits, temperature, top_k, generator)], dim=1)
    return idx
""",
        ),
        (
            "top-k keeps exactly k logits (drops ties with the k-th)",
            """
def next_token(logits, temperature=1.0, top_k=None, generator=None):
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        top = torch.topk(logits, top_k, dim=-1)
        logits = torch.full_like(logits, float("-inf")).scatter(-1, top.indices, top.values)
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1, generator=generator)
@torch.no_grad()
def sample(model, idx, n, temperature=1.0, top_k=None, generator=None):
    model.eval()
    for _ in range(n):
        context = idx[:, -model.block_size :]
        logits = model(context)[:, -1, :]
        idx = torch.cat([idx, next_token(logits, temperature, top_k, generator)], dim=1)
    return idx
""",
        ),
        (
            "top_k >= V not handled (torch.topk raises)",
            """
def next_token(logits, temperature=1.0, top_k=None, generator=None):
    logits = logits / temperature
    if top_k is not None:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1, generator=generator)


@torch.no_grad()
def sample(model, idx, n, temperature=1.0, top_k=None, generator=None):
    model.eval()
    for _ in range(n):
        context = idx[:, -model.block_size :]
        logits = model(context)[:, -1, :]
        idx = torch.cat([idx, next_token(logits, temperature, top_k, generator)], dim=1)
    return idx
""",
        ),
        (
            "greedy argmax instead of sampling",
            """
def next_token(logits, temperature=1.0, top_k=None, generator=None):
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return probs.argmax(dim=-1, keepdim=True)


@torch.no_grad()
def sample(model, idx, n, temperature=1.0, top_k=None, generator=None):
    model.eval()
    for _ in range(n):
        context = idx[:, -model.block_size :]
        logits = model(context)[:, -1, :]
        idx = torch.cat([idx, next_token(logits, temperature, top_k, generator)], dim=1)
    return idx
""",
        ),
        (
            "ignores the generator (global RNG)",
            """
def next_token(logits, temperature=1.0, top_k=None, generator=None):
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1)


@torch.no_grad()
def sample(model, idx, n, temperature=1.0, top_k=None, generator=None):
    model.eval()
    for _ in range(n):
        context = idx[:, -model.block_size :]
        logits = model(context)[:, -1, :]
        idx = torch.cat([idx, next_token(logits, temperature, top_k, generator)], dim=1)
    return idx
""",
        ),
        (
            "stays in training mode (dropout on)",
            """
def next_token(logits, temperature=1.0, top_k=None, generator=None):
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1, generator=generator)


@torch.no_grad()
def sample(model, idx, n, temperature=1.0, top_k=None, generator=None):
    pass
    for _ in range(n):
        context = idx[:, -model.block_size :]
        logits = model(context)[:, -1, :]
        idx = torch.cat([idx, next_token(logits, temperature, top_k, generator)], dim=1)
    return idx
""",
        ),
    ],
    "kv_cache": [
        (
            "cache not appended: keeps the prompt's cache",
            """
@torch.no_grad()
def generate_with_cache(model, idx, n, temperature=1.0, top_k=None, generator=None):
    if idx.shape[1] + n > model.block_size:
        raise ValueError("does not fit in block_size")
    model.eval()
    if n == 0:
        return idx.clone()
    logits, cache = model.forward_cached(idx, None, 0)
    for step in range(n):
        token = next_token(logits[:, -1, :], temperature, top_k, generator)
        idx = torch.cat([idx, token], dim=1)
        if step < n - 1:
            logits, _ = model.forward_cached(token, cache, idx.shape[1] - 1)
    return idx
""",
        ),
        (
            "positions restart at 0 for every new token",
            """
@torch.no_grad()
def generate_with_cache(model, idx, n, temperature=1.0, top_k=None, generator=None):
    if idx.shape[1] + n > model.block_size:
        raise ValueError("does not fit in block_size")
    model.eval()
    if n == 0:
        return idx.clone()
    logits, cache = model.forward_cached(idx, None, 0)
    for step in range(n):
        token = next_token(logits[:, -1, :], temperature, top_k, generator)
        idx = torch.cat([idx, token], dim=1)
        if step < n - 1:
            logits, cache = model.forward_cached(token, cache, 0)
    return idx
""",
        ),
        (
            "off-by-one position (length after the append)",
            """
@torch.no_grad()
def generate_with_cache(model, idx, n, temperature=1.0, top_k=None, generator=None):
    if idx.shape[1] + n > model.block_size:
        raise ValueError("does not fit in block_size")
    model.eval()
    if n == 0:
        return idx.clone()
    logits, cache = model.forward_cached(idx, None, 0)
    for step in range(n):
        token = next_token(logits[:, -1, :], temperature, top_k, generator)
        idx = torch.cat([idx, token], dim=1)
        if step < n - 1:
            logits, cache = model.forward_cached(token, cache, idx.shape[1])
    return idx
""",
        ),
        (
            "recomputes everything with model(idx) (no cache used)",
            """
@torch.no_grad()
def generate_with_cache(model, idx, n, temperature=1.0, top_k=None, generator=None):
    if idx.shape[1] + n > model.block_size:
        raise ValueError("does not fit in block_size")
    model.eval()
    if n == 0:
        return idx.clone()
    logits, cache = model.forward_cached(idx, None, 0)
    for step in range(n):
        token = next_token(logits[:, -1, :], temperature, top_k, generator)
        idx = torch.cat([idx, token], dim=1)
        if step < n - 1:
            logits = model(idx)
    return idx
""",
        ),
        (
            "feeds the whole sequence with an empty cache each step",
            """
@torch.no_grad()
def generate_with_cache(model, idx, n, temperature=1.0, top_k=None, generator=None):
    if idx.shape[1] + n > model.block_size:
        raise ValueError("does not fit in block_size")
    model.eval()
    if n == 0:
        return idx.clone()
    logits, cache = model.forward_cached(idx, None, 0)
    for step in range(n):
        token = next_token(logits[:, -1, :], temperature, top_k, generator)
        idx = torch.cat([idx, token], dim=1)
        if step < n - 1:
            logits, cache = model.forward_cached(idx, None, 0)
    return idx
""",
        ),
        (
            "off-by-one: refuses T0 + n == block_size",
            """
@torch.no_grad()
def generate_with_cache(model, idx, n, temperature=1.0, top_k=None, generator=None):
    if idx.shape[1] + n >= model.block_size:
        raise ValueError("does not fit in block_size")
    model.eval()
    if n == 0:
        return idx.clone()
    logits, cache = model.forward_cached(idx, None, 0)
    for step in range(n):
        token = next_token(logits[:, -1, :], temperature, top_k, generator)
        idx = torch.cat([idx, token], dim=1)
        if step < n - 1:
            logits, cache = model.forward_cached(token, cache, idx.shape[1] - 1)
    return idx
""",
        ),
        (
            "stays in training mode (dropout on)",
            """
@torch.no_grad()
def generate_with_cache(model, idx, n, temperature=1.0, top_k=None, generator=None):
    if idx.shape[1] + n > model.block_size:
        raise ValueError("does not fit in block_size")
    pass
    if n == 0:
        return idx.clone()
    logits, cache = model.forward_cached(idx, None, 0)
    for step in range(n):
        token = next_token(logits[:, -1, :], temperature, top_k, generator)
        idx = torch.cat([idx, token], dim=1)
        if step < n - 1:
            logits, cache = model.forward_cached(token, cache, idx.shape[1] - 1)
    return idx
""",
        ),
    ],
}
