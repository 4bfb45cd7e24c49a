"""Detect same-kernel tampering: the grader's preamble and the check it runs around test cells.

Layer (c) of ``course grade`` (after the assembled notebook, which runs only the answer cells,
and the static scan of :mod:`.scan`). The preamble runs before any student code and captures
references to everything a test verdict depends on: IPython's input and AST transformers, its
custom exception handler and cell-running methods, the kernel's execute path, trace hooks,
``course_utils.checks``, the torch / NumPy / math comparison functions, the comparison methods of
``torch.Tensor`` and a few builtins. After the setup cell it also captures the modules, functions
and classes the setup cell bound in the notebook's namespace (so that
``check_equal = lambda *a, **k: None`` is caught).

The check is unreachable by name: it lives in a module object registered under a random name in
``sys.modules`` (never in the notebook's namespace, so rebinding names through ``globals()``
cannot reach it), it receives its key through a user expression (never through cell source,
which IPython keeps in ``linecache``), and every answer carries an HMAC of the fresh token and the
problem list under that key, so a replacement that echoes the token back is a forgery.

The grader evaluates the check as a *user expression* of each test cell's own execute request:
ipykernel evaluates user expressions only when the cell's code ran to its end without an
exception, so the answer is also the grader's end-of-cell marker (see :mod:`.executor`).

Limits, stated plainly: the check runs in the student's process, so code written specifically to
defeat it (e.g. reading the key out of the closure through ``gc``) is not excluded by this layer;
the static scan flags every primitive such code needs, and the sandbox bounds what it can reach
(no solutions, gradebook, network or other students).
"""

from __future__ import annotations

import ast
import hashlib
import hmac
import json
import secrets

