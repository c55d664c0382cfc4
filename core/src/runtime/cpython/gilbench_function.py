"""gilbench's support for the user's own function, beside its CPython driver.

The driver loads the function once ("load"): it imports the user's file or module, checks
that the name is a function, and builds each task's arguments (the same list for every task,
or one tuple per task from a setup function). A pool's worker runs `call`, which imports the
function in its own process or interpreter the first time, runs it, and returns its result
with its wall time, its CPU time (time.thread_time) and whether the GIL was on in that worker
after the user's imports (sys._is_gil_enabled, on 3.13 and later).

After a measurement the driver reads every result here: its pickled size (the bytes a process
or interpreter pool moves back) and a 32-bit fingerprint for the check, so that gilbench can
compare what each executor returned. A task that raises becomes a `TaskFailed` naming the
exception, its message and the line of the user's code it came from.
"""

import ast
import base64
import hashlib
import importlib
import importlib.util
import itertools
import os
import pickle
import sys
import threading
import time
import traceback

from gilbench_protocol import ErrorReply, FunctionResult, LoadReply

# The function and arguments of this process's (or interpreter's) loaded task, by spec.
_FUNCTIONS = {}
_STATE = {"spec": None, "args": [], "check": None, "key": None, "reference": None, "sizes": []}


class TaskFailed(Exception):
    """A task of the user's raised: the message says what, where, and on which task."""


class LoadError(Exception):
    """The user's function cannot be loaded: the message is one line for the user."""


def _where(path):
    """A path as the user reads it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


def _one_line(text):
    return " ".join(str(text).split())


def _module_of(spec):
    """Imports the user's module: a file by its path (as a module named after the file), or a
    dotted name on the spec's search path."""
    for folder in reversed(spec.get("path") or []):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    # The working folder gilbench ran in, as `python -c` would have it (the driver runs as a
    # script from a folder of its own, which is what Python put first).
    if os.getcwd() not in sys.path:
        sys.path.append(os.getcwd())
    path = spec.get("file")
    if path is None:
        return importlib.import_module(spec["module"])
    name = os.path.splitext(os.path.basename(path))[0]
    loaded = sys.modules.get(name)
    if loaded is not None:
        if os.path.abspath(getattr(loaded, "__file__", "") or "") == os.path.abspath(path):
            return loaded
        where = getattr(loaded, "__file__", "built in")
        raise LoadError(f"{_where(path)}: its name {name!r} is a module Python has imported "
                        f"already ({where}); rename the file")
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in sys.path:
        sys.path.insert(0, folder)
    module_spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _defined_under_main(module, name):
    """True when `name` is defined only inside `if __name__ == "__main__":` in the module."""
    try:
        with open(module.__file__, encoding="utf-8") as source:
            tree = ast.parse(source.read())
    except (OSError, SyntaxError, TypeError, ValueError):
        return False
    for node in tree.body:
        if isinstance(node, ast.If) and "__main__" in ast.dump(node.test):
            for inner in ast.walk(node):
                functions = (ast.FunctionDef, ast.AsyncFunctionDef)
                if isinstance(inner, functions) and inner.name == name:
                    return True
    return False


def resolve(spec, role="function"):
    """The callable `spec` names, imported once per process or interpreter."""
    key = (spec.get("file"), spec.get("module"), spec["function"])
    found = _FUNCTIONS.get(key)
    if found is None:
        found = _FUNCTIONS[key] = _resolve(spec, role)
    return found


def _resolve(spec, role):
    target = spec.get("file") or spec.get("module")
    shown = _where(target) if spec.get("file") else target
    try:
        module = _module_of(spec)
    except LoadError:
        raise
    except SyntaxError as error:
        where = f"{_where(error.filename or target)}:{error.lineno}"
        raise LoadError(f"{where}: SyntaxError: {_one_line(error.msg)}") from None
    except ModuleNotFoundError as error:
        looked = spec.get("path") or ["the working folder"]
        raise LoadError(f"cannot import {shown}: ModuleNotFoundError: {_one_line(error)} "
                        f"(looked in {', '.join(looked)})") from None
    except BaseException as error:
        raise LoadError(f"importing {shown} raised {describe(error)}") from None
    name = spec["function"]
    if not hasattr(module, name):
        if _defined_under_main(module, name):
            raise LoadError(f"{shown} defines {name} only under `if __name__ == \"__main__\":`, "
                            "which a worker never runs; move it to the top level")
        raise LoadError(f"{shown} has no {role} named {name!r}")
    found = getattr(module, name)
    if not callable(found):
        kind = type(found).__name__
        article = "an" if kind[:1] in "aeiou" else "a"
        raise LoadError(f"{name} in {shown} is {article} {kind}, not a function")
    return found


def describe(error):
    """'ValueError: bad input (tasks.py:12)': the exception and the user's line that raised it."""
    frames = traceback.extract_tb(error.__traceback__)
    here = os.path.dirname(os.path.abspath(__file__))
    theirs = [f for f in frames if os.path.dirname(os.path.abspath(f.filename)) != here]
    name = type(error).__name__
    text = f"{name}: {_one_line(error)}" if str(error) else name
    if theirs:
        text += f" ({_where(theirs[-1].filename)}:{theirs[-1].lineno})"
    return text


