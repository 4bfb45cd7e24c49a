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
    ],
}
