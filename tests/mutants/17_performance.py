"""Known-wrong answers for chapter 17 (performance and deployment); each must fail its tests."""

from course_utils.instructor.mutants import variant

# benchmark's cell defines device_sync and benchmark: one template, the bug switched in.
_BENCHMARK = """
def device_sync(device):
    device = torch.device(device)
    SYNC_BODY


def benchmark(fn, *, warmup=3, repeats=20, sync=None, clock=time.perf_counter):
    if warmup < 0 or repeats < 1:
        raise ValueError("bad arguments")
    for _ in range(WARMUP_RANGE):
        fn()
    AFTER_WARMUP
    times = []
    for _ in range(REPEAT_RANGE):
        start = CLOCK()
        fn()
        AFTER_CALL
        times.append(CLOCK() - start)
    return SUMMARY
"""
_BENCHMARK_OK = {
    "SYNC_BODY": (
        "if device.type == 'cuda':\n        return lambda: torch.cuda.synchronize(device)\n"
        "    if device.type == 'mps':\n        return torch.mps.synchronize\n    return None"
    ),
    "WARMUP_RANGE": "warmup",
    "AFTER_WARMUP": "if sync is not None:\n        sync()",
    "REPEAT_RANGE": "repeats",
    "CLOCK": "clock",
    "AFTER_CALL": "if sync is not None:\n            sync()",
    "SUMMARY": "float(statistics.median(times))",
}


def _benchmark(**changes: str) -> str:
    return variant(_BENCHMARK, _BENCHMARK_OK, **changes)


_TOP_OPS = """
def top_ops(averages, k=10, key="self_cpu_time_total"):
    if k < 0:
        raise ValueError("k must be >= 0")
    BODY
"""


def _top_ops(body: str) -> str:
    return variant(_TOP_OPS, {"BODY": body})


_NO_BREAK = """
class GatedMLPNoBreak(GatedMLP):
    def forward(self, x):
        BODY
"""


def _no_break(body: str) -> str:
    return variant(_NO_BREAK, {"BODY": body})


_COUNT = """
def count_compilations(fn, shapes, dynamic):
    graphs = 0

    def counting_backend(graph_module, example_inputs):
        nonlocal graphs
        graphs += 1
        return graph_module.forward

    RESET
    compiled_fn = torch.compile(fn, backend=counting_backend, DYNAMIC)
    for shape in shapes:
        compiled_fn(INPUT)
    return RESULT
"""
_COUNT_OK = {
    "RESET": "torch._dynamo.reset()",
    "DYNAMIC": "dynamic=dynamic",
    "INPUT": "torch.randn(*shape)",
    "RESULT": "graphs",
}


def _count(**changes: str) -> str:
    return variant(_COUNT, _COUNT_OK, **changes)


_EXPORT = """
def export_and_reload(model, example, path):
    was_training = model.training
    EVAL
    batch = torch.export.Dim("batch")
    program = torch.export.export(model, (example,), DYNAMIC)
    RESTORE
    torch.export.save(program, path)
    return RESULT
"""
_EXPORT_OK = {
    "EVAL": "model.eval()",
    "DYNAMIC": "dynamic_shapes=({0: batch},)",
    "RESTORE": "model.train(was_training)",
    "RESULT": "torch.export.load(path).module()",
}


def _export(**changes: str) -> str:
    return variant(_EXPORT, _EXPORT_OK, **changes)


_ONNX = """
def to_onnx(model, example, path):
    was_training = model.training
    model.eval()
    with quiet_torch():
        torch.onnx.export(
            model, (example,), str(path), dynamo=True, NAMES DYNAMIC
        )
    RESTORE
    return RESULT
"""
_ONNX_OK = {
    "NAMES": "input_names=['images'], output_names=['logits'],",
    "DYNAMIC": "dynamic_shapes=({0: torch.export.Dim('batch')},)",
    "RESTORE": "model.train(was_training)",
    "RESULT": "Path(path)",
}


def _onnx(**changes: str) -> str:
    return variant(_ONNX, _ONNX_OK, **changes)


_PREDICT = """
def ort_predict(session, x):
    name = NAME
    array = ARRAY
    return RESULT
"""
_PREDICT_OK = {
    "NAME": "session.get_inputs()[0].name",
    "ARRAY": "x.detach().to(device='cpu', dtype=torch.float32).numpy()",
    "RESULT": "torch.from_numpy(session.run(None, {name: array})[0])",
}


def _predict(**changes: str) -> str:
    return variant(_PREDICT, _PREDICT_OK, **changes)


