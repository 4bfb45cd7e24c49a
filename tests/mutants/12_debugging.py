"""Known-wrong answers for chapter 12 (debugging and memory); every one must fail its tests."""

# ruff: noqa: W293 - whitespace inside the recorded sources is part of them

MUTANTS = {
    'build_cnn': [
        ("the tutorial's padded arithmetic: assumes the second conv keeps the size", '''
def build_cnn(in_channels, image_size, num_classes):
    if image_size < 8:
        raise ValueError("image too small")
    in_features = 32 * (image_size // 4) ** 2
    return nn.Sequential(
        nn.Conv2d(in_channels, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(in_features, num_classes),
    )
'''),
        ('rounds up in the pools (ceil) instead of down', '''
def build_cnn(in_channels, image_size, num_classes):
    if image_size < 8:
        raise ValueError("image too small")
    in_features = 32 * ((-(-image_size // 2) - 2 + 1) // 2) ** 2
    return nn.Sequential(
        nn.Conv2d(in_channels, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(in_features, num_classes),
    )
'''),
        ('hard-codes the number that works for the visible 28x28 grey input', '''
def build_cnn(in_channels, image_size, num_classes):
    if image_size < 8:
        raise ValueError("image too small")
    in_features = 1152
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(in_features, num_classes),
    )
'''),
        ('forgets the 32 channels in the flattened size', '''
def build_cnn(in_channels, image_size, num_classes):
    if image_size < 8:
        raise ValueError("image too small")
    in_features = ((image_size // 2 - 2) // 2) ** 2
    return nn.Sequential(
        nn.Conv2d(in_channels, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(in_features, num_classes),
    )
'''),
        ('skips the arithmetic with nn.LazyLinear', '''
def build_cnn(in_channels, image_size, num_classes):
    if image_size < 8:
        raise ValueError("image too small")
    
    return nn.Sequential(
        nn.Conv2d(in_channels, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.LazyLinear(num_classes),
    )
'''),
        ("pads the second conv so that the 'simple' formula fits", '''
def build_cnn(in_channels, image_size, num_classes):
    if image_size < 8:
        raise ValueError("image too small")
    in_features = 32 * (image_size // 4) ** 2
    return nn.Sequential(
        nn.Conv2d(in_channels, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(in_features, num_classes),
    )
'''),
        ('off-by-one in the size check: refuses the allowed 8x8', '''
def build_cnn(in_channels, image_size, num_classes):
    if image_size <= 8:
        raise ValueError("image too small")
    in_features = 32 * ((image_size // 2 - 2) // 2) ** 2
    return nn.Sequential(
        nn.Conv2d(in_channels, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(in_features, num_classes),
    )
'''),
    ],
    'first_nonfinite': [
        ('never removes its hooks', '''
def first_nonfinite_module(model, x):
    def nonfinite(value):
        if isinstance(value, torch.Tensor):
            return not bool(torch.isfinite(value).all())
        if isinstance(value, (tuple, list)):
            return any(nonfinite(v) for v in value)
        return False

    found = []

    def make_hook(name):
        def hook(module, args, output):
            if not found and nonfinite(output):
                found.append(name)
        return hook

    
    handles = [m.register_forward_hook(make_hook(n)) for n, m in model.named_modules()]
    with torch.no_grad():
        model(x)
    return found[0] if found else None
'''),
        ('removes the hooks only when the forward pass succeeds (no finally)', '''
def first_nonfinite_module(model, x):
    def nonfinite(value):
        if isinstance(value, torch.Tensor):
            return not bool(torch.isfinite(value).all())
        if isinstance(value, (tuple, list)):
            return any(nonfinite(v) for v in value)
        return False

    found = []

    def make_hook(name):
        def hook(module, args, output):
            if not found and nonfinite(output):
                found.append(name)
        return hook

    
    handles = [m.register_forward_hook(make_hook(n)) for n, m in model.named_modules()]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return found[0] if found else None
'''),
        ('checks for NaN only (misses inf)', '''
def first_nonfinite_module(model, x):
    def nonfinite(value):
        if isinstance(value, torch.Tensor):
            return not bool((~torch.isnan(value)).all())
        if isinstance(value, (tuple, list)):
            return any(nonfinite(v) for v in value)
        return False

    found = []

    def make_hook(name):
        def hook(module, args, output):
            if not found and nonfinite(output):
                found.append(name)
        return hook

    
    handles = [m.register_forward_hook(make_hook(n)) for n, m in model.named_modules()]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None
'''),
        ('returns the last bad module instead of the first', '''
def first_nonfinite_module(model, x):
    def nonfinite(value):
        if isinstance(value, torch.Tensor):
            return not bool(torch.isfinite(value).all())
        if isinstance(value, (tuple, list)):
            return any(nonfinite(v) for v in value)
        return False

    found = []

    def make_hook(name):
        def hook(module, args, output):
            if nonfinite(output):
                found.append(name)
        return hook

    
    handles = [m.register_forward_hook(make_hook(n)) for n, m in model.named_modules()]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return found[-1] if found else None
'''),
        ('collects the bad modules, then returns the first in registration order', '''
def first_nonfinite_module(model, x):
    def nonfinite(value):
        if isinstance(value, torch.Tensor):
            return not bool(torch.isfinite(value).all())
        if isinstance(value, (tuple, list)):
            return any(nonfinite(v) for v in value)
        return False

    found = []

    def make_hook(name):
        def hook(module, args, output):
            if nonfinite(output):
                found.append(name)
        return hook

    
    handles = [m.register_forward_hook(make_hook(n)) for n, m in model.named_modules()]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return next((n for n, _ in model.named_modules() if n in found), None)
'''),
        ('hooks only the submodules, not the model itself', '''
def first_nonfinite_module(model, x):
    def nonfinite(value):
        if isinstance(value, torch.Tensor):
            return not bool(torch.isfinite(value).all())
        if isinstance(value, (tuple, list)):
            return any(nonfinite(v) for v in value)
        return False

    found = []

    def make_hook(name):
        def hook(module, args, output):
            if not found and nonfinite(output):
                found.append(name)
        return hook

    
    handles = [m.register_forward_hook(make_hook(n)) for n, m in list(model.named_modules())[1:]]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None
'''),
        ("assumes every output is a tensor (crashes on an LSTM's tuple)", '''
def first_nonfinite_module(model, x):
    def nonfinite(value):
        if True:
            return not bool(torch.isfinite(torch.as_tensor(value)).all())
        if isinstance(value, (tuple, list)):
            return any(nonfinite(v) for v in value)
        return False

    found = []

    def make_hook(name):
        def hook(module, args, output):
            if not found and nonfinite(output):
                found.append(name)
        return hook

    
    handles = [m.register_forward_hook(make_hook(n)) for n, m in model.named_modules()]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None
'''),
        ('switches the model to eval mode', '''
def first_nonfinite_module(model, x):
    def nonfinite(value):
        if isinstance(value, torch.Tensor):
            return not bool(torch.isfinite(value).all())
        if isinstance(value, (tuple, list)):
            return any(nonfinite(v) for v in value)
        return False

    found = []

    def make_hook(name):
        def hook(module, args, output):
            if not found and nonfinite(output):
                found.append(name)
        return hook

    model.eval()
    handles = [m.register_forward_hook(make_hook(n)) for n, m in model.named_modules()]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None
'''),
    ],
    'grad_norms': [
        ('reports 0.0 for parameters without a gradient instead of skipping them', '''
def grad_norms(model):
    return {
        n: (p.grad.norm().item() if p.grad is not None else 0.0)
        for n, p in model.named_parameters()
    }
'''),
        ('returns 0-d tensors instead of floats', '''
def grad_norms(model):
    return {n: p.grad.norm() for n, p in model.named_parameters() if p.grad is not None}
'''),
        ('squared norm (forgets the square root)', '''
def grad_norms(model):
    return {
        n: (p.grad ** 2).sum().item() for n, p in model.named_parameters() if p.grad is not None
    }
'''),
        ('the norm of the parameter (p.data) instead of its gradient', '''
def grad_norms(model):
    return {n: p.data.norm().item() for n, p in model.named_parameters() if p.grad is not None}
'''),
        ("only the top-level children's own parameters (nested modules lost)", '''
def grad_norms(model):
    out = {}
    for child_name, child in model.named_children():
        for n, p in child.named_parameters(recurse=False):
            if p.grad is not None:
                out[f"{child_name}.{n}"] = p.grad.norm().item()
    return out
'''),
        ('L1 norm instead of L2', '''
def grad_norms(model):
    return {
        n: p.grad.abs().sum().item() for n, p in model.named_parameters() if p.grad is not None
    }
'''),
        ('clips the gradients in place while measuring them', '''
def grad_norms(model):
    out = {}
    for n, p in model.named_parameters():
        if p.grad is not None:
            out[n] = p.grad.norm().item()
            p.grad.clamp_(-1, 1)
    return out
'''),
    ],
    'safe_step': [
        ('steps even when the norm is not finite', '''
def safe_step(model, optimizer, max_norm):
    total = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return total.item()
'''),
        ('returns the norm after clipping', '''
def safe_step(model, optimizer, max_norm):
    total = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    if torch.isfinite(total):
        optimizer.step()
    return min(total.item(), max_norm)
'''),
        ('forgets to clip (checks the norm, then steps with the raw gradients)', '''
def safe_step(model, optimizer, max_norm):
    grads = [p.grad.norm() for p in model.parameters() if p.grad is not None]
    total = torch.stack(grads).norm()
    if torch.isfinite(total):
        optimizer.step()
    return total.item()
'''),
        ('clips each parameter separately instead of the total norm', '''
def safe_step(model, optimizer, max_norm):
    norms = [torch.nn.utils.clip_grad_norm_([p], max_norm) for p in model.parameters()]
    total = torch.stack(norms).norm()
    if torch.isfinite(total):
        optimizer.step()
    return total.item()
'''),
        ('uses error_if_nonfinite=True and lets the error escape', '''
def safe_step(model, optimizer, max_norm):
    total = torch.nn.utils.clip_grad_norm_(
        model.parameters(), max_norm, error_if_nonfinite=True
    )
    optimizer.step()
    return total.item()
'''),
        ('checks for NaN only: an infinite norm still steps', '''
def safe_step(model, optimizer, max_norm):
    total = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    if not torch.isnan(total):
        optimizer.step()
    return total.item()
'''),
        ('returns a tensor instead of a float', '''
def safe_step(model, optimizer, max_norm):
    total = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    if torch.isfinite(total):
        optimizer.step()
    return total
'''),
        ('clips without error_if_nonfinite, then skips: the gradients are already scaled', '''
def safe_step(model, optimizer, max_norm):
    total = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    if torch.isfinite(total):
        optimizer.step()
    return total.item()
'''),
    ],
    'saved_bytes': [
        ('deduplicates saves of the same storage', '''
def saved_bytes(fn, *inputs):
    seen, total = set(), 0

    def pack(t):
        nonlocal total
        if t.data_ptr() not in seen:
            seen.add(t.data_ptr())
            total += t.numel() * t.element_size()
        return t

    with torch.enable_grad(), torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*inputs)
    return total
'''),
        ('assumes 4 bytes per element (float32 only)', '''
def saved_bytes(fn, *inputs):
    total = 0

    def pack(t):
        nonlocal total
        total += t.numel() * 4
        return t

    with torch.enable_grad(), torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*inputs)
    return total
'''),
        ('counts only floating-point saves (drops int64 indices)', '''
def saved_bytes(fn, *inputs):
    total = 0

    def pack(t):
        nonlocal total
        if t.is_floating_point():
            total += t.numel() * t.element_size()
        return t

    with torch.enable_grad(), torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*inputs)
    return total
'''),
        ("runs fn under torch.no_grad() 'to save memory' (nothing is saved)", '''
def saved_bytes(fn, *inputs):
    total = 0

    def pack(t):
        nonlocal total
        total += t.numel() * t.element_size()
        return t

    with torch.no_grad(), torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*inputs)
    return total
'''),
        ('does not enable grad: returns 0 when called inside torch.no_grad()', '''
def saved_bytes(fn, *inputs):
    total = 0

    def pack(t):
        nonlocal total
        total += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*inputs)
    return total
'''),
        ('skips the hooks: counts the bytes of the inputs and the output', '''
def saved_bytes(fn, *inputs):
    with torch.enable_grad():
        out = fn(*inputs)
    tensors = [*inputs, out]
    return sum(t.numel() * t.element_size() for t in tensors)
'''),
        ('counts saved tensors instead of bytes', '''
def saved_bytes(fn, *inputs):
    total = 0

    def pack(t):
        nonlocal total
        total += 1
        return t

    with torch.enable_grad(), torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*inputs)
    return total
'''),
    ],
    'checkpointed': [
        ('no checkpointing at all (same values, no memory saved)', '''
def checkpointed_forward(blocks, x):
    for i, block in enumerate(blocks):
        if False:
            x = checkpoint(block, x, use_reentrant=False, preserve_rng_state=True)
        else:
            x = block(x)
    return x
'''),
        ('use_reentrant=True (no parameter gradients when x does not need grad)', '''
def checkpointed_forward(blocks, x):
    for i, block in enumerate(blocks):
        if torch.is_grad_enabled():
            x = checkpoint(block, x, use_reentrant=True, preserve_rng_state=True)
        else:
            x = block(x)
    return x
'''),
        ('preserve_rng_state=False (dropout masks differ in the recomputation)', '''
def checkpointed_forward(blocks, x):
    for i, block in enumerate(blocks):
        if torch.is_grad_enabled():
            x = checkpoint(block, x, use_reentrant=False, preserve_rng_state=False)
        else:
            x = block(x)
    return x
'''),
        ('detaches between blocks (earlier blocks get no gradient)', '''
def checkpointed_forward(blocks, x):
    for i, block in enumerate(blocks):
        if torch.is_grad_enabled():
            x = checkpoint(block, x.detach(), use_reentrant=False, preserve_rng_state=True)
        else:
            x = block(x)
    return x
'''),
        ('off-by-one: the last block is not checkpointed', '''
def checkpointed_forward(blocks, x):
    for i, block in enumerate(blocks):
        if torch.is_grad_enabled() and i < len(blocks) - 1:
            x = checkpoint(block, x, use_reentrant=False, preserve_rng_state=True)
        else:
            x = block(x)
    return x
'''),
        ('one segment for all the blocks instead of one per block', '''
def checkpointed_forward(blocks, x):
    def run_all(t):
        for block in blocks:
            t = block(t)
        return t

    if len(blocks) == 0:
        return x
    return checkpoint(run_all, x, use_reentrant=False)
'''),
    ],
    'fallback': [
        ('catches every RuntimeError as if it were an OOM', '''
def backward_with_fallback(model, loss_fn, X, y):
    n = len(X)
    micro = n
    
    while True:
        model.zero_grad(set_to_none=True)
        try:
            for start in range(0, n, micro):
                Xb, yb = X[start : start + micro], y[start : start + micro]
                (loss_fn(model(Xb), yb) * (len(Xb) / n)).backward()
            return micro
        except RuntimeError:
            if micro == 1:
                raise
            micro = micro // 2
'''),
        ('divides by the number of micro-batches (wrong for a smaller last one)', '''
def backward_with_fallback(model, loss_fn, X, y):
    n = len(X)
    micro = n
    
    while True:
        model.zero_grad(set_to_none=True)
        try:
            for start in range(0, n, micro):
                Xb, yb = X[start : start + micro], y[start : start + micro]
                (loss_fn(model(Xb), yb) * (1 / -(-n // micro))).backward()
            return micro
        except torch.OutOfMemoryError:
            if micro == 1:
                raise
            micro = micro // 2
'''),
        ('sums micro-batch losses without weights', '''
def backward_with_fallback(model, loss_fn, X, y):
    n = len(X)
    micro = n
    
    while True:
        model.zero_grad(set_to_none=True)
        try:
            for start in range(0, n, micro):
                Xb, yb = X[start : start + micro], y[start : start + micro]
                (loss_fn(model(Xb), yb) * 1).backward()
            return micro
        except torch.OutOfMemoryError:
            if micro == 1:
                raise
            micro = micro // 2
'''),
        ('zeroes the gradients only once, not before each retry', '''
def backward_with_fallback(model, loss_fn, X, y):
    n = len(X)
    micro = n
    model.zero_grad(set_to_none=True)
    while True:
        pass
        try:
            for start in range(0, n, micro):
                Xb, yb = X[start : start + micro], y[start : start + micro]
                (loss_fn(model(Xb), yb) * (len(Xb) / n)).backward()
            return micro
        except torch.OutOfMemoryError:
            if micro == 1:
                raise
            micro = micro // 2
'''),
        ('never zeroes: adds to the gradients already there', '''
def backward_with_fallback(model, loss_fn, X, y):
    n = len(X)
    micro = n
    
    while True:
        pass
        try:
            for start in range(0, n, micro):
                Xb, yb = X[start : start + micro], y[start : start + micro]
                (loss_fn(model(Xb), yb) * (len(Xb) / n)).backward()
            return micro
        except torch.OutOfMemoryError:
            if micro == 1:
                raise
            micro = micro // 2
'''),
        ('gives up silently at a micro-batch of 1', '''
def backward_with_fallback(model, loss_fn, X, y):
    n = len(X)
    micro = n
    
    while True:
        model.zero_grad(set_to_none=True)
        try:
            for start in range(0, n, micro):
                Xb, yb = X[start : start + micro], y[start : start + micro]
                (loss_fn(model(Xb), yb) * (len(Xb) / n)).backward()
            return micro
        except torch.OutOfMemoryError:
            if micro == 1:
                return 0
            micro = micro // 2
'''),
        ('halves rounding up (10 -> 5 -> 3)', '''
def backward_with_fallback(model, loss_fn, X, y):
    n = len(X)
    micro = n
    
    while True:
        model.zero_grad(set_to_none=True)
        try:
            for start in range(0, n, micro):
                Xb, yb = X[start : start + micro], y[start : start + micro]
                (loss_fn(model(Xb), yb) * (len(Xb) / n)).backward()
            return micro
        except torch.OutOfMemoryError:
            if micro == 1:
                raise
            micro = (micro + 1) // 2
'''),
        ('starts at half the batch instead of trying the whole batch', '''
def backward_with_fallback(model, loss_fn, X, y):
    n = len(X)
    micro = max(1, n // 2)
    
    while True:
        model.zero_grad(set_to_none=True)
        try:
            for start in range(0, n, micro):
                Xb, yb = X[start : start + micro], y[start : start + micro]
                (loss_fn(model(Xb), yb) * (len(Xb) / n)).backward()
            return micro
        except torch.OutOfMemoryError:
            if micro == 1:
                raise
            micro = micro // 2
'''),
    ],
}