_PREAMBLE = r"""
def __course_grader_factory(nonce, secret):
    import builtins, hashlib, hmac, importlib, inspect, json, sys, types

    digest, sha256, dumps, sort = hmac.digest, hashlib.sha256, json.dumps, sorted

    ip = get_ipython()
    refs = {}

    def snap(modname, names=None):
        try:
            mod = importlib.import_module(modname)
        except Exception:
            return
        wanted = names if names is not None else [n for n in vars(mod) if not n.startswith("__")]
        for name in wanted:
            if hasattr(mod, name):
                refs[("module", modname, name)] = getattr(mod, name)

    snap("course_utils.checks")
    snap("torch", ["allclose", "isclose", "equal", "eq", "ne", "all", "any", "abs", "testing",
                   "is_tensor", "Tensor", "tensor", "as_tensor", "isnan", "where"])
    snap("torch.testing", ["assert_close", "assert_allclose"])
    snap("numpy", ["allclose", "isclose", "array_equal", "array_equiv", "all", "any", "ndarray"])
    snap("numpy.testing", ["assert_allclose", "assert_array_equal", "assert_equal",
                           "assert_almost_equal", "assert_array_almost_equal"])
    snap("math", ["isclose"])
    snap("hmac", ["digest", "new", "HMAC", "compare_digest"])
    snap("json", ["dumps", "loads"])
    snap("builtins", ["isinstance", "issubclass", "type", "len", "print", "__import__", "getattr",
                      "hasattr", "bool", "all", "any", "abs", "float", "int", "str", "repr",
                      "sum", "zip", "range", "id", "object", "eval", "exec", "compile"])
    try:
        import torch
        for name in ["__eq__", "__ne__", "__bool__", "__float__", "__int__", "__index__",
                     "__lt__", "__le__", "__gt__", "__ge__", "__len__", "__iter__", "__getitem__",
                     "__repr__", "all", "any", "equal", "allclose", "isclose", "item", "tolist",
                     "to", "detach", "cpu", "numel", "dim", "eq", "ne", "sum", "abs", "dtype",
                     "shape", "size", "is_floating_point", "is_complex", "__torch_function__"]:
            if hasattr(torch.Tensor, name):
                refs[("attr", "torch.Tensor", name)] = inspect.getattr_static(torch.Tensor, name)
    except Exception:
        pass
    methods = ["run_cell", "run_cell_async", "run_ast_nodes", "run_code", "transform_cell",
               "transform_ast", "showtraceback", "_showtraceback", "showsyntaxerror",
               "user_expressions", "_format_user_obj", "_user_obj_error", "should_run_async"]
    cls_refs = {name: getattr(type(ip), name, None) for name in methods}
    inst_refs = {name: vars(ip).get(name) for name in methods}
    kernel = getattr(ip, "kernel", None)
    kernel_methods = ["do_execute", "execute_request", "send_response", "_publish_status"]
    kernel_refs = {name: getattr(type(kernel), name, None) for name in kernel_methods}
    kernel_inst = {name: vars(kernel).get(name) for name in kernel_methods} if kernel else {}
    session_inst = vars(kernel.session).get("send") if kernel else None
    session_send = getattr(type(getattr(kernel, "session", None)), "send", None)
    itm = ip.input_transformer_manager
    lists = {
        "input_transformers_cleanup": itm.cleanup_transforms,
        "input_transformers_post": ip.input_transformers_post,
        "line_transforms": itm.line_transforms,
        "token_transformers": itm.token_transformers,
        "ast_transformers": ip.ast_transformers,
    }
    list_items = {k: list(v) for k, v in lists.items()}
    custom_exc = (ip.custom_exceptions, vars(ip).get("CustomTB"))
    hooks = (sys.gettrace(), sys.getprofile(), ip.display_formatter,
             ip.compile, type(ip.compile).__call__, type(itm).transform_cell, itm)
    guarded = {}

    def snapshot_namespace(names=None):
        # All names (after the setup cell), or the names a trusted cell just bound.
        import types
        kinds = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type)
        for name in list(ip.user_ns) if names is None else names:
            value = ip.user_ns.get(name)
            if not name.startswith("_") and isinstance(value, kinds):
                guarded[name] = value
            elif names is not None:
                guarded.pop(name, None)
        return nonce

    def check(token, skip=()):
        problems = []
        for key, value in refs.items():
            kind, owner, name = key
            if kind == "module":
                mod = sys.modules.get(owner)
                current = getattr(mod, name, None) if mod is not None else None
            else:
                try:
                    current = inspect.getattr_static(sys.modules["torch"].Tensor, name)
                except AttributeError:
                    current = None
            if current is not value:
                problems.append(f"{owner}.{name} was replaced")
        for name, value in cls_refs.items():
            patched = vars(ip).get(name) is not inst_refs[name]
            if patched or getattr(type(ip), name, None) is not value:
                problems.append(f"IPython's {name} was replaced")
        for name, value in kernel_refs.items():
            if kernel is not None and (
                vars(kernel).get(name) is not kernel_inst[name]
                or getattr(type(kernel), name, None) is not value
            ):
                problems.append(f"the kernel's {name} was replaced")
        if kernel is not None and (
            vars(kernel.session).get("send") is not session_inst
            or type(kernel.session).send is not session_send
        ):
            problems.append("the kernel's message sending was replaced")
        current_lists = {
            "input_transformers_cleanup": ip.input_transformer_manager.cleanup_transforms,
            "input_transformers_post": ip.input_transformers_post,
            "line_transforms": ip.input_transformer_manager.line_transforms,
            "token_transformers": ip.input_transformer_manager.token_transformers,
            "ast_transformers": ip.ast_transformers,
        }
        for key, current in current_lists.items():
            if current is not lists[key] or len(current) != len(list_items[key]) or any(
                a is not b for a, b in zip(current, list_items[key])
            ):
                problems.append(f"IPython {key} were changed (code could be rewritten)")
        now = (sys.gettrace(), sys.getprofile(), ip.display_formatter,
               ip.compile, type(ip.compile).__call__,
               None if "transform_cell" in vars(ip.input_transformer_manager)
               else type(ip.input_transformer_manager).transform_cell,
               ip.input_transformer_manager)
        names = ["sys.settrace", "sys.setprofile", "the display formatter",
                 "IPython's compiler", "IPython's compiler", "the input transformer manager",
                 "the input transformer manager"]
        for label, a, b in zip(names, now, hooks):
            if a is not b:
                problems.append(f"{label} was changed")
        torch_c = getattr(sys.modules.get("torch"), "_C", None)
        if torch_c is not None and (
            torch_c._is_torch_function_mode_enabled() and torch_c._len_torch_function_stack()
        ):
            problems.append("a TorchFunctionMode is active (it can rewrite every comparison)")
        if torch_c is not None and torch_c._len_torch_dispatch_stack():
            problems.append("a TorchDispatchMode is active (it can rewrite every comparison)")
        if (ip.custom_exceptions, vars(ip).get("CustomTB")) != custom_exc:
            problems.append("a custom exception handler was installed (set_custom_exc)")
        for name, value in guarded.items():
            if name not in skip and ip.user_ns.get(name) is not value:
                problems.append(f"the name {name!r} (imported by the setup cell) was rebound")
        payload = dumps({"token": token, "problems": sort(set(problems))})
        return dumps({"payload": payload, "mac": digest(secret, payload.encode(), sha256).hex()})

    module = types.ModuleType("{module}", "the course grader's integrity check")
    module.check, module.snapshot = check, snapshot_namespace
    sys.modules["{module}"] = module
    return nonce
"""
# Run once (silently) after the preamble: hands the key over and removes the factory's name.
_INSTALL = "__course_grader_factory({nonce!r}, bytes.fromhex({key!r}))"
_CLEANUP = "del __course_grader_factory"