def load(request):
    """Imports the function, builds each task's arguments, and answers what it found (a
    LoadReply, or an ErrorReply saying why it cannot be loaded)."""
    spec = request["spec"]
    try:
        function = resolve(spec)
        args = _arguments(request, spec)
        check = request.get("check") or {"kind": "pickle"}
        key = resolve(check["spec"], "check function") if check["kind"] == "key" else None
    except LoadError as error:
        return ErrorReply("LoadError: " + str(error))
    _STATE.update(spec=spec, args=args, check=check, key=key,
                  sizes=[pickled_size(a) for a in args])
    if request.get("reference") is not None:
        _STATE["reference"] = pickle.loads(base64.b64decode(request["reference"]))
    code = getattr(function, "__code__", None)
    return LoadReply(
        name=getattr(function, "__qualname__", spec["function"]),
        file=_where(code.co_filename) if code else None,
        line=code.co_firstlineno if code else None,
        bytes_in=_STATE["sizes"],
        gil_enabled=getattr(sys, "_is_gil_enabled", lambda: True)(),
    )


def _arguments(request, spec):
    tasks = request["tasks"]
    setup = request.get("setup")
    if setup is None:
        return [tuple(request.get("args") or ())] * tasks
    make = resolve(setup, "setup function")
    made_by = setup["function"]
    try:
        returned = make(tasks)
    except LoadError:
        raise
    except BaseException as error:
        raise LoadError(f"the setup function {made_by} raised {describe(error)}") from None
    try:
        # At most one tuple per task is read: an endless generator ends here too.
        made = list(itertools.islice(iter(returned), tasks))
    except TypeError:
        raise LoadError(f"the setup function {made_by} returned {type(returned).__name__}; "
                        "return a list of argument tuples, one per task") from None
    if len(made) < tasks:
        raise LoadError(f"the setup function {made_by} returned {len(made)} argument tuples "
                        f"for {tasks} tasks")
    for index, item in enumerate(made[:tasks]):
        if not isinstance(item, (tuple, list)):
            raise LoadError(f"the setup function {made_by} returned a {type(item).__name__} as "
                            f"task {index}'s arguments; return one tuple of arguments per task")
    return [tuple(item) for item in made[:tasks]]


def pickled_size(value):
    """The pickled size of `value` in bytes, None where it cannot be pickled."""
    try:
        return len(pickle.dumps(value))
    except Exception:
        return None


def bytes_in(index):
    """The pickled size of task `index`'s arguments: what a pool copies to its worker."""
    return _STATE["sizes"][index]


def calls(tasks, serial=False):
    """Each task's call: its small descriptor, then its arguments. A serial task, alone in its
    process, counts the CPU time of the whole process and its children (threads or processes
    of its own, BLAS's included); a pool's task only its own thread's."""
    spec = _STATE["spec"]
    if spec is None:
        raise LoadError("no function is loaded")
    return [({"kind": "python", "index": t["index"], "spec": spec, "whole_process": serial},)
            + _STATE["args"][t["index"]] for t in tasks]


def _cpu_clock(whole_process):
    if not whole_process:
        return time.thread_time()
    # process_time is exact and counts every thread of the process; children's time (processes
    # the function started and waited for) only comes in clock ticks, and is usually 0.
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


def call(task, *args):
    """Runs one task of the user's function in this worker: its FunctionResult."""
    function = resolve(task["spec"])
    whole = task.get("whole_process", False)
    start = time.monotonic()
    cpu = _cpu_clock(whole)
    try:
        result = function(*args)
    except BaseException as error:  # sys.exit() and KeyboardInterrupt too: a failed task
        raise TaskFailed(f"{describe(error)} on task {task['index']}") from None
    cpu = _cpu_clock(whole) - cpu
    end = time.monotonic()
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    return FunctionResult(result, os.getpid(), threading.get_ident(), start, end, cpu, gil)


def failure(index, error):
    """One line for a task that did not come back."""
    if isinstance(error, TaskFailed):
        return str(error)
    text = f"{type(error).__name__}: {_one_line(error)}"
    if "pickle" in text.lower():
        text += (" (a process or interpreter pool pickles each result to send it back; return "
                 "plain data)")
    return f"{text} on task {index}"


def fingerprint(index, result):
    """A 32-bit number standing for the result under the check, the same for equal results;
    -1 where the result cannot be checked (no pickle of it, or no reference for ==)."""
    check = _STATE["check"] or {"kind": "pickle"}
    kind = check["kind"]
    if kind == "none":
        return 0.0
    if kind == "eq":
        reference = _STATE["reference"]
        if reference is None:
            return -1.0
        try:
            return 1.0 if bool(result == reference[index]) else 0.0
        except Exception:  # == that raises or gives no truth value (NumPy arrays)
            return -1.0
    try:
        if kind == "key":
            result = _STATE["key"](result)
        data = pickle.dumps(result)
    except Exception:
        return -1.0
    return float(int.from_bytes(hashlib.sha256(data).digest()[:4], "big"))


def reference(results):
    """The results, pickled for another driver's == check (None when they cannot be)."""
    if results is None:
        return None
    try:
        return base64.b64encode(pickle.dumps(results)).decode("ascii")
    except Exception:
        return None


def pickled_reference():
    """The kept serial results, pickled for another driver (None when there are none)."""
    return reference(_STATE["reference"])


def keep_reference(results):
    """The first serial results, kept for an == check (and only then: they can be large)."""
    check = _STATE["check"] or {}
    if check.get("kind") == "eq" and _STATE["reference"] is None:
        _STATE["reference"] = list(results)
