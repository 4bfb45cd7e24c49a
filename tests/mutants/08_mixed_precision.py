"""Known-wrong answers for chapter 08 (mixed precision): each must fail its exercise's tests."""

MUTANTS = {
    'count_overflow_underflow': [
        ('overflow judged by |x| > finfo.max (65519 rounds down to 65504)', '''
def count_overflow_underflow(x, dtype):
    info = torch.finfo(dtype)
    cast = x.to(dtype)
    overflow = torch.isfinite(x) & (x.abs() > info.max)
    underflow = (x != 0) & (cast == 0)
    return int(overflow.sum()), int(underflow.sum())
'''),
        ('underflow judged by |x| < finfo.tiny (subnormals survive)', '''
def count_overflow_underflow(x, dtype):
    info = torch.finfo(dtype)
    cast = x.to(dtype)
    overflow = torch.isfinite(x) & torch.isinf(cast)
    underflow = (x != 0) & (x.abs() < info.tiny)
    return int(overflow.sum()), int(underflow.sum())
'''),
        ('counts infinities already in x as overflow', '''
def count_overflow_underflow(x, dtype):
    cast = x.to(dtype)
    return int(torch.isinf(cast).sum()), int(((x != 0) & (cast == 0)).sum())
'''),
        ('returns tensors instead of Python ints', '''
def count_overflow_underflow(x, dtype):
    cast = x.to(dtype)
    return (torch.isfinite(x) & torch.isinf(cast)).sum(), ((x != 0) & (cast == 0)).sum()
'''),
    ],
    'round_to_bfloat16': [
        ('truncates (drops the low 16 bits without rounding)', '''
def round_to_bfloat16(x):
    return (x.contiguous().view(torch.int32) & -65536).view(torch.float32)
'''),
        ('rounds ties away from zero (adds 0x8000) instead of to even', '''
def round_to_bfloat16(x):
    bits = x.contiguous().view(torch.int32)
    return ((bits + 0x8000) & -65536).view(torch.float32)
'''),
        ('rounds to float16 instead of bfloat16', '''
def round_to_bfloat16(x):
    return x.half().float()
'''),
        ('returns a bfloat16 tensor instead of float32', '''
def round_to_bfloat16(x):
    return x.to(torch.bfloat16)
'''),
        ('calls x.to(torch.bfloat16).float() (the mechanism skipped)', '''
def round_to_bfloat16(x):
    return x.to(torch.bfloat16).float()
'''),
    ],
    'autocast_output_dtype': [
        ('everything runs in the low precision', '''
def autocast_output_dtype(op, input_dtypes, device_type, amp_dtype):
    return amp_dtype
'''),
        ('everything runs in float32', '''
def autocast_output_dtype(op, input_dtypes, device_type, amp_dtype):
    return torch.float32
'''),
        ("uses CUDA's float32 list on the CPU too (softmax, sum, exp, layer_norm)", '''
def autocast_output_dtype(op, input_dtypes, device_type, amp_dtype):
    if op in {"matmul", "bmm", "linear", "conv2d"}:
        return amp_dtype
    if op in {"cross_entropy", "mse_loss", "softmax", "log_softmax", "sum", "exp", "layer_norm"}:
        return torch.float32
    result = input_dtypes[0]
    for dtype in input_dtypes[1:]:
        result = torch.promote_types(result, dtype)
    return result
'''),
        ('uses the CPU list on CUDA too', '''
def autocast_output_dtype(op, input_dtypes, device_type, amp_dtype):
    if op in {"matmul", "bmm", "linear", "conv2d"}:
        return amp_dtype
    if op in {"cross_entropy", "mse_loss"}:
        return torch.float32
    result = input_dtypes[0]
    for dtype in input_dtypes[1:]:
        result = torch.promote_types(result, dtype)
    return result
'''),
        ('other ops follow the first input instead of type promotion', '''
def autocast_output_dtype(op, input_dtypes, device_type, amp_dtype):
    if op in {"matmul", "bmm", "linear", "conv2d"}:
        return amp_dtype
    if op in {"cross_entropy", "mse_loss"}:
        return torch.float32
    if device_type == "cuda" and op in {"softmax", "log_softmax", "sum", "exp", "layer_norm"}:
        return torch.float32
    return input_dtypes[0]
'''),
    ],
    'dynamic_loss_scaler': [
        ('does not reset the growth counter on overflow', '''
class DynamicLossScaler:
    def __init__(self, init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        self.growth_factor, self.backoff_factor = growth_factor, backoff_factor
        self.growth_interval = growth_interval
        self._scale, self._good_steps, self._found_inf = float(init_scale), 0, False

    def get_scale(self):
        return self._scale

    def scale(self, loss):
        return loss * self._scale

    def step(self, optimizer):
        self._found_inf = False
        with torch.no_grad():
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.grad.mul_(1.0 / self._scale)
                        self._found_inf |= not bool(torch.isfinite(p.grad).all())
        if self._found_inf:
            return False
        optimizer.step()
        return True

    def update(self):
        if self._found_inf:
            self._scale *= self.backoff_factor
        else:
            self._good_steps += 1
            if self._good_steps == self.growth_interval:
                self._scale *= self.growth_factor
                self._good_steps = 0
'''),
        ('grows one step before growth_interval good steps', '''
class DynamicLossScaler:
    def __init__(self, init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        self.growth_factor, self.backoff_factor = growth_factor, backoff_factor
        self.growth_interval = growth_interval
        self._scale, self._good_steps, self._found_inf = float(init_scale), 0, False

    def get_scale(self):
        return self._scale

    def scale(self, loss):
        return loss * self._scale

    def step(self, optimizer):
        self._found_inf = False
        with torch.no_grad():
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.grad.mul_(1.0 / self._scale)
                        self._found_inf |= not bool(torch.isfinite(p.grad).all())
        if self._found_inf:
            return False
        optimizer.step()
        return True

    def update(self):
        if self._found_inf:
            self._scale *= self.backoff_factor
            self._good_steps = 0
        else:
            self._good_steps += 1
            if self._good_steps >= self.growth_interval - 1:
                self._scale *= self.growth_factor
                self._good_steps = 0
'''),
        ('updates the parameters on an inf/nan step', '''
class DynamicLossScaler:
    def __init__(self, init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        self.growth_factor, self.backoff_factor = growth_factor, backoff_factor
        self.growth_interval = growth_interval
        self._scale, self._good_steps, self._found_inf = float(init_scale), 0, False

    def get_scale(self):
        return self._scale

    def scale(self, loss):
        return loss * self._scale

    def step(self, optimizer):
        self._found_inf = False
        with torch.no_grad():
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.grad.mul_(1.0 / self._scale)
                        self._found_inf |= not bool(torch.isfinite(p.grad).all())
        optimizer.step()
        return not self._found_inf

    def update(self):
        if self._found_inf:
            self._scale *= self.backoff_factor
            self._good_steps = 0
        else:
            self._good_steps += 1
            if self._good_steps == self.growth_interval:
                self._scale *= self.growth_factor
                self._good_steps = 0
'''),
        ('checks only for inf, so nan gradients are applied', '''
class DynamicLossScaler:
    def __init__(self, init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        self.growth_factor, self.backoff_factor = growth_factor, backoff_factor
        self.growth_interval = growth_interval
        self._scale, self._good_steps, self._found_inf = float(init_scale), 0, False

    def get_scale(self):
        return self._scale

    def scale(self, loss):
        return loss * self._scale

    def step(self, optimizer):
        self._found_inf = False
        with torch.no_grad():
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.grad.mul_(1.0 / self._scale)
                        self._found_inf |= bool(torch.isinf(p.grad).any())
        if self._found_inf:
            return False
        optimizer.step()
        return True

    def update(self):
        if self._found_inf:
            self._scale *= self.backoff_factor
            self._good_steps = 0
        else:
            self._good_steps += 1
            if self._good_steps == self.growth_interval:
                self._scale *= self.growth_factor
                self._good_steps = 0
'''),
        ('steps with the scaled gradients (never unscales)', '''
class DynamicLossScaler:
    def __init__(self, init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        self.growth_factor, self.backoff_factor = growth_factor, backoff_factor
        self.growth_interval = growth_interval
        self._scale, self._good_steps, self._found_inf = float(init_scale), 0, False

    def get_scale(self):
        return self._scale

    def scale(self, loss):
        return loss * self._scale

    def step(self, optimizer):
        self._found_inf = False
        for group in optimizer.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self._found_inf |= not bool(torch.isfinite(p.grad).all())
        if self._found_inf:
            return False
        optimizer.step()
        return True

    def update(self):
        if self._found_inf:
            self._scale *= self.backoff_factor
            self._good_steps = 0
        else:
            self._good_steps += 1
            if self._good_steps == self.growth_interval:
                self._scale *= self.growth_factor
                self._good_steps = 0
'''),
        ('only the first param group is unscaled and checked', '''
class DynamicLossScaler:
    def __init__(self, init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000):
        self.growth_factor = growth_factor
        self.backoff_factor = backoff_factor
        self.growth_interval = growth_interval
        self._scale = float(init_scale)
        self._good_steps = 0
        self._found_inf = False

    def get_scale(self):
        return self._scale

    def scale(self, loss):
        return loss * self._scale

    def step(self, optimizer):
        found_inf = False
        with torch.no_grad():
            for group in optimizer.param_groups[:1]:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    p.grad.mul_(1.0 / self._scale)
                    if not bool(torch.isfinite(p.grad).all()):
                        found_inf = True
        self._found_inf = found_inf
        if found_inf:
            return False
        optimizer.step()
        return True

    def update(self):
        if self._found_inf:
            self._scale *= self.backoff_factor
            self._good_steps = 0
        else:
            self._good_steps += 1
            if self._good_steps == self.growth_interval:
                self._scale *= self.growth_factor
                self._good_steps = 0
'''),
        ('found_inf overwritten by each parameter: only the last one counts', '''
class DynamicLossScaler:
    def __init__(self, init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000):
        self.growth_factor = growth_factor
        self.backoff_factor = backoff_factor
        self.growth_interval = growth_interval
        self._scale = float(init_scale)
        self._good_steps = 0
        self._found_inf = False

    def get_scale(self):
        return self._scale

    def scale(self, loss):
        return loss * self._scale

    def step(self, optimizer):
        found_inf = False
        with torch.no_grad():
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    p.grad.mul_(1.0 / self._scale)
                    found_inf = not bool(torch.isfinite(p.grad).all())
        self._found_inf = found_inf
        if found_inf:
            return False
        optimizer.step()
        return True

    def update(self):
        if self._found_inf:
            self._scale *= self.backoff_factor
            self._good_steps = 0
        else:
            self._good_steps += 1
            if self._good_steps == self.growth_interval:
                self._scale *= self.growth_factor
                self._good_steps = 0
'''),
        ('stops at the first inf: later gradients stay scaled', '''
class DynamicLossScaler:
    def __init__(self, init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000):
        self.growth_factor = growth_factor
        self.backoff_factor = backoff_factor
        self.growth_interval = growth_interval
        self._scale = float(init_scale)
        self._good_steps = 0
        self._found_inf = False

    def get_scale(self):
        return self._scale

    def scale(self, loss):
        return loss * self._scale

    def step(self, optimizer):
        found_inf = False
        with torch.no_grad():
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    p.grad.mul_(1.0 / self._scale)
                    if not bool(torch.isfinite(p.grad).all()):
                        found_inf = True
                        break
        self._found_inf = found_inf
        if found_inf:
            return False
        optimizer.step()
        return True

    def update(self):
        if self._found_inf:
            self._scale *= self.backoff_factor
            self._good_steps = 0
        else:
            self._good_steps += 1
            if self._good_steps == self.growth_interval:
                self._scale *= self.growth_factor
                self._good_steps = 0
'''),
    ],
    'amp_train_step': [
        ('uses the deprecated torch.cuda.amp.autocast (disabled on a CPU)', '''
def amp_train_step(model, X, y, loss_fn, optimizer, scaler, device):
    amp_dtype = torch.float16 if device.type == "cuda" else torch.bfloat16
    optimizer.zero_grad()
    with torch.cuda.amp.autocast(dtype=amp_dtype):
        loss = loss_fn(model(X), y)
    if scaler is None:
        loss.backward()
        optimizer.step()
    else:
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
    return loss.item()
'''),
        ('plain loss.backward() with a GradScaler, then scaler.step (gradients never scaled)', '''
def amp_train_step(model, X, y, loss_fn, optimizer, scaler, device):
    amp_dtype = torch.float16 if device.type == "cuda" else torch.bfloat16
    optimizer.zero_grad()
    with torch.amp.autocast(device_type=device.type, dtype=amp_dtype):
        loss = loss_fn(model(X), y)
    loss.backward()
    if scaler is None:
        optimizer.step()
    else:
        scaler.step(optimizer)
        scaler.update()
    return loss.item()
'''),
        ('optimizer.step() instead of scaler.step(optimizer) (scaled gradients applied)', '''
def amp_train_step(model, X, y, loss_fn, optimizer, scaler, device):
    amp_dtype = torch.float16 if device.type == "cuda" else torch.bfloat16
    optimizer.zero_grad()
    with torch.amp.autocast(device_type=device.type, dtype=amp_dtype):
        loss = loss_fn(model(X), y)
    if scaler is None:
        loss.backward()
    else:
        scaler.scale(loss).backward()
        scaler.update()
    optimizer.step()
    return loss.item()
'''),
        ('forgets optimizer.zero_grad()', '''
def amp_train_step(model, X, y, loss_fn, optimizer, scaler, device):
    amp_dtype = torch.float16 if device.type == "cuda" else torch.bfloat16
    with torch.amp.autocast(device_type=device.type, dtype=amp_dtype):
        loss = loss_fn(model(X), y)
    if scaler is None:
        loss.backward()
        optimizer.step()
    else:
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
    return loss.item()
'''),
        ('backward inside the autocast block', '''
def amp_train_step(model, X, y, loss_fn, optimizer, scaler, device):
    amp_dtype = torch.float16 if device.type == "cuda" else torch.bfloat16
    optimizer.zero_grad()
    with torch.amp.autocast(device_type=device.type, dtype=amp_dtype):
        loss = loss_fn(model(X), y)
        if scaler is None:
            loss.backward()
            optimizer.step()
        else:
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
    return loss.item()
'''),
        ('forgets scaler.update()', '''
def amp_train_step(model, X, y, loss_fn, optimizer, scaler, device):
    amp_dtype = torch.float16 if device.type == "cuda" else torch.bfloat16
    optimizer.zero_grad()
    with torch.amp.autocast(device_type=device.type, dtype=amp_dtype):
        loss = loss_fn(model(X), y)
    if scaler is None:
        loss.backward()
        optimizer.step()
    else:
        scaler.scale(loss).backward()
        scaler.step(optimizer)
    return loss.item()
'''),
        ('float16 on every device (slow and range-limited on a CPU)', '''
def amp_train_step(model, X, y, loss_fn, optimizer, scaler, device):
    optimizer.zero_grad()
    with torch.amp.autocast(device_type=device.type, dtype=torch.float16):
        loss = loss_fn(model(X), y)
    if scaler is None:
        loss.backward()
        optimizer.step()
    else:
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
    return loss.item()
'''),
        ('returns the scaled loss', '''
def amp_train_step(model, X, y, loss_fn, optimizer, scaler, device):
    amp_dtype = torch.float16 if device.type == "cuda" else torch.bfloat16
    optimizer.zero_grad()
    with torch.amp.autocast(device_type=device.type, dtype=amp_dtype):
        loss = loss_fn(model(X), y)
    if scaler is None:
        loss.backward()
        optimizer.step()
        return loss.item()
    scaled = scaler.scale(loss)
    scaled.backward()
    scaler.step(optimizer)
    scaler.update()
    return scaled.item()
'''),
    ],
    'accumulate_step': [
        ('the loss not divided by the number of micro-batches (update k times too large)', '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    for optimizer in optimizers:
        optimizer.zero_grad(set_to_none=True)
    total = 0.0
    for X, y in micro_batches:
        with torch.amp.autocast(
            device_type=X.device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None
        ):
            loss = loss_fn(model(X), y)
        scaler.scale(loss).backward()
        total += loss.item() / len(micro_batches)
    if max_norm is not None:
        for optimizer in optimizers:
            scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    for optimizer in optimizers:
        scaler.step(optimizer)
    scaler.update()
    return total
'''),
        ('zero_grad inside the micro-batch loop (only the last micro-batch counts)', '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    k = len(micro_batches)
    total = 0.0
    for X, y in micro_batches:
        for optimizer in optimizers:
            optimizer.zero_grad(set_to_none=True)
        with torch.amp.autocast(
            device_type=X.device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None
        ):
            loss = loss_fn(model(X), y) / k
        scaler.scale(loss).backward()
        total += loss.item()
    if max_norm is not None:
        for optimizer in optimizers:
            scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    for optimizer in optimizers:
        scaler.step(optimizer)
    scaler.update()
    return total
'''),
        ('steps and updates after every micro-batch', '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    for optimizer in optimizers:
        optimizer.zero_grad(set_to_none=True)
    k = len(micro_batches)
    total = 0.0
    for X, y in micro_batches:
        with torch.amp.autocast(
            device_type=X.device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None
        ):
            loss = loss_fn(model(X), y) / k
        scaler.scale(loss).backward()
        total += loss.item()
        if max_norm is not None:
            for optimizer in optimizers:
                scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        for optimizer in optimizers:
            scaler.step(optimizer)
        scaler.update()
    return total
'''),
        ("scaler.update() after every micro-batch's backward", '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    for optimizer in optimizers:
        optimizer.zero_grad(set_to_none=True)
    k = len(micro_batches)
    total = 0.0
    for X, y in micro_batches:
        with torch.amp.autocast(
            device_type=X.device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None
        ):
            loss = loss_fn(model(X), y) / k
        scaler.scale(loss).backward()
        scaler.update()
        total += loss.item()
    if max_norm is not None:
        for optimizer in optimizers:
            scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    for optimizer in optimizers:
        scaler.step(optimizer)
    return total
'''),
        ('scaler.update() once per optimizer instead of once per step', '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    for optimizer in optimizers:
        optimizer.zero_grad(set_to_none=True)
    k = len(micro_batches)
    total = 0.0
    for X, y in micro_batches:
        with torch.amp.autocast(
            device_type=X.device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None
        ):
            loss = loss_fn(model(X), y) / k
        scaler.scale(loss).backward()
        total += loss.item()
    if max_norm is not None:
        for optimizer in optimizers:
            scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    for optimizer in optimizers:
        scaler.step(optimizer)
        scaler.update()
    return total
'''),
        ('clips the scaled gradients (no unscale_ before clip_grad_norm_)', '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    for optimizer in optimizers:
        optimizer.zero_grad(set_to_none=True)
    k = len(micro_batches)
    total = 0.0
    for X, y in micro_batches:
        with torch.amp.autocast(
            device_type=X.device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None
        ):
            loss = loss_fn(model(X), y) / k
        scaler.scale(loss).backward()
        total += loss.item()
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    for optimizer in optimizers:
        scaler.step(optimizer)
    scaler.update()
    return total
'''),
        ('unscale_ and clip after every micro-batch (unscale_ twice)', '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    for optimizer in optimizers:
        optimizer.zero_grad(set_to_none=True)
    k = len(micro_batches)
    total = 0.0
    for X, y in micro_batches:
        with torch.amp.autocast(
            device_type=X.device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None
        ):
            loss = loss_fn(model(X), y) / k
        scaler.scale(loss).backward()
        total += loss.item()
        if max_norm is not None:
            for optimizer in optimizers:
                scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    for optimizer in optimizers:
        scaler.step(optimizer)
    scaler.update()
    return total
'''),
        ('unscales by hand, then scaler.step unscales again', '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    for optimizer in optimizers:
        optimizer.zero_grad(set_to_none=True)
    k = len(micro_batches)
    total = 0.0
    for X, y in micro_batches:
        with torch.amp.autocast(
            device_type=X.device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None
        ):
            loss = loss_fn(model(X), y) / k
        scaler.scale(loss).backward()
        total += loss.item()
    if max_norm is not None:
        with torch.no_grad():
            for p in model.parameters():
                if p.grad is not None:
                    p.grad /= scaler.get_scale()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    for optimizer in optimizers:
        scaler.step(optimizer)
    scaler.update()
    return total
'''),
        ("clips each optimizer's parameters separately (one norm per optimizer)", '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    for optimizer in optimizers:
        optimizer.zero_grad(set_to_none=True)
    k = len(micro_batches)
    total = 0.0
    for X, y in micro_batches:
        with torch.amp.autocast(
            device_type=X.device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None
        ):
            loss = loss_fn(model(X), y) / k
        scaler.scale(loss).backward()
        total += loss.item()
    for optimizer in optimizers:
        if max_norm is not None:
            scaler.unscale_(optimizer)
            params = [p for group in optimizer.param_groups for p in group["params"]]
            torch.nn.utils.clip_grad_norm_(params, max_norm)
        scaler.step(optimizer)
    scaler.update()
    return total
'''),
        ('concatenates the micro-batches into one big forward (the mechanism skipped)', '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    for optimizer in optimizers:
        optimizer.zero_grad(set_to_none=True)
    X = torch.cat([X for X, _ in micro_batches])
    y = torch.cat([y for _, y in micro_batches])
    with torch.amp.autocast(
        device_type=X.device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None
    ):
        loss = loss_fn(model(X), y)
    scaler.scale(loss).backward()
    if max_norm is not None:
        for optimizer in optimizers:
            scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    for optimizer in optimizers:
        scaler.step(optimizer)
    scaler.update()
    return loss.item()
'''),
        ('only the first optimizer goes through the scaler; the others call optimizer.step()', '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    for optimizer in optimizers:
        optimizer.zero_grad(set_to_none=True)
    k = len(micro_batches)
    total = 0.0
    for X, y in micro_batches:
        with torch.amp.autocast(
            device_type=X.device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None
        ):
            loss = loss_fn(model(X), y) / k
        scaler.scale(loss).backward()
        total += loss.item()
    if max_norm is not None:
        scaler.unscale_(optimizers[0])
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    scaler.step(optimizers[0])
    for optimizer in optimizers[1:]:
        optimizer.step()
    scaler.update()
    return total
'''),
        ("returns the last micro-batch's loss", '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    for optimizer in optimizers:
        optimizer.zero_grad(set_to_none=True)
    k = len(micro_batches)
    for X, y in micro_batches:
        with torch.amp.autocast(
            device_type=X.device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None
        ):
            loss = loss_fn(model(X), y)
        scaler.scale(loss / k).backward()
    if max_norm is not None:
        for optimizer in optimizers:
            scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    for optimizer in optimizers:
        scaler.step(optimizer)
    scaler.update()
    return loss.item()
'''),
        ('backward inside the autocast block', '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    for optimizer in optimizers:
        optimizer.zero_grad(set_to_none=True)
    k = len(micro_batches)
    total = 0.0
    for X, y in micro_batches:
        with torch.amp.autocast(
            device_type=X.device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None
        ):
            loss = loss_fn(model(X), y) / k
            scaler.scale(loss).backward()
        total += loss.item()
    if max_norm is not None:
        for optimizer in optimizers:
            scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    for optimizer in optimizers:
        scaler.step(optimizer)
    scaler.update()
    return total
'''),
        ('always autocasts to bfloat16 (ignores amp_dtype=None)', '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    for optimizer in optimizers:
        optimizer.zero_grad(set_to_none=True)
    k = len(micro_batches)
    total = 0.0
    for X, y in micro_batches:
        with torch.amp.autocast(device_type=X.device.type, dtype=torch.bfloat16):
            loss = loss_fn(model(X), y) / k
        scaler.scale(loss).backward()
        total += loss.item()
    if max_norm is not None:
        for optimizer in optimizers:
            scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    for optimizer in optimizers:
        scaler.step(optimizer)
    scaler.update()
    return total
'''),
        ('no zero_grad at all (stale gradients are added in)', '''
def accumulate_step(model, micro_batches, loss_fn, optimizers, scaler, amp_dtype, max_norm=None):
    k = len(micro_batches)
    total = 0.0
    for X, y in micro_batches:
        with torch.amp.autocast(
            device_type=X.device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None
        ):
            loss = loss_fn(model(X), y) / k
        scaler.scale(loss).backward()
        total += loss.item()
    if max_norm is not None:
        for optimizer in optimizers:
            scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    for optimizer in optimizers:
        scaler.step(optimizer)
    scaler.update()
    return total
'''),
    ],
    'layout_strides': [
        ('contiguous strides whatever the order', '''
def layout_strides(shape, order):
    strides, step = [], 1
    for size in reversed(shape):
        strides.insert(0, step)
        step *= size
    return tuple(strides)
'''),
        ('the strides in physical order, never put back at their logical dims', '''
def layout_strides(shape, order):
    physical = [shape[d] for d in order]
    strides, step = [], 1
    for size in reversed(physical):
        strides.insert(0, step)
        step *= size
    return tuple(strides)
'''),
        ('puts them back with the inverse permutation (order and its inverse confused)', '''
def layout_strides(shape, order):
    physical = [shape[d] for d in order]
    contiguous, step = [], 1
    for size in reversed(physical):
        contiguous.insert(0, step)
        step *= size
    return tuple(contiguous[d] for d in order)
'''),
        ('hard-codes the channels_last formula (4-d NHWC only)', '''
def layout_strides(shape, order):
    n, c, h, w = shape
    return (h * w * c, 1, w * c, c)
'''),
        ('multiplies before assigning (the innermost dim gets its own size as stride)', '''
def layout_strides(shape, order):
    strides = [0] * len(shape)
    step = 1
    for dim in reversed(order):
        step *= shape[dim]
        strides[dim] = step
    return tuple(strides)
'''),
        ('returns a list', '''
def layout_strides(shape, order):
    strides = [0] * len(shape)
    step = 1
    for dim in reversed(order):
        strides[dim] = step
        step *= shape[dim]
    return strides
'''),
    ],
}