class Tamper:
    """The preamble code and check expressions of one grading run (random names, nonce, key)."""

    def __init__(self) -> None:
        self.module = f"_course_grader_{secrets.token_hex(8)}"
        self.nonce = secrets.token_hex(16)
        self.key = secrets.token_bytes(32)

    def preamble(self) -> str:
        """Code the grader runs before any student code (it holds no secret)."""
        return _PREAMBLE.replace("{module}", self.module)

    def install_expression(self) -> str:
        """User expression that hands the key to the preamble's factory (answer: the nonce)."""
        return _INSTALL.format(nonce=self.nonce, key=self.key.hex())

    cleanup = _CLEANUP

    def _reach(self) -> str:
        return f"__import__('sys').modules[{self.module!r}]"

    def snapshot_expression(self, names: set[str] | None = None) -> str:
        """Expression that records the setup cell's imports (evaluated right after it), or
        ``names`` again (evaluated after a trusted cell that binds them)."""
        return f"{self._reach()}.snapshot({None if names is None else sorted(names)!r})"

    def check_expression(self, skip: set[str] | frozenset[str] = frozenset()) -> tuple[str, str]:
        """Expression that returns the signed JSON problem list, and the token it must carry;
        ``skip``: names the test cell being checked binds itself."""
        token = secrets.token_hex(8)
        return f"{self._reach()}.check({token!r}, {sorted(skip)!r})", token

    def parse(self, reply: dict, token: str) -> list[str]:
        """Problems from a user-expression reply; a missing or forged answer is itself a problem."""
        if not isinstance(reply, dict) or reply.get("status") != "ok":
            return ["the grader's integrity check could not run (its helper was removed)"]
        try:
            outer = json.loads(ast.literal_eval(reply["data"]["text/plain"]))
            payload, mac = outer["payload"], outer["mac"]
            data = json.loads(payload)
        except (KeyError, ValueError, SyntaxError, TypeError):
            return ["the grader's integrity check returned garbage"]
        expected = hmac.new(self.key, str(payload).encode(), hashlib.sha256).hexdigest()
        if not isinstance(mac, str) or not hmac.compare_digest(mac, expected):
            return ["the grader's integrity check answer was forged"]
        if not isinstance(data, dict) or data.get("token") != token:
            return ["the grader's integrity check answer was replayed"]
        return [str(p) for p in data.get("problems", [])]
