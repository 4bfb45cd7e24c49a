"""Known-wrong answers for chapter 04 (optimizers): each must fail its exercise's tests."""

MUTANTS = {
    "train_steps": [
        (
            "no optimizer.zero_grad(): gradients accumulate across steps",
            """
def train_steps(model, X, y, loss_fn, optimizer, num_steps):
    losses = []
    for _ in range(num_steps):
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
""",
        ),
        (
            "zero_grad() between backward() and step(): the optimizer never sees a gradient",
            """
def train_steps(model, X, y, loss_fn, optimizer, num_steps):
    losses = []
    for _ in range(num_steps):
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        losses.append(loss.item())
    return losses
""",
        ),
        (
            "returns the loss tensors instead of Python floats",
            """
def train_steps(model, X, y, loss_fn, optimizer, num_steps):
    losses = []
    for _ in range(num_steps):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss)
    return losses
""",
        ),
        (
            "updates the parameters by hand (p -= lr * p.grad) instead of optimizer.step(): "
            "right for plain SGD only, ignores momentum and Adam's state",
            """
def train_steps(model, X, y, loss_fn, optimizer, num_steps):
    losses = []
    lr = optimizer.param_groups[0]["lr"]
    for _ in range(num_steps):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
        losses.append(loss.item())
    return losses
""",
        ),
        (
            "squeezes the (N, 1) prediction to (N,): the loss broadcasts it against y (N, 1) "
            "to an (N, N) matrix and trains on the wrong objective",
            """
def train_steps(model, X, y, loss_fn, optimizer, num_steps):
    losses = []
    for _ in range(num_steps):
        optimizer.zero_grad()
        loss = loss_fn(model(X).squeeze(), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
""",
        ),
        (
            "off by one: records the loss after each step instead of before it",
            """
def train_steps(model, X, y, loss_fn, optimizer, num_steps):
    losses = []
    for _ in range(num_steps):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            losses.append(loss_fn(model(X), y).item())
    return losses
""",
        ),
        (
            "boundary num_steps=0: a do-while loop always takes one step, so the model changes "
            "and one loss comes back",
            """
def train_steps(model, X, y, loss_fn, optimizer, num_steps):
    losses = []
    while True:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if len(losses) >= num_steps:
            return losses
""",
        ),
    ],
    "sgd_update": [
        (
            "Nesterov formula wrong: looks ahead with the buffer before it is updated",
            """
def sgd_update(p, grad, state, *, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    if weight_decay != 0:
        grad = grad + weight_decay * p
    if momentum != 0:
        old = state.get("buf")
        if old is None:
            state["buf"] = grad.clone()
            look = grad
        else:
            look = old.clone()
            state["buf"] = momentum * old + (1 - dampening) * grad
        buf = state["buf"]
        grad = grad + momentum * look if nesterov else buf
    p.sub_(lr * grad)
""",
        ),
        (
            "Nesterov ignored: always steps along the buffer",
            """
def sgd_update(p, grad, state, *, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    if weight_decay != 0:
        grad = grad + weight_decay * p
    if momentum != 0:
        if "buf" not in state:
            state["buf"] = grad.clone()
        else:
            state["buf"] = momentum * state["buf"] + (1 - dampening) * grad
        grad = state["buf"]
    p.sub_(lr * grad)
""",
        ),
        (
            "momentum dampening wrong: buffer starts at zeros, so the first step is dampened too",
            """
def sgd_update(p, grad, state, *, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    if weight_decay != 0:
        grad = grad + weight_decay * p
    if momentum != 0:
        buf = state.setdefault("buf", torch.zeros_like(p))
        buf.mul_(momentum).add_(grad, alpha=1 - dampening)
        grad = grad + momentum * buf if nesterov else buf
    p.sub_(lr * grad)
""",
        ),
        (
            "momentum dampening wrong: multiplies the gradient by dampening instead of (1 - dampening)",
            """
def sgd_update(p, grad, state, *, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    if weight_decay != 0:
        grad = grad + weight_decay * p
    if momentum != 0:
        if "buf" not in state:
            state["buf"] = grad.clone()
        else:
            state["buf"].mul_(momentum).add_(grad, alpha=dampening if dampening else 1.0)
        buf = state["buf"]
        grad = grad + momentum * buf if nesterov else buf
    p.sub_(lr * grad)
""",
        ),
        (
            "weight decay added to grad in place (corrupts p.grad)",
            """
def sgd_update(p, grad, state, *, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    if weight_decay != 0:
        grad.add_(p, alpha=weight_decay)
    if momentum != 0:
        if "buf" not in state:
            state["buf"] = grad.clone()
        else:
            state["buf"].mul_(momentum).add_(grad, alpha=1 - dampening)
        buf = state["buf"]
        grad = grad + momentum * buf if nesterov else buf
    p.sub_(lr * grad)
""",
        ),
        (
            "not in place: p = p - lr * grad only rebinds the local name",
            """
def sgd_update(p, grad, state, *, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    if weight_decay != 0:
        grad = grad + weight_decay * p
    if momentum != 0:
        if "buf" not in state:
            state["buf"] = grad.clone()
        else:
            state["buf"].mul_(momentum).add_(grad, alpha=1 - dampening)
        buf = state["buf"]
        grad = grad + momentum * buf if nesterov else buf
    p = p - lr * grad
""",
        ),
        (
            "stores the caller's grad itself as the momentum buffer (no clone): the next step corrupts it",
            """
def sgd_update(p, grad, state, *, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
               nesterov=False):
    if weight_decay != 0:
        grad = grad + weight_decay * p
    if momentum != 0:
        if "momentum_buffer" not in state:
            state["momentum_buffer"] = grad
        else:
            state["momentum_buffer"].mul_(momentum).add_(grad, alpha=1 - dampening)
        buf = state["momentum_buffer"]
        grad = grad + momentum * buf if nesterov else buf
    p.sub_(lr * grad)
""",
        ),
    ],
    "rmsprop_update": [
        (
            "eps inside the square root: sqrt(v + eps)",
            """
def rmsprop_update(p, grad, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0):
    if weight_decay != 0:
        grad = grad + weight_decay * p
    v = state.setdefault("square_avg", torch.zeros_like(p))
    v.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
    p.sub_(lr * grad / (v + eps).sqrt())
""",
        ),
        (
            "alpha and 1 - alpha swapped in the moving average",
            """
def rmsprop_update(p, grad, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0):
    if weight_decay != 0:
        grad = grad + weight_decay * p
    v = state.setdefault("square_avg", torch.zeros_like(p))
    v.mul_(1 - alpha).addcmul_(grad, grad, value=alpha)
    p.sub_(lr * grad / (v.sqrt() + eps))
""",
        ),
        (
            "average initialised with the first squared gradient instead of zeros",
            """
def rmsprop_update(p, grad, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0):
    if weight_decay != 0:
        grad = grad + weight_decay * p
    if "square_avg" not in state:
        state["square_avg"] = grad * grad
    else:
        state["square_avg"].mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
    p.sub_(lr * grad / (state["square_avg"].sqrt() + eps))
""",
        ),
        (
            "weight decay ignored",
            """
def rmsprop_update(p, grad, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0):
    v = state.setdefault("square_avg", torch.zeros_like(p))
    v.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
    p.sub_(lr * grad / (v.sqrt() + eps))
""",
        ),
    ],
    "adam_update": [
        (
            "Adam without bias correction",
            """
def adam_update(p, grad, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False):
    b1, b2 = betas
    if weight_decay != 0:
        if decoupled_weight_decay:
            p.mul_(1 - lr * weight_decay)
        else:
            grad = grad + weight_decay * p
    m = state.setdefault("m", torch.zeros_like(p))
    v = state.setdefault("v", torch.zeros_like(p))
    m.mul_(b1).add_(grad, alpha=1 - b1)
    v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
    p.sub_(lr * m / (v.sqrt() + eps))
""",
        ),
        (
            "AdamW decay applied like L2 (Adam's weight_decay): decoupled flag ignored",
            """
def adam_update(p, grad, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False):
    b1, b2 = betas
    state["t"] = state.get("t", 0) + 1
    t = state["t"]
    if weight_decay != 0:
        grad = grad + weight_decay * p
    m = state.setdefault("m", torch.zeros_like(p))
    v = state.setdefault("v", torch.zeros_like(p))
    m.mul_(b1).add_(grad, alpha=1 - b1)
    v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
    p.sub_(lr * (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + eps))
""",
        ),
        (
            "AdamW decay not scaled by the learning rate: p *= (1 - weight_decay)",
            """
def adam_update(p, grad, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False):
    b1, b2 = betas
    state["t"] = state.get("t", 0) + 1
    t = state["t"]
    if weight_decay != 0:
        if decoupled_weight_decay:
            p.mul_(1 - weight_decay)
        else:
            grad = grad + weight_decay * p
    m = state.setdefault("m", torch.zeros_like(p))
    v = state.setdefault("v", torch.zeros_like(p))
    m.mul_(b1).add_(grad, alpha=1 - b1)
    v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
    p.sub_(lr * (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + eps))
""",
        ),
        (
            "AdamW decay applied after the Adam step instead of before",
            """
def adam_update(p, grad, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False):
    b1, b2 = betas
    state["t"] = state.get("t", 0) + 1
    t = state["t"]
    if weight_decay != 0 and not decoupled_weight_decay:
        grad = grad + weight_decay * p
    m = state.setdefault("m", torch.zeros_like(p))
    v = state.setdefault("v", torch.zeros_like(p))
    m.mul_(b1).add_(grad, alpha=1 - b1)
    v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
    p.sub_(lr * (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + eps))
    if weight_decay != 0 and decoupled_weight_decay:
        p.mul_(1 - lr * weight_decay)
""",
        ),
        (
            "eps added before bias correction (the paper's 'efficient' form, eps-hat)",
            """
def adam_update(p, grad, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False):
    b1, b2 = betas
    state["t"] = state.get("t", 0) + 1
    t = state["t"]
    if weight_decay != 0:
        if decoupled_weight_decay:
            p.mul_(1 - lr * weight_decay)
        else:
            grad = grad + weight_decay * p
    m = state.setdefault("m", torch.zeros_like(p))
    v = state.setdefault("v", torch.zeros_like(p))
    m.mul_(b1).add_(grad, alpha=1 - b1)
    v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
    step_size = lr * (1 - b2**t) ** 0.5 / (1 - b1**t)
    p.sub_(step_size * m / (v.sqrt() + eps))
""",
        ),
        (
            "step counter used before it is incremented (t = 0 at the first call)",
            """
def adam_update(p, grad, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False):
    b1, b2 = betas
    t = state.get("t", 0)
    state["t"] = t + 1
    if weight_decay != 0:
        if decoupled_weight_decay:
            p.mul_(1 - lr * weight_decay)
        else:
            grad = grad + weight_decay * p
    m = state.setdefault("m", torch.zeros_like(p))
    v = state.setdefault("v", torch.zeros_like(p))
    m.mul_(b1).add_(grad, alpha=1 - b1)
    v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
    p.sub_(lr * (m / (1 - b1 ** max(t, 1))) / ((v / (1 - b2 ** max(t, 1))).sqrt() + eps))
""",
        ),
    ],
    "lr_at": [
        (
            "off-by-one warm-up: starts at 0 (base_lr * step / warmup_steps)",
            """
def lr_at(step, *, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    if step >= total_steps:
        return float(min_lr)
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))
""",
        ),
        (
            "off-by-one warm-up: cosine starts one step late (progress from warmup_steps - 1)",
            """
def lr_at(step, *, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    if step >= total_steps:
        return float(min_lr)
    progress = (step - warmup_steps + 1) / (total_steps - warmup_steps + 1)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))
""",
        ),
        (
            "cosine progress measured from step 0 instead of from the end of warm-up",
            """
def lr_at(step, *, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    if step >= total_steps:
        return float(min_lr)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * step / total_steps))
""",
        ),
        (
            "min_lr ignored in the cosine (decays to 0)",
            """
def lr_at(step, *, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    if step >= total_steps:
        return float(min_lr)
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return 0.5 * base_lr * (1 + math.cos(math.pi * progress))
""",
        ),
        (
            "no clamp after total_steps: the cosine climbs back up",
            """
def lr_at(step, *, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))
""",
        ),
    ],
    "clip_grad_norm": [
        (
            "clips each tensor separately (changes the direction)",
            """
def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    grads = [p.grad for p in parameters if p.grad is not None]
    norms = torch.stack([torch.linalg.vector_norm(g, norm_type) for g in grads])
    for g, n in zip(grads, norms):
        g.mul_(torch.clamp(max_norm / (n + 1e-6), max=1.0))
    return torch.linalg.vector_norm(norms, norm_type)
""",
        ),
        (
            "always rescales to max_norm, also when the norm is already smaller",
            """
def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    grads = [p.grad for p in parameters if p.grad is not None]
    total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g, norm_type) for g in grads]), norm_type)
    for g in grads:
        g.mul_(max_norm / (total + 1e-6))
    return total
""",
        ),
        (
            "total norm = sum of the per-tensor norms",
            """
def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    grads = [p.grad for p in parameters if p.grad is not None]
    total = torch.stack([torch.linalg.vector_norm(g, norm_type) for g in grads]).sum()
    for g in grads:
        g.mul_(torch.clamp(max_norm / (total + 1e-6), max=1.0))
    return total
""",
        ),
        (
            "iterates the parameters twice (a generator is empty the second time)",
            """
def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    norms = [torch.linalg.vector_norm(p.grad, norm_type) for p in parameters if p.grad is not None]
    total = torch.linalg.vector_norm(torch.stack(norms), norm_type)
    coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    for p in parameters:
        if p.grad is not None:
            p.grad.mul_(coef)
    return total
""",
        ),
        (
            "returns the norm after clipping",
            """
def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    grads = [p.grad for p in parameters if p.grad is not None]
    total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g, norm_type) for g in grads]), norm_type)
    for g in grads:
        g.mul_(torch.clamp(max_norm / (total + 1e-6), max=1.0))
    return torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g, norm_type) for g in grads]), norm_type)
""",
        ),
        (
            "only the 2-norm: norm_type ignored",
            """
def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    grads = [p.grad for p in parameters if p.grad is not None]
    total = torch.sqrt(sum((g**2).sum() for g in grads))
    for g in grads:
        g.mul_(torch.clamp(max_norm / (total + 1e-6), max=1.0))
    return total
""",
        ),
    ],
    "make_param_groups": [
        (
            "only parameters named *bias are excluded: norm-layer weights are decayed",
            """
def make_param_groups(model, weight_decay):
    decay = [p for n, p in model.named_parameters() if p.requires_grad and not n.endswith("bias")]
    no_decay = [p for n, p in model.named_parameters() if p.requires_grad and n.endswith("bias")]
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
""",
        ),
        (
            "every parameter decayed (no split)",
            """
def make_param_groups(model, weight_decay):
    params = [p for p in model.parameters() if p.requires_grad]
    return [{"params": params, "weight_decay": weight_decay}, {"params": [], "weight_decay": 0.0}]
""",
        ),
        (
            "frozen parameters included",
            """
def make_param_groups(model, weight_decay):
    decay = [p for p in model.parameters() if p.ndim >= 2]
    no_decay = [p for p in model.parameters() if p.ndim < 2]
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
""",
        ),
        (
            "groups swapped: biases and norms decayed, weights not",
            """
def make_param_groups(model, weight_decay):
    decay = [p for p in model.parameters() if p.requires_grad and p.ndim < 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.ndim >= 2]
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
""",
        ),
        (
            "the p.ndim >= 2 shortcut (PReLU's 1-d weight gets no decay)",
            """
def make_param_groups(model, weight_decay):
    params = [p for p in model.parameters() if p.requires_grad]
    return [
        {"params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
        {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0},
    ]
""",
        ),
    ],
}
