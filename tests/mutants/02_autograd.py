"""Known-wrong answers for chapter 02 (autograd): each must fail its exercise's tests."""

MUTANTS = {
    "value_and_grad": [
        (
            "calls backward on the caller's x: flips x.requires_grad and accumulates into x.grad",
            """
def value_and_grad(f, x):
    x.requires_grad_(True)
    value = f(x)
    value.backward()
    return value.item(), x.grad
""",
        ),
        (
            "returns the value as a 0-d tensor instead of a Python float",
            """
def value_and_grad(f, x):
    x = x.detach().requires_grad_(True)
    value = f(x)
    (grad,) = torch.autograd.grad(value, x)
    return value, grad
""",
        ),
        (
            "switches requires_grad on and then off again (an x that required grad no longer does)",
            """
def value_and_grad(f, x):
    x.requires_grad_(True)
    value = f(x)
    (grad,) = torch.autograd.grad(value, x)
    x.requires_grad_(False)
    return value.item(), grad
""",
        ),
        (
            "central finite differences instead of autograd (approximate gradient)",
            """
def value_and_grad(f, x):
    x = x.detach()
    h = 1e-3
    grad = torch.zeros_like(x)
    flat = grad.view(-1)
    for i in range(x.numel()):
        step = torch.zeros_like(x).view(-1)
        step[i] = h
        step = step.view_as(x)
        flat[i] = (f(x + step) - f(x - step)) / (2 * h)
    return f(x).item(), grad
""",
        ),
        (
            "keeps the graph of the gradient (create_graph=True): the gradient requires grad",
            """
def value_and_grad(f, x):
    x = x.detach().requires_grad_(True)
    value = f(x)
    (grad,) = torch.autograd.grad(value, x, create_graph=True)
    return value.item(), grad
""",
        ),
    ],
    "jacobian": [
        (
            "no retain_graph: the second row fails (graph already freed)",
            """
def jacobian(f, x):
    x = x.detach().requires_grad_(True)
    y = f(x)
    rows = []
    for i in range(y.shape[0]):
        e_i = torch.zeros_like(y)
        e_i[i] = 1.0
        (row,) = torch.autograd.grad(y, x, grad_outputs=e_i)
        rows.append(row)
    return torch.stack(rows)
""",
        ),
        (
            "reads rows from x.grad after y.backward(e_i): rows accumulate",
            """
def jacobian(f, x):
    x = x.detach().requires_grad_(True)
    y = f(x)
    rows = []
    for i in range(y.shape[0]):
        e_i = torch.zeros_like(y)
        e_i[i] = 1.0
        y.backward(e_i, retain_graph=True)
        rows.append(x.grad.clone())
    return torch.stack(rows)
""",
        ),
        (
            "stacks the gradients as columns: the transposed Jacobian (inputs x outputs)",
            """
def jacobian(f, x):
    x = x.detach().requires_grad_(True)
    y = f(x)
    rows = []
    for i in range(y.shape[0]):
        e_i = torch.zeros_like(y)
        e_i[i] = 1.0
        (row,) = torch.autograd.grad(y, x, grad_outputs=e_i, retain_graph=True)
        rows.append(row)
    return torch.stack(rows, dim=1)
""",
        ),
        (
            "reuses one e_i buffer without clearing it (row i sums rows 0..i)",
            """
def jacobian(f, x):
    x = x.detach().requires_grad_(True)
    y = f(x)
    e = torch.zeros_like(y)
    rows = []
    for i in range(y.shape[0]):
        e[i] = 1.0
        (row,) = torch.autograd.grad(y, x, grad_outputs=e, retain_graph=True)
        rows.append(row)
    return torch.stack(rows)
""",
        ),
        (
            "create_graph=True: the Jacobian of a non-linear f requires grad",
            """
def jacobian(f, x):
    x = x.detach().requires_grad_(True)
    y = f(x)
    rows = []
    for i in range(y.shape[0]):
        e_i = torch.zeros_like(y)
        e_i[i] = 1.0
        (row,) = torch.autograd.grad(y, x, grad_outputs=e_i, create_graph=True)
        rows.append(row)
    return torch.stack(rows)
""",
        ),
        (
            "calls torch.autograd.functional.jacobian (the exercise forbids it)",
            """
def jacobian(f, x):
    return torch.autograd.functional.jacobian(f, x.detach())
""",
        ),
    ],
    "accumulated_gradients": [
        (
            "forgets to scale the micro-batch losses (sum of means)",
            """
def accumulated_gradients(model, loss_fn, X, y, micro_batch_size):
    model.zero_grad(set_to_none=True)
    for start in range(0, X.shape[0], micro_batch_size):
        loss = loss_fn(model(X[start:start + micro_batch_size]), y[start:start + micro_batch_size])
        loss.backward()
    return [p.grad.clone() for p in model.parameters()]
""",
        ),
        (
            "forgets to zero the old gradients first",
            """
def accumulated_gradients(model, loss_fn, X, y, micro_batch_size):
    n = X.shape[0]
    for start in range(0, n, micro_batch_size):
        X_micro, y_micro = X[start:start + micro_batch_size], y[start:start + micro_batch_size]
        loss = loss_fn(model(X_micro), y_micro) * (X_micro.shape[0] / n)
        loss.backward()
    return [p.grad.clone() for p in model.parameters()]
""",
        ),
        (
            "scales by 1 / number of micro-batches: wrong when the last micro-batch is smaller",
            """
def accumulated_gradients(model, loss_fn, X, y, micro_batch_size):
    model.zero_grad(set_to_none=True)
    n = X.shape[0]
    num_micro = math.ceil(n / micro_batch_size)
    for start in range(0, n, micro_batch_size):
        X_micro, y_micro = X[start:start + micro_batch_size], y[start:start + micro_batch_size]
        loss = loss_fn(model(X_micro), y_micro) / num_micro
        loss.backward()
    return [p.grad.clone() for p in model.parameters()]
""",
        ),
        (
            "calls the model on the whole batch at once (no micro-batches)",
            """
def accumulated_gradients(model, loss_fn, X, y, micro_batch_size):
    model.zero_grad(set_to_none=True)
    loss_fn(model(X), y).backward()
    return [p.grad.clone() for p in model.parameters()]
""",
        ),
        (
            "returns the .grad tensors themselves, not clones (aliasing)",
            """
def accumulated_gradients(model, loss_fn, X, y, micro_batch_size):
    model.zero_grad(set_to_none=True)
    n = X.shape[0]
    for start in range(0, n, micro_batch_size):
        X_micro, y_micro = X[start:start + micro_batch_size], y[start:start + micro_batch_size]
        loss = loss_fn(model(X_micro), y_micro) * (X_micro.shape[0] / n)
        loss.backward()
    return [p.grad for p in model.parameters()]
""",
        ),
        (
            "loops over n // micro_batch_size micro-batches (drops the smaller last one)",
            """
def accumulated_gradients(model, loss_fn, X, y, micro_batch_size):
    model.zero_grad(set_to_none=True)
    n = X.shape[0]
    for k in range(n // micro_batch_size):
        start = k * micro_batch_size
        X_micro, y_micro = X[start:start + micro_batch_size], y[start:start + micro_batch_size]
        loss = loss_fn(model(X_micro), y_micro) * (X_micro.shape[0] / n)
        loss.backward()
    return [p.grad.clone() for p in model.parameters()]
""",
        ),
    ],
    "fit_linear_gd": [
        (
            "never clears w.grad: each step uses the sum of all past gradients",
            """
def fit_linear_gd(X, y, lr, num_steps):
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device, requires_grad=True)
    for _ in range(num_steps):
        loss = ((X @ w - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
    return w.detach()
""",
        ),
        (
            "the tutorial's torch.Tensor start: no requires_grad, backward raises",
            """
def fit_linear_gd(X, y, lr, num_steps):
    w = torch.Tensor(torch.zeros(X.shape[1], dtype=X.dtype, device=X.device))
    for _ in range(num_steps):
        loss = ((X @ w - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad = None
    return w.detach()
""",
        ),
        (
            "creates w as float32 whatever the dtype of X",
            """
def fit_linear_gd(X, y, lr, num_steps):
    w = torch.zeros(X.shape[1], device=X.device, requires_grad=True)
    for _ in range(num_steps):
        loss = ((X @ w - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad = None
    return w.detach()
""",
        ),
        (
            "gradient written by hand, 2/n X^T (Xw - y): no autograd",
            """
def fit_linear_gd(X, y, lr, num_steps):
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device)
    for _ in range(num_steps):
        grad = 2 * X.T @ (X @ w - y) / X.shape[0]
        w = w - lr * grad
    return w
""",
        ),
        (
            "w = w - lr * w.grad under no_grad: w stops being a leaf, the next backward raises",
            """
def fit_linear_gd(X, y, lr, num_steps):
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device, requires_grad=True)
    for _ in range(num_steps):
        loss = ((X @ w - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w = w - lr * w.grad
    return w.detach()
""",
        ),
        (
            "range(1, num_steps): one step too few",
            """
def fit_linear_gd(X, y, lr, num_steps):
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device, requires_grad=True)
    for _ in range(1, num_steps):
        loss = ((X @ w - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad = None
    return w.detach()
""",
        ),
        (
            "returns w itself (still requires grad)",
            """
def fit_linear_gd(X, y, lr, num_steps):
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device, requires_grad=True)
    for _ in range(num_steps):
        loss = ((X @ w - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad = None
    return w
""",
        ),
    ],
    "nth_derivative": [
        (
            "no create_graph: the second derivative cannot be taken",
            """
def nth_derivative(f, x, n):
    x = x.detach().requires_grad_(True)
    out = f(x)
    for _ in range(n):
        (out,) = torch.autograd.grad(out.sum(), x)
    return out.detach()
""",
        ),
        (
            "off by one: differentiates n - 1 times",
            """
def nth_derivative(f, x, n):
    x = x.detach().requires_grad_(True)
    out = f(x)
    for _ in range(max(n - 1, 0)):
        (out,) = torch.autograd.grad(out.sum(), x, create_graph=True)
    return out.detach()
""",
        ),
        (
            "takes the first derivative before the loop (n = 0 gives f', not f)",
            """
def nth_derivative(f, x, n):
    x = x.detach().requires_grad_(True)
    (out,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    for _ in range(n - 1):
        (out,) = torch.autograd.grad(out.sum(), x, create_graph=True)
    return out.detach()
""",
        ),
        (
            "uses .mean() instead of .sum() (divides by x.numel() at every order)",
            """
def nth_derivative(f, x, n):
    x = x.detach().requires_grad_(True)
    out = f(x)
    for _ in range(n):
        (out,) = torch.autograd.grad(out.mean(), x, create_graph=True)
    return out.detach()
""",
        ),
        (
            "turns on requires_grad of the caller's x",
            """
def nth_derivative(f, x, n):
    x.requires_grad_(True)
    out = f(x)
    for _ in range(n):
        (out,) = torch.autograd.grad(out.sum(), x, create_graph=True)
    return out.detach()
""",
        ),
        (
            "returns the result without detaching it (still requires grad)",
            """
def nth_derivative(f, x, n):
    x = x.detach().requires_grad_(True)
    out = f(x)
    for _ in range(n):
        (out,) = torch.autograd.grad(out.sum(), x, create_graph=True)
    return out
""",
        ),
    ],
    "hessian_vector_product": [
        (
            "multiplies the gradient by v elementwise instead of differentiating again",
            """
def hessian_vector_product(f, x, v):
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x), x)
    return (g * v).detach()
""",
        ),
        (
            "differentiates sum(grad f) and multiplies by v: (H @ 1) * v",
            """
def hessian_vector_product(f, x, v):
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    (h1,) = torch.autograd.grad(g.sum(), x)
    return (h1 * v).detach()
""",
        ),
        (
            "no create_graph in the first pass: the gradient cannot be differentiated again",
            """
def hessian_vector_product(f, x, v):
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x), x)
    (hv,) = torch.autograd.grad(g, x, grad_outputs=v)
    return hv.detach()
""",
        ),
        (
            "torch.dot(g, v): works only for 1-D x",
            """
def hessian_vector_product(f, x, v):
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    (hv,) = torch.autograd.grad(torch.dot(g, v), x)
    return hv.detach()
""",
        ),
        (
            "builds H with torch.autograd.functional.hessian (the exercise forbids it)",
            """
def hessian_vector_product(f, x, v):
    H = torch.autograd.functional.hessian(f, x.detach())
    return (H.reshape(x.numel(), x.numel()) @ v.reshape(-1)).reshape(x.shape)
""",
        ),
        (
            "create_graph=True in the second pass too: the result requires grad",
            """
def hessian_vector_product(f, x, v):
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    (hv,) = torch.autograd.grad(g, x, grad_outputs=v, create_graph=True)
    return hv
""",
        ),
    ],
    "stable_softplus": [
        (
            "naive forward log(1 + exp(x)): inf for large x",
            """
class StableSoftplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.log(1 + torch.exp(x))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * torch.sigmoid(x)
""",
        ),
        (
            "naive backward exp(x) / (1 + exp(x)): inf / inf = nan for large x",
            """
class StableSoftplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.clamp(x, min=0) + torch.log1p(torch.exp(-x.abs()))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * torch.exp(x) / (1 + torch.exp(x))
""",
        ),
        (
            "backward forgets grad_output (returns dy/dx, not the VJP)",
            """
class StableSoftplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.clamp(x, min=0) + torch.log1p(torch.exp(-x.abs()))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return torch.sigmoid(x)
""",
        ),
        (
            "wrong sign in the derivative: sigmoid(-x)",
            """
class StableSoftplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.clamp(x, min=0) + torch.log1p(torch.exp(-x.abs()))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * torch.sigmoid(-x)
""",
        ),
    ],
    "clip_grad_norm_hook": [
        (
            "the hook forgets to return the clipped gradient (returns None: nothing changes)",
            """
def clip_grad_norm_hook(t, max_norm):
    def hook(grad):
        grad = grad * torch.clamp(max_norm / (grad.norm() + 1e-6), max=1.0)

    return t.register_hook(hook)
""",
        ),
        (
            "clips element by element (clamp) instead of by the norm",
            """
def clip_grad_norm_hook(t, max_norm):
    return t.register_hook(lambda grad: grad.clamp(-max_norm, max_norm))
""",
        ),
        (
            "always rescales to max_norm, also gradients that are already small",
            """
def clip_grad_norm_hook(t, max_norm):
    return t.register_hook(lambda grad: grad * max_norm / (grad.norm() + 1e-6))
""",
        ),
        (
            "does not return the handle",
            """
def clip_grad_norm_hook(t, max_norm):
    t.register_hook(lambda grad: grad * torch.clamp(max_norm / (grad.norm() + 1e-6), max=1.0))
""",
        ),
        (
            "scales the gradient in place and returns nothing",
            """
def clip_grad_norm_hook(t, max_norm):
    def hook(grad):
        grad.mul_(torch.clamp(max_norm / (grad.norm() + 1e-6), max=1.0))
    return t.register_hook(hook)
""",
        ),
    ],
}
