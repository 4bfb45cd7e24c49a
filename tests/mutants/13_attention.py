"""Known-wrong answers for chapter 13 (attention and a Transformer LM); each must fail its tests."""

from course_utils.instructor.mutants import variant

_MASKS = """
def causal_mask(T, device=None):
    return CAUSAL

def padding_mask(lengths, T):
    positions = POSITIONS
    return PADDING
"""
_MASKS_OK = {
    "CAUSAL": "torch.ones(T, T, dtype=torch.bool, device=device).tril()",
    "POSITIONS": "torch.arange(T, device=lengths.device)",
    "PADDING": "positions[None, :] < lengths[:, None]",
}


def _masks(**changes: str) -> str:
    return variant(_MASKS, _MASKS_OK, **changes)


_ATTN = """
def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    scores = q @ KT / SCALE
    if causal:
        keep = torch.ones(TQ, k.shape[-2], dtype=torch.bool, device=q.device).tril(DIAG)
        scores = scores.masked_fill(~keep, NEG)
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = torch.where(mask, scores, NEG)
        else:
            scores = FLOAT
    weights = torch.softmax(scores, dim=DIM).nan_to_num(0.0)
    return RETURN
"""
_ATTN_OK = {
    "KT": "k.transpose(-2, -1)",
    "SCALE": "math.sqrt(q.shape[-1])",
    "TQ": "q.shape[-2]",
    "DIAG": "0",
    "NEG": 'float("-inf")',
    "FLOAT": "scores + mask",
    "DIM": "-1",
    "RETURN": "weights @ v, weights",
}


def _attn(**changes: str) -> str:
    return variant(_ATTN, _ATTN_OK, **changes)


_MHA = """
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
        q, k, v = (SPLIT for t in (q, k, v))
        if causal and mask is not None:
            COMBINE
        out = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, is_causal=causal, dropout_p=DROPOUT, scale=SCALE
        )
        return PROJ(MERGE)
"""
_MHA_OK = {
    "SPLIT": "t.view(B, T, self.n_heads, self.head_dim).transpose(1, 2)",
    "COMBINE": (
        "mask = mask & torch.ones(T, T, dtype=torch.bool, device=x.device).tril()\n"
        "            causal = False"
    ),
    "DROPOUT": "self.dropout if self.training else 0.0",
    "SCALE": "None",
    "PROJ": "self.proj",
    "MERGE": "out.transpose(1, 2).reshape(B, T, self.d_model)",
}


def _mha(**changes: str) -> str:
    return variant(_MHA, _MHA_OK, **changes)


_BLOCK = """
class Block(nn.Module):
    def __init__(self, d_model, n_heads, dropout=0.0):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadAttention(d_model, n_heads, dropout)
        self.drop = nn.Dropout(dropout)
        self.ln2 = LN2
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model),
            nn.Dropout(dropout),
        )

    def forward(self, x):
        FORWARD
"""
_BLOCK_OK = {
    "LN2": "nn.LayerNorm(d_model)",
    "FORWARD": (
        "x = x + self.drop(self.attn(self.ln1(x), causal=True))\n"
        "        return x + self.mlp(self.ln2(x))"
    ),
}


def _block(**changes: str) -> str:
    return variant(_BLOCK, _BLOCK_OK, **changes)


_STEP = """
def train_step(model, optimizer, chunk):
    MODE
    inputs, targets = INPUTS, TARGETS
    logits = model(inputs)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1)REDUCTION)
    ZERO_BEFORE
    loss.backward()
    ZERO_AFTER
    optimizer.step()
    AFTER_STEP
    return loss.item()
"""
_STEP_OK = {
    "MODE": "model.train()",
    "INPUTS": "chunk[:, :-1]",
    "TARGETS": "chunk[:, 1:]",
    "REDUCTION": "",
    "ZERO_BEFORE": "optimizer.zero_grad(set_to_none=True)",
    "ZERO_AFTER": "pass",
    "AFTER_STEP": "pass",
}


def _step(**changes: str) -> str:
    return variant(_STEP, _STEP_OK, **changes)


_SAMPLE = """
def next_token(logits, temperature=1.0, top_k=None, generator=None):
    logits = TEMPERATURE
    if TOPK_CONDITION:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(FILTER, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return DRAW


@torch.no_grad()
def sample(model, idx, n, temperature=1.0, top_k=None, generator=None):
    MODE
    for _ in range(n):
        context = CONTEXT
        logits = model(context)[:, -1, :]
        idx = torch.cat([idx, next_token(logits, temperature, top_k, generator)], dim=1)
    return idx
"""
_SAMPLE_OK = {
    "TEMPERATURE": "logits / temperature",
    "TOPK_CONDITION": "top_k is not None and top_k < logits.shape[-1]",
    "FILTER": "logits < kth",
    "DRAW": "torch.multinomial(probs, 1, generator=generator)",
    "MODE": "model.eval()",
    "CONTEXT": "idx[:, -model.block_size :]",
}


