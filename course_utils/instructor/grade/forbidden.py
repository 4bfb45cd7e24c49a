"""What the static scan (:mod:`.scan`) flags in an answer: the modules, calls, attributes and
names no exercise of the course needs, whose only use there is to reach around the grader; and
the names and builtins an answer may not rebind at its top level.
"""

from __future__ import annotations

# Modules no exercise needs, whose only use in an answer is to reach around the grader.
FORBIDDEN_MODULES = frozenset(
    {
        "gc", "ctypes", "inspect", "builtins", "__builtin__", "importlib", "linecache", "dis",
        "marshal", "code", "codeop", "IPython", "ipykernel", "jupyter_client", "zmq",
        "course_utils.instructor",
    }
)  # fmt: skip
FORBIDDEN_PREFIXES = ("torch.overrides", "torch.utils._python_dispatch", "torch._C._dynamo")
# What ``from sys import ...`` or ``sys.NAME`` may not reach.
FORBIDDEN_SYS = frozenset(
    f"sys.{name}"
    for name in ("modules", "_getframe", "settrace", "setprofile", "meta_path", "path_hooks",
                 "excepthook", "displayhook", "last_traceback", "last_value", "last_exc")
)  # fmt: skip
# Called by bare name (``vars`` only without arguments, which is ``locals()``).
FORBIDDEN_CALLS = frozenset(
    {"get_ipython", "globals", "locals", "exec", "eval", "compile", "__import__", "breakpoint"}
)
# Attributes whose only use is introspection of frames, closures or the kernel, on any object.
FORBIDDEN_ATTRIBUTES = frozenset(
    {
        "set_custom_exc", "custom_exceptions", "CustomTB", "ast_transformers",
        "input_transformers_post", "input_transformers_cleanup", "input_transformer_manager",
        "user_ns", "user_global_ns", "user_expressions", "showtraceback", "run_cell",
        "run_cell_async", "run_code", "run_ast_nodes", "_getframe", "settrace", "setprofile",
        "meta_path", "path_hooks", "excepthook", "displayhook", "f_back", "f_globals",
        "f_locals", "f_builtins", "f_code", "tb_frame", "gi_frame", "cr_frame", "ag_frame",
        "co_consts", "co_code", "cell_contents", "__globals__", "__closure__", "__code__",
        "__subclasses__", "__builtins__", "__torch_function__", "__torch_dispatch__",
    }
)  # fmt: skip
# IPython's history (it holds every cell's source) and the names behind the other rules.
FORBIDDEN_NAMES = frozenset(
    {"In", "Out", "_ih", "_oh", "_dh", "get_ipython", "__builtins__", "__import__"}
)
# Names the test cells rely on: binding them at the top level of an answer changes a verdict.
CHECKER_NAMES = frozenset(
    {
        "check_tensor", "check_number", "check_equal", "check_true", "check_raises",
        "check_type", "call", "quiet", "passed", "CheckFailed",
    }
)  # fmt: skip
GUARDED_BUILTINS = frozenset(
    {
        "isinstance", "issubclass", "type", "len", "bool", "all", "any", "abs", "float", "int",
        "str", "repr", "id", "object", "getattr", "hasattr", "print", "range", "zip",
        "Exception", "BaseException", "AssertionError", "NotImplementedError",
    }
)  # fmt: skip
TORCH_MODES = frozenset({"TorchFunctionMode", "TorchDispatchMode"})
# Magics that only time or display; any other magic or shell escape is flagged.
ALLOWED_MAGICS = frozenset({"time", "timeit", "matplotlib"})
GRADER_PREFIX = "__course_grader"
# Module attributes that are settings, written by honest code (``torch.backends.cudnn.benchmark``).
HONEST_SETTINGS = ("torch.backends.",)