MUTANTS = {
    "benchmark": [
        ("returns the mean instead of the median", _benchmark(SUMMARY="sum(times) / len(times)")),
        ("returns the minimum (a different statistic)", _benchmark(SUMMARY="min(times)")),
        (
            "median as the upper middle element (wrong for an even number of repeats)",
            _benchmark(SUMMARY="sorted(times)[len(times) // 2]"),
        ),
        (
            "times the warm-up calls too",
            _benchmark(
                WARMUP_RANGE="0",
                REPEAT_RANGE="warmup + repeats",
            ),
        ),
        ("one warm-up call too many (off by one)", _benchmark(WARMUP_RANGE="warmup + 1")),
        (
            "syncs only before starting the clock, so GPU work after fn is not waited for",
            _benchmark(
                AFTER_CALL="pass",
                REPEAT_RANGE="repeats",
            ).replace(
                "        start = clock()",
                "        if sync is not None:\n            sync()\n        start = clock()",
            ),
        ),
        (
            "no sync after the warm-up (its queued work leaks into the first timing)",
            _benchmark(AFTER_WARMUP="pass"),
        ),
        (
            "reads time.perf_counter instead of the given clock",
            _benchmark(CLOCK="time.perf_counter"),
        ),
        (
            "device_sync syncs CUDA on every device (CPU and meta too)",
            _benchmark(SYNC_BODY="return lambda: torch.cuda.synchronize()"),
        ),
        (
            "device_sync compares the device with the string 'cuda' (misses 'cuda:1')",
            _benchmark(
                SYNC_BODY=(
                    "if str(device) == 'cuda':\n        return torch.cuda.synchronize\n"
                    "    if device.type == 'mps':\n        return torch.mps.synchronize\n"
                    "    return None"
                )
            ),
        ),
    ],
    "top_ops": [
        (
            "sorts ascending (the cheapest operators first)",
            _top_ops(
                "ranked = sorted(averages, key=lambda e: getattr(e, key))\n"
                "    return [(e.key, float(getattr(e, key))) for e in ranked[:k]]"
            ),
        ),
        (
            "ignores `key` and always ranks by self CPU time",
            _top_ops(
                "ranked = sorted(averages, key=lambda e: e.self_cpu_time_total, reverse=True)\n"
                "    return [(e.key, float(getattr(e, key))) for e in ranked[:k]]"
            ),
        ),
        (
            "sorts the caller's list in place",
            _top_ops(
                "averages.sort(key=lambda e: getattr(e, key), reverse=True)\n"
                "    return [(e.key, float(getattr(e, key))) for e in averages[:k]]"
            ),
        ),
        (
            "breaks ties by name (sorting (value, name) pairs), not by input order",
            _top_ops(
                "pairs = sorted(((float(getattr(e, key)), e.key) for e in averages), reverse=True)\n"
                "    return [(name, value) for value, name in pairs[:k]]"
            ),
        ),
        (
            "off by one: returns k - 1 entries",
            _top_ops(
                "ranked = sorted(averages, key=lambda e: getattr(e, key), reverse=True)\n"
                "    return [(e.key, float(getattr(e, key))) for e in ranked[: max(k - 1, 0)]]"
            ),
        ),
        (
            "keeps the raw values (int counts stay int)",
            _top_ops(
                "ranked = sorted(averages, key=lambda e: getattr(e, key), reverse=True)\n"
                "    return [(e.key, getattr(e, key)) for e in ranked[:k]]"
            ),
        ),
        (
            "indexes the input (works for lists only, not for an iterator)",
            _top_ops(
                "order = sorted(range(len(averages)), key=lambda i: getattr(averages[i], key),\n"
                "                   reverse=True)\n"
                "    return [(averages[i].key, float(getattr(averages[i], key))) for i in order[:k]]"
            ),
        ),
    ],
    "no_break": [
        (
            "keeps the per-row loop with .item() (the graph break stays)",
            _no_break(
                "h = self.fc1(x)\n"
                "        rows = [x[i] + self.fc2(torch.relu(h[i])) if h[i].norm().item() > "
                "self.threshold else x[i] for i in range(x.shape[0])]\n"
                "        return torch.stack(rows) if rows else x.clone()"
            ),
        ),
        (
            "gates the whole batch on one norm (wrong reduction)",
            _no_break(
                "h = self.fc1(x)\n"
                "        return torch.where(h.norm() > self.threshold, "
                "x + self.fc2(torch.relu(h)), x)"
            ),
        ),
        (
            "norm over the batch dimension (dim=0)",
            _no_break(
                "h = self.fc1(x)\n"
                "        gate = h.norm(dim=0).sum() / max(h.shape[0], 1) > self.threshold\n"
                "        return torch.where(gate, x + self.fc2(torch.relu(h)), x)"
            ),
        ),
        (
            "gate without keepdim, transposed to fit (right only when N == dim)",
            _no_break(
                "h = self.fc1(x)\n"
                "        gate = h.norm(dim=1) > self.threshold\n"
                "        out = x + self.fc2(torch.relu(h))\n"
                "        if x.shape[0] == x.shape[1]:\n"
                "            return torch.where(gate, out, x)\n"
                "        return torch.where(gate.unsqueeze(1), out, x)"
            ),
        ),
        (
            "hard-codes the default threshold 2.0",
            _no_break(
                "h = self.fc1(x)\n"
                "        gate = h.norm(dim=1, keepdim=True) > 2.0\n"
                "        return torch.where(gate, x + self.fc2(torch.relu(h)), x)"
            ),
        ),
        (
            "adds the MLP output into x in place",
            _no_break(
                "h = self.fc1(x)\n"
                "        gate = (h.norm(dim=1, keepdim=True) > self.threshold).to(x.dtype)\n"
                "        return x.add_(gate * self.fc2(torch.relu(h)))"
            ),
        ),
        (
            "gates on the norm of the input x instead of the hidden activation",
            _no_break(
                "h = self.fc1(x)\n"
                "        gate = x.norm(dim=1, keepdim=True) > self.threshold\n"
                "        return torch.where(gate, x + self.fc2(torch.relu(h)), x)"
            ),
        ),
        (
            "detaches the gate's decision through .item() per batch (a graph break)",
            _no_break(
                "h = self.fc1(x)\n"
                "        norms = h.norm(dim=1, keepdim=True)\n"
                "        if x.shape[0] and norms.max().item() <= self.threshold:\n"
                "            return x.clone()\n"
                "        return torch.where(norms > self.threshold, x + self.fc2(torch.relu(h)), x)"
            ),
        ),
    ],
    "count_compilations": [
        (
            "counts calls of the compiled function instead of graphs",
            _count(RESULT="len(shapes)"),
        ),
        (
            "counts distinct shapes without compiling anything (mechanism skipped)",
            _count(RESULT="len(set(shapes))"),
        ),
        ("ignores `dynamic` (always the default)", _count(DYNAMIC="dynamic=None")),
        ("no torch._dynamo.reset(): cached graphs are reused", _count(RESET="pass")),
        ("returns recompilations (graphs - 1), off by one", _count(RESULT="max(graphs - 1, 0)")),
        (
            "reads Dynamo's global counter, which earlier compilations already raised",
            _count(RESULT="int(torch._dynamo.utils.counters['stats']['unique_graphs'])"),
        ),
        (
            "builds inputs of 4 columns whatever the shape (only the visible shapes work)",
            _count(INPUT="torch.randn(shape[0], 4)"),
        ),
    ],
    "export_and_reload": [
        ("no dynamic batch dimension", _export(DYNAMIC="strict=False")),
        ("exports in train mode (no eval)", _export(EVAL="pass")),
        ("leaves the model in eval mode", _export(RESTORE="pass")),
        (
            "returns the in-memory program's module (shares the live weights)",
            _export(RESULT="program.module()"),
        ),
        ("returns the ExportedProgram itself, not its module", _export(RESULT="program")),
        (
            "saves a state_dict with torch.save and returns the model (no export)",
            _export(RESULT="model").replace(
                "torch.export.save(program, path)", "torch.save(model.state_dict(), path)"
            ),
        ),
    ],
    "to_onnx": [
        ("no dynamic batch dimension", _onnx(DYNAMIC="")),
        ("default input and output names", _onnx(NAMES="")),
        ("leaves the model in eval mode", _onnx(RESTORE="pass")),
        ("returns the path as a str", _onnx(RESULT="str(path)")),
        (
            "writes a torch.export program instead of ONNX",
            _onnx().replace(
                "torch.onnx.export(\n            model, (example,), str(path), dynamo=True, "
                "input_names=['images'], output_names=['logits'], "
                "dynamic_shapes=({0: torch.export.Dim('batch')},)\n        )",
                "torch.export.save(torch.export.export(model, (example,)), str(path))",
            ),
        ),
        (
            "exports a float64 copy of the model (input type double)",
            _onnx()
            .replace(
                "torch.onnx.export(\n            model, (example,)",
                "torch.onnx.export(\n            copy.deepcopy(model).double(), (example.double(),)",
            )
            .replace("def to_onnx", "import copy\n\n\ndef to_onnx"),
        ),
    ],
    "ort_predict": [
        ("assumes the input is named 'images'", _predict(NAME="'images'")),
        (
            "squeezes the output (loses the batch dimension for one row)",
            _predict(RESULT="torch.from_numpy(session.run(None, {name: array})[0]).squeeze()"),
        ),
        ("no float32 conversion", _predict(ARRAY="x.detach().cpu().numpy()")),
        ("no detach (fails for x that requires grad)", _predict(ARRAY="x.float().numpy()")),
        ("returns the NumPy array", _predict(RESULT="session.run(None, {name: array})[0]")),
        (
            "returns every output, not the first",
            _predict(RESULT="torch.from_numpy(np.stack(session.run(None, {name: array})))"),
        ),
    ],
}
