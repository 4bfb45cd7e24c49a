"""Known-wrong answers for chapter 17 (performance and deployment); each must fail its tests."""

# ruff: noqa: W291 - whitespace inside the recorded sources is part of them

MUTANTS = {
    'benchmark': [
        ('returns the mean instead of the median', '''
def device_sync(device):
    device = torch.device(device)
    if device.type == 'cuda':
        return lambda: torch.cuda.synchronize(device)
    if device.type == 'mps':
        return torch.mps.synchronize
    return None


def benchmark(fn, *, warmup=3, repeats=20, sync=None, clock=time.perf_counter):
    if warmup < 0 or repeats < 1:
        raise ValueError("bad arguments")
    for _ in range(warmup):
        fn()
    if sync is not None:
        sync()
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        if sync is not None:
            sync()
        times.append(clock() - start)
    return sum(times) / len(times)
'''),
        ('returns the minimum (a different statistic)', '''
def device_sync(device):
    device = torch.device(device)
    if device.type == 'cuda':
        return lambda: torch.cuda.synchronize(device)
    if device.type == 'mps':
        return torch.mps.synchronize
    return None


def benchmark(fn, *, warmup=3, repeats=20, sync=None, clock=time.perf_counter):
    if warmup < 0 or repeats < 1:
        raise ValueError("bad arguments")
    for _ in range(warmup):
        fn()
    if sync is not None:
        sync()
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        if sync is not None:
            sync()
        times.append(clock() - start)
    return min(times)
'''),
        ('median as the upper middle element (wrong for an even number of repeats)', '''
def device_sync(device):
    device = torch.device(device)
    if device.type == 'cuda':
        return lambda: torch.cuda.synchronize(device)
    if device.type == 'mps':
        return torch.mps.synchronize
    return None


def benchmark(fn, *, warmup=3, repeats=20, sync=None, clock=time.perf_counter):
    if warmup < 0 or repeats < 1:
        raise ValueError("bad arguments")
    for _ in range(warmup):
        fn()
    if sync is not None:
        sync()
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        if sync is not None:
            sync()
        times.append(clock() - start)
    return sorted(times)[len(times) // 2]
'''),
        ('times the warm-up calls too', '''
def device_sync(device):
    device = torch.device(device)
    if device.type == 'cuda':
        return lambda: torch.cuda.synchronize(device)
    if device.type == 'mps':
        return torch.mps.synchronize
    return None


def benchmark(fn, *, warmup=3, repeats=20, sync=None, clock=time.perf_counter):
    if warmup < 0 or repeats < 1:
        raise ValueError("bad arguments")
    for _ in range(0):
        fn()
    if sync is not None:
        sync()
    times = []
    for _ in range(warmup + repeats):
        start = clock()
        fn()
        if sync is not None:
            sync()
        times.append(clock() - start)
    return float(statistics.median(times))
'''),
        ('one warm-up call too many (off by one)', '''
def device_sync(device):
    device = torch.device(device)
    if device.type == 'cuda':
        return lambda: torch.cuda.synchronize(device)
    if device.type == 'mps':
        return torch.mps.synchronize
    return None


def benchmark(fn, *, warmup=3, repeats=20, sync=None, clock=time.perf_counter):
    if warmup < 0 or repeats < 1:
        raise ValueError("bad arguments")
    for _ in range(warmup + 1):
        fn()
    if sync is not None:
        sync()
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        if sync is not None:
            sync()
        times.append(clock() - start)
    return float(statistics.median(times))
'''),
        ('syncs only before starting the clock, so GPU work after fn is not waited for', '''
def device_sync(device):
    device = torch.device(device)
    if device.type == 'cuda':
        return lambda: torch.cuda.synchronize(device)
    if device.type == 'mps':
        return torch.mps.synchronize
    return None


def benchmark(fn, *, warmup=3, repeats=20, sync=None, clock=time.perf_counter):
    if warmup < 0 or repeats < 1:
        raise ValueError("bad arguments")
    for _ in range(warmup):
        fn()
    if sync is not None:
        sync()
    times = []
    for _ in range(repeats):
        if sync is not None:
            sync()
        start = clock()
        fn()
        pass
        times.append(clock() - start)
    return float(statistics.median(times))
'''),
        ('no sync after the warm-up (its queued work leaks into the first timing)', '''
def device_sync(device):
    device = torch.device(device)
    if device.type == 'cuda':
        return lambda: torch.cuda.synchronize(device)
    if device.type == 'mps':
        return torch.mps.synchronize
    return None


def benchmark(fn, *, warmup=3, repeats=20, sync=None, clock=time.perf_counter):
    if warmup < 0 or repeats < 1:
        raise ValueError("bad arguments")
    for _ in range(warmup):
        fn()
    pass
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        if sync is not None:
            sync()
        times.append(clock() - start)
    return float(statistics.median(times))
'''),
        ('reads time.perf_counter instead of the given clock', '''
def device_sync(device):
    device = torch.device(device)
    if device.type == 'cuda':
        return lambda: torch.cuda.synchronize(device)
    if device.type == 'mps':
        return torch.mps.synchronize
    return None


def benchmark(fn, *, warmup=3, repeats=20, sync=None, clock=time.perf_counter):
    if warmup < 0 or repeats < 1:
        raise ValueError("bad arguments")
    for _ in range(warmup):
        fn()
    if sync is not None:
        sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        if sync is not None:
            sync()
        times.append(time.perf_counter() - start)
    return float(statistics.median(times))
'''),
        ('device_sync syncs CUDA on every device (CPU and meta too)', '''
def device_sync(device):
    device = torch.device(device)
    return lambda: torch.cuda.synchronize()


def benchmark(fn, *, warmup=3, repeats=20, sync=None, clock=time.perf_counter):
    if warmup < 0 or repeats < 1:
        raise ValueError("bad arguments")
    for _ in range(warmup):
        fn()
    if sync is not None:
        sync()
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        if sync is not None:
            sync()
        times.append(clock() - start)
    return float(statistics.median(times))
'''),
        ("device_sync compares the device with the string 'cuda' (misses 'cuda:1')", '''
def device_sync(device):
    device = torch.device(device)
    if str(device) == 'cuda':
        return torch.cuda.synchronize
    if device.type == 'mps':
        return torch.mps.synchronize
    return None


def benchmark(fn, *, warmup=3, repeats=20, sync=None, clock=time.perf_counter):
    if warmup < 0 or repeats < 1:
        raise ValueError("bad arguments")
    for _ in range(warmup):
        fn()
    if sync is not None:
        sync()
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        if sync is not None:
            sync()
        times.append(clock() - start)
    return float(statistics.median(times))
'''),
    ],
    'top_ops': [
        ('sorts ascending (the cheapest operators first)', '''
def top_ops(averages, k=10, key="self_cpu_time_total"):
    if k < 0:
        raise ValueError("k must be >= 0")
    ranked = sorted(averages, key=lambda e: getattr(e, key))
    return [(e.key, float(getattr(e, key))) for e in ranked[:k]]
'''),
        ('ignores `key` and always ranks by self CPU time', '''
def top_ops(averages, k=10, key="self_cpu_time_total"):
    if k < 0:
        raise ValueError("k must be >= 0")
    ranked = sorted(averages, key=lambda e: e.self_cpu_time_total, reverse=True)
    return [(e.key, float(getattr(e, key))) for e in ranked[:k]]
'''),
        ("sorts the caller's list in place", '''
def top_ops(averages, k=10, key="self_cpu_time_total"):
    if k < 0:
        raise ValueError("k must be >= 0")
    averages.sort(key=lambda e: getattr(e, key), reverse=True)
    return [(e.key, float(getattr(e, key))) for e in averages[:k]]
'''),
        ('breaks ties by name (sorting (value, name) pairs), not by input order', '''
def top_ops(averages, k=10, key="self_cpu_time_total"):
    if k < 0:
        raise ValueError("k must be >= 0")
    pairs = sorted(((float(getattr(e, key)), e.key) for e in averages), reverse=True)
    return [(name, value) for value, name in pairs[:k]]
'''),
        ('off by one: returns k - 1 entries', '''
def top_ops(averages, k=10, key="self_cpu_time_total"):
    if k < 0:
        raise ValueError("k must be >= 0")
    ranked = sorted(averages, key=lambda e: getattr(e, key), reverse=True)
    return [(e.key, float(getattr(e, key))) for e in ranked[: max(k - 1, 0)]]
'''),
        ('keeps the raw values (int counts stay int)', '''
def top_ops(averages, k=10, key="self_cpu_time_total"):
    if k < 0:
        raise ValueError("k must be >= 0")
    ranked = sorted(averages, key=lambda e: getattr(e, key), reverse=True)
    return [(e.key, getattr(e, key)) for e in ranked[:k]]
'''),
        ('indexes the input (works for lists only, not for an iterator)', '''
def top_ops(averages, k=10, key="self_cpu_time_total"):
    if k < 0:
        raise ValueError("k must be >= 0")
    order = sorted(range(len(averages)), key=lambda i: getattr(averages[i], key),
                   reverse=True)
    return [(averages[i].key, float(getattr(averages[i], key))) for i in order[:k]]
'''),
    ],
    'no_break': [
        ('keeps the per-row loop with .item() (the graph break stays)', '''
class GatedMLPNoBreak(GatedMLP):
    def forward(self, x):
        h = self.fc1(x)
        rows = [x[i] + self.fc2(torch.relu(h[i])) if h[i].norm().item() > self.threshold else x[i] for i in range(x.shape[0])]
        return torch.stack(rows) if rows else x.clone()
'''),
        ('gates the whole batch on one norm (wrong reduction)', '''
class GatedMLPNoBreak(GatedMLP):
    def forward(self, x):
        h = self.fc1(x)
        return torch.where(h.norm() > self.threshold, x + self.fc2(torch.relu(h)), x)
'''),
        ('norm over the batch dimension (dim=0)', '''
class GatedMLPNoBreak(GatedMLP):
    def forward(self, x):
        h = self.fc1(x)
        gate = h.norm(dim=0).sum() / max(h.shape[0], 1) > self.threshold
        return torch.where(gate, x + self.fc2(torch.relu(h)), x)
'''),
        ('gate without keepdim, transposed to fit (right only when N == dim)', '''
class GatedMLPNoBreak(GatedMLP):
    def forward(self, x):
        h = self.fc1(x)
        gate = h.norm(dim=1) > self.threshold
        out = x + self.fc2(torch.relu(h))
        if x.shape[0] == x.shape[1]:
            return torch.where(gate, out, x)
        return torch.where(gate.unsqueeze(1), out, x)
'''),
        ('hard-codes the default threshold 2.0', '''
class GatedMLPNoBreak(GatedMLP):
    def forward(self, x):
        h = self.fc1(x)
        gate = h.norm(dim=1, keepdim=True) > 2.0
        return torch.where(gate, x + self.fc2(torch.relu(h)), x)
'''),
        ('adds the MLP output into x in place', '''
class GatedMLPNoBreak(GatedMLP):
    def forward(self, x):
        h = self.fc1(x)
        gate = (h.norm(dim=1, keepdim=True) > self.threshold).to(x.dtype)
        return x.add_(gate * self.fc2(torch.relu(h)))
'''),
        ('gates on the norm of the input x instead of the hidden activation', '''
class GatedMLPNoBreak(GatedMLP):
    def forward(self, x):
        h = self.fc1(x)
        gate = x.norm(dim=1, keepdim=True) > self.threshold
        return torch.where(gate, x + self.fc2(torch.relu(h)), x)
'''),
        ("detaches the gate's decision through .item() per batch (a graph break)", '''
class GatedMLPNoBreak(GatedMLP):
    def forward(self, x):
        h = self.fc1(x)
        norms = h.norm(dim=1, keepdim=True)
        if x.shape[0] and norms.max().item() <= self.threshold:
            return x.clone()
        return torch.where(norms > self.threshold, x + self.fc2(torch.relu(h)), x)
'''),
    ],
    'count_compilations': [
        ('counts calls of the compiled function instead of graphs', '''
def count_compilations(fn, shapes, dynamic):
    graphs = 0

    def counting_backend(graph_module, example_inputs):
        nonlocal graphs
        graphs += 1
        return graph_module.forward

    torch._dynamo.reset()
    compiled_fn = torch.compile(fn, backend=counting_backend, dynamic=dynamic)
    for shape in shapes:
        compiled_fn(torch.randn(*shape))
    return len(shapes)
'''),
        ('counts distinct shapes without compiling anything (mechanism skipped)', '''
def count_compilations(fn, shapes, dynamic):
    graphs = 0

    def counting_backend(graph_module, example_inputs):
        nonlocal graphs
        graphs += 1
        return graph_module.forward

    torch._dynamo.reset()
    compiled_fn = torch.compile(fn, backend=counting_backend, dynamic=dynamic)
    for shape in shapes:
        compiled_fn(torch.randn(*shape))
    return len(set(shapes))
'''),
        ('ignores `dynamic` (always the default)', '''
def count_compilations(fn, shapes, dynamic):
    graphs = 0

    def counting_backend(graph_module, example_inputs):
        nonlocal graphs
        graphs += 1
        return graph_module.forward

    torch._dynamo.reset()
    compiled_fn = torch.compile(fn, backend=counting_backend, dynamic=None)
    for shape in shapes:
        compiled_fn(torch.randn(*shape))
    return graphs
'''),
        ('no torch._dynamo.reset(): cached graphs are reused', '''
def count_compilations(fn, shapes, dynamic):
    graphs = 0

    def counting_backend(graph_module, example_inputs):
        nonlocal graphs
        graphs += 1
        return graph_module.forward

    pass
    compiled_fn = torch.compile(fn, backend=counting_backend, dynamic=dynamic)
    for shape in shapes:
        compiled_fn(torch.randn(*shape))
    return graphs
'''),
        ('returns recompilations (graphs - 1), off by one', '''
def count_compilations(fn, shapes, dynamic):
    graphs = 0

    def counting_backend(graph_module, example_inputs):
        nonlocal graphs
        graphs += 1
        return graph_module.forward

    torch._dynamo.reset()
    compiled_fn = torch.compile(fn, backend=counting_backend, dynamic=dynamic)
    for shape in shapes:
        compiled_fn(torch.randn(*shape))
    return max(graphs - 1, 0)
'''),
        ("reads Dynamo's global counter, which earlier compilations already raised", '''
def count_compilations(fn, shapes, dynamic):
    graphs = 0

    def counting_backend(graph_module, example_inputs):
        nonlocal graphs
        graphs += 1
        return graph_module.forward

    torch._dynamo.reset()
    compiled_fn = torch.compile(fn, backend=counting_backend, dynamic=dynamic)
    for shape in shapes:
        compiled_fn(torch.randn(*shape))
    return int(torch._dynamo.utils.counters['stats']['unique_graphs'])
'''),
        ('builds inputs of 4 columns whatever the shape (only the visible shapes work)', '''
def count_compilations(fn, shapes, dynamic):
    graphs = 0

    def counting_backend(graph_module, example_inputs):
        nonlocal graphs
        graphs += 1
        return graph_module.forward

    torch._dynamo.reset()
    compiled_fn = torch.compile(fn, backend=counting_backend, dynamic=dynamic)
    for shape in shapes:
        compiled_fn(torch.randn(shape[0], 4))
    return graphs
'''),
    ],
    'export_and_reload': [
        ('no dynamic batch dimension', '''
def export_and_reload(model, example, path):
    was_training = model.training
    model.eval()
    batch = torch.export.Dim("batch")
    program = torch.export.export(model, (example,), strict=False)
    model.train(was_training)
    torch.export.save(program, path)
    return torch.export.load(path).module()
'''),
        ('exports in train mode (no eval)', '''
def export_and_reload(model, example, path):
    was_training = model.training
    pass
    batch = torch.export.Dim("batch")
    program = torch.export.export(model, (example,), dynamic_shapes=({0: batch},))
    model.train(was_training)
    torch.export.save(program, path)
    return torch.export.load(path).module()
'''),
        ('leaves the model in eval mode', '''
def export_and_reload(model, example, path):
    was_training = model.training
    model.eval()
    batch = torch.export.Dim("batch")
    program = torch.export.export(model, (example,), dynamic_shapes=({0: batch},))
    pass
    torch.export.save(program, path)
    return torch.export.load(path).module()
'''),
        ("returns the in-memory program's module (shares the live weights)", '''
def export_and_reload(model, example, path):
    was_training = model.training
    model.eval()
    batch = torch.export.Dim("batch")
    program = torch.export.export(model, (example,), dynamic_shapes=({0: batch},))
    model.train(was_training)
    torch.export.save(program, path)
    return program.module()
'''),
        ('returns the ExportedProgram itself, not its module', '''
def export_and_reload(model, example, path):
    was_training = model.training
    model.eval()
    batch = torch.export.Dim("batch")
    program = torch.export.export(model, (example,), dynamic_shapes=({0: batch},))
    model.train(was_training)
    torch.export.save(program, path)
    return program
'''),
        ('saves a state_dict with torch.save and returns the model (no export)', '''
def export_and_reload(model, example, path):
    was_training = model.training
    model.eval()
    batch = torch.export.Dim("batch")
    program = torch.export.export(model, (example,), dynamic_shapes=({0: batch},))
    model.train(was_training)
    torch.save(model.state_dict(), path)
    return model
'''),
    ],
    'to_onnx': [
        ('no dynamic batch dimension', '''
def to_onnx(model, example, path):
    was_training = model.training
    model.eval()
    with quiet_torch():
        torch.onnx.export(
            model, (example,), str(path), dynamo=True, input_names=['images'], output_names=['logits'], 
        )
    model.train(was_training)
    return Path(path)
'''),
        ('default input and output names', '''
def to_onnx(model, example, path):
    was_training = model.training
    model.eval()
    with quiet_torch():
        torch.onnx.export(
            model, (example,), str(path), dynamo=True,  dynamic_shapes=({0: torch.export.Dim('batch')},)
        )
    model.train(was_training)
    return Path(path)
'''),
        ('leaves the model in eval mode', '''
def to_onnx(model, example, path):
    was_training = model.training
    model.eval()
    with quiet_torch():
        torch.onnx.export(
            model, (example,), str(path), dynamo=True, input_names=['images'], output_names=['logits'], dynamic_shapes=({0: torch.export.Dim('batch')},)
        )
    pass
    return Path(path)
'''),
        ('returns the path as a str', '''
def to_onnx(model, example, path):
    was_training = model.training
    model.eval()
    with quiet_torch():
        torch.onnx.export(
            model, (example,), str(path), dynamo=True, input_names=['images'], output_names=['logits'], dynamic_shapes=({0: torch.export.Dim('batch')},)
        )
    model.train(was_training)
    return str(path)
'''),
        ('writes a torch.export program instead of ONNX', '''
def to_onnx(model, example, path):
    was_training = model.training
    model.eval()
    with quiet_torch():
        torch.export.save(torch.export.export(model, (example,)), str(path))
    model.train(was_training)
    return Path(path)
'''),
        ('exports a float64 copy of the model (input type double)', '''
import copy


def to_onnx(model, example, path):
    was_training = model.training
    model.eval()
    with quiet_torch():
        torch.onnx.export(
            copy.deepcopy(model).double(), (example.double(),), str(path), dynamo=True, input_names=['images'], output_names=['logits'], dynamic_shapes=({0: torch.export.Dim('batch')},)
        )
    model.train(was_training)
    return Path(path)
'''),
    ],
    'ort_predict': [
        ("assumes the input is named 'images'", '''
def ort_predict(session, x):
    name = 'images'
    array = x.detach().to(device='cpu', dtype=torch.float32).numpy()
    return torch.from_numpy(session.run(None, {name: array})[0])
'''),
        ('squeezes the output (loses the batch dimension for one row)', '''
def ort_predict(session, x):
    name = session.get_inputs()[0].name
    array = x.detach().to(device='cpu', dtype=torch.float32).numpy()
    return torch.from_numpy(session.run(None, {name: array})[0]).squeeze()
'''),
        ('no float32 conversion', '''
def ort_predict(session, x):
    name = session.get_inputs()[0].name
    array = x.detach().cpu().numpy()
    return torch.from_numpy(session.run(None, {name: array})[0])
'''),
        ('no detach (fails for x that requires grad)', '''
def ort_predict(session, x):
    name = session.get_inputs()[0].name
    array = x.float().numpy()
    return torch.from_numpy(session.run(None, {name: array})[0])
'''),
        ('returns the NumPy array', '''
def ort_predict(session, x):
    name = session.get_inputs()[0].name
    array = x.detach().to(device='cpu', dtype=torch.float32).numpy()
    return session.run(None, {name: array})[0]
'''),
        ('returns every output, not the first', '''
def ort_predict(session, x):
    name = session.get_inputs()[0].name
    array = x.detach().to(device='cpu', dtype=torch.float32).numpy()
    return torch.from_numpy(np.stack(session.run(None, {name: array})))
'''),
    ],
}