def _sample(**changes: str) -> str:
    return variant(_SAMPLE, _SAMPLE_OK, **changes)


_CACHE = """
@torch.no_grad()
def generate_with_cache(model, idx, n, temperature=1.0, top_k=None, generator=None):
    if TOO_LONG:
        raise ValueError("does not fit in block_size")
    MODE
    if n == 0:
        return idx.clone()
    logits, cache = model.forward_cached(idx, None, 0)
    for step in range(n):
        token = next_token(logits[:, -1, :], temperature, top_k, generator)
        idx = torch.cat([idx, token], dim=1)
        if step < n - 1:
            STEP
    return idx
"""
_CACHE_OK = {
    "TOO_LONG": "idx.shape[1] + n > model.block_size",
    "MODE": "model.eval()",
    "STEP": "logits, cache = model.forward_cached(token, cache, idx.shape[1] - 1)",
}


def _cache(**changes: str) -> str:
    return variant(_CACHE, _CACHE_OK, **changes)


_TOPK_EXACT = """
def next_token(logits, temperature=1.0, top_k=None, generator=None):
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        top = torch.topk(logits, top_k, dim=-1)
        logits = torch.full_like(logits, float("-inf")).scatter(-1, top.indices, top.values)
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1, generator=generator)
""" + _SAMPLE[_SAMPLE.index("@torch.no_grad()") :].replace("MODE", "model.eval()").replace(
    "CONTEXT", "idx[:, -model.block_size :]"
)

MUTANTS = {
    "masks": [
        (
            "off-by-one: the diagonal is masked (tril(-1))",
            _masks(CAUSAL="torch.ones(T, T, dtype=torch.bool, device=device).tril(-1)"),
        ),
        (
            "causal mask ignores the device argument",
            _masks(CAUSAL="torch.ones(T, T, dtype=torch.bool).tril()"),
        ),
        (
            "causal mask as float ones/zeros instead of bool",
            _masks(CAUSAL="torch.ones(T, T, device=device).tril()"),
        ),
        (
            "off-by-one: t <= length counts one padding token as real",
            _masks(PADDING="positions[None, :] <= lengths[:, None]"),
        ),
        (
            "only the visible shapes: max(lengths) columns instead of T",
            _masks(POSITIONS="torch.arange(int(lengths.max()), device=lengths.device)"),
        ),
        (
            "positions created on the CPU, not on lengths.device",
            _masks(POSITIONS="torch.arange(T)"),
        ),
        (
            "modifies lengths in place (clamps it)",
            _masks(POSITIONS="torch.arange(T, device=lengths.device); lengths.clamp_(min=1)"),
        ),
    ],
    "attention": [
        ("no 1/sqrt(d) scaling", _attn(SCALE="1.0")),
        ("softmax over the queries (dim=-2)", _attn(DIM="-2")),
        ("scales by sqrt(T_k) instead of sqrt(d)", _attn(SCALE="math.sqrt(k.shape[-2])")),
        ("only 3-d inputs: k.transpose(1, 2)", _attn(KT="k.transpose(1, 2)")),
        ("causal off-by-one: tril(1) lets each query see the next key", _attn(DIAG="1")),
        ("causal mask square in T_q (fails for T_q != T_k)", _attn(TQ="k.shape[-2]")),
        ("float mask subtracted instead of added", _attn(FLOAT="scores - mask")),
        ("-1e9 instead of -inf: a fully masked row averages all values", _attn(NEG="-1e9")),
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
            _attn(RETURN="(weights @ v).detach(), weights.detach()"),
        ),
    ],
    "mha": [
        (
            "heads split with view(B, H, T, d_h), no transpose",
            _mha(SPLIT="t.view(B, self.n_heads, T, self.head_dim)"),
        ),
        (
            "heads merged with reshape, no transpose back",
            _mha(MERGE="out.reshape(B, T, self.d_model)"),
        ),
        ("no output projection", _mha(PROJ="")),
        (
            "scales by 1/sqrt(d_model) instead of 1/sqrt(head_dim)",
            _mha(SCALE="1 / math.sqrt(self.d_model)"),
        ),
        ("dropout also in eval mode", _mha(DROPOUT="self.dropout")),
        ("causal=True drops the padding mask", _mha(COMBINE="mask = None")),
        (
            "q and k swapped in the split",
            _mha(SPLIT="t.view(B, T, self.n_heads, self.head_dim).transpose(1, 2)").replace(
                "q, k, v = self.qkv", "k, q, v = self.qkv"
            ),
        ),
    ],
    "block": [
        (
            "post-LN: LayerNorm after each residual sum",
            _block(
                FORWARD="x = self.ln1(x + self.drop(self.attn(x, causal=True)))\n        return self.ln2(x + self.mlp(x))"
            ),
        ),
        (
            "no residual around the MLP",
            _block(
                FORWARD="x = x + self.drop(self.attn(self.ln1(x), causal=True))\n        return self.mlp(self.ln2(x))"
            ),
        ),
        ("one LayerNorm shared by both sub-layers", _block(LN2="self.ln1")),
        (
            "dropout with F.dropout(training=True): active in eval mode",
            _block(
                FORWARD="x = x + F.dropout(self.attn(self.ln1(x), causal=True), self.drop.p, training=True)\n        return x + self.mlp(self.ln2(x))"
            ),
        ),
        (
            "attention not causal (sees the future)",
            _block(
                FORWARD="x = x + self.drop(self.attn(self.ln1(x)))\n        return x + self.mlp(self.ln2(x))"
            ),
        ),
        (
            "in-place residual (x += ...) modifies the input",
            _block(
                FORWARD="x += self.drop(self.attn(self.ln1(x), causal=True))\n        return x + self.mlp(self.ln2(x))"
            ),
        ),
        (
            "ln1 used before the MLP too",
            _block(
                FORWARD="x = x + self.drop(self.attn(self.ln1(x), causal=True))\n        return x + self.mlp(self.ln1(x))"
            ),
        ),
    ],
    "train_step": [
        ("off-by-one: targets not shifted (targets = inputs)", _step(TARGETS="chunk[:, :-1]")),
        ("inputs shifted too (predicts the current token)", _step(INPUTS="chunk[:, 1:]")),
        ("no optimizer.zero_grad(): gradients accumulate", _step(ZERO_BEFORE="pass")),
        (
            "zero_grad between backward and step: no update",
            _step(ZERO_BEFORE="pass", ZERO_AFTER="optimizer.zero_grad()"),
        ),
        ("never calls model.train() (wrong mode)", _step(MODE="pass")),
        ("sum instead of mean over the B*T positions", _step(REDUCTION=', reduction="sum"')),
        (
            "zero_grad after the step: gradients left from before enter the first step",
            _step(ZERO_BEFORE="pass", AFTER_STEP="optimizer.zero_grad()"),
        ),
    ],
    "sample": [
        ("no crop to block_size (fails past the context window)", _sample(CONTEXT="idx")),
        ("crops to the FIRST block_size tokens", _sample(CONTEXT="idx[:, : model.block_size]")),
        ("multiplies by the temperature", _sample(TEMPERATURE="logits * temperature")),
        (
            "top-k: logits <= k-th removed (strict >, k=1 keeps nothing)",
            _sample(FILTER="logits <= kth"),
        ),
        ("top-k keeps exactly k logits (drops ties with the k-th)", _TOPK_EXACT),
        ("top_k >= V not handled (torch.topk raises)", _sample(TOPK_CONDITION="top_k is not None")),
        ("greedy argmax instead of sampling", _sample(DRAW="probs.argmax(dim=-1, keepdim=True)")),
        ("ignores the generator (global RNG)", _sample(DRAW="torch.multinomial(probs, 1)")),
        ("stays in training mode (dropout on)", _sample(MODE="pass")),
    ],
    "kv_cache": [
        (
            "cache not appended: keeps the prompt's cache",
            _cache(STEP="logits, _ = model.forward_cached(token, cache, idx.shape[1] - 1)"),
        ),
        (
            "positions restart at 0 for every new token",
            _cache(STEP="logits, cache = model.forward_cached(token, cache, 0)"),
        ),
        (
            "off-by-one position (length after the append)",
            _cache(STEP="logits, cache = model.forward_cached(token, cache, idx.shape[1])"),
        ),
        (
            "recomputes everything with model(idx) (no cache used)",
            _cache(STEP="logits = model(idx)"),
        ),
        (
            "feeds the whole sequence with an empty cache each step",
            _cache(STEP="logits, cache = model.forward_cached(idx, None, 0)"),
        ),
        (
            "off-by-one: refuses T0 + n == block_size",
            _cache(TOO_LONG="idx.shape[1] + n >= model.block_size"),
        ),
        ("stays in training mode (dropout on)", _cache(MODE="pass")),
    ],
}
