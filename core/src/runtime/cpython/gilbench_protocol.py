"""gilbench's CPython driver protocol: the shapes of what goes over the wire, one place.

gilbench writes one request per line on the driver's stdin, a JSON object whose "op" names
the operation; the driver answers each with one reply line: the operation's reply (one class
below per shape, written as a JSON object with the class's fields) or {"error": "..."}. While
a request runs, the driver may also write events, {"event": KIND, ...}, which gilbench tells
from the reply by their "event" key: "progress" ({"event": "progress", "done": 3}: one more
task of the user's function finished) and "hold" (the cost scenario's pool is up and waits;
gilbench reads its memory and answers with one line, {}, to let it shut down). docs/internals.md
lists every op with its fields.

The classes are collections.namedtuple, not typing.NamedTuple: the task results are built in
every pool's worker, and on 3.13 importing typing would add about 3 ms to each process or
interpreter a pool starts (concurrent.futures no longer imports it), which the startup scenario
measures. A namedtuple pickles by its class, so a task's result crosses a process or an
interpreter as itself.
"""

import json
import sys
from collections import namedtuple

# ---------------------------------------------------------------------------------------------
# Task results: what one task returns from its worker.


def _defaults(*values):
    """A class decorator: the named tuple's last fields default to `values` (namedtuple's own
    `defaults=` needs 3.7; the driver runs on every CPython 3 `gilbench pythons` lists)."""

    def apply(cls):
        cls.__new__.__defaults__ = values
        named = cls._fields[len(cls._fields) - len(values):]
        cls._field_defaults = dict(zip(named, values))  # noqa: B905 (strict= needs 3.10)
        return cls

    return apply


@_defaults(None)
class TaskResult(namedtuple("TaskResult", "value pid thread start end gil data")):
    """One lesson task's outcome in its worker: its value, the process and thread that ran it,
    its start and end on time.monotonic(), whether the worker had the GIL on (None before
    3.13), and for a payload task the bytes it was given (a pool copies them back)."""

    __slots__ = ()


class FunctionResult(namedtuple("FunctionResult", "result pid thread start end cpu_s gil")):
    """One task of the user's function: its result (any object), who ran it and when, its CPU
    time in seconds, and whether the GIL was on in its worker after the user's imports."""

    __slots__ = ()


# ---------------------------------------------------------------------------------------------
# Replies: one class per shape; `wire` turns one into the JSON object that is sent.


@_defaults(None, None, None, None)
class Span(namedtuple("Span", "task worker start_s end_s value gil cpu_s bytes_in bytes_out")):
    """One task of a measurement: its index, the worker that ran it (numbered in the order the
    workers first appear), its start and end in seconds after the measurement started, its
    value; for the user's function also its CPU time and the bytes it moved each way."""

    __slots__ = ()


class MeasureReply(namedtuple("MeasureReply", "elapsed_s spans")):
    """"measure" and "measure_function": the wall time of the bench call and one Span per
    task, in the order the tasks were given."""

    __slots__ = ()


class ElapsedReply(namedtuple("ElapsedReply", "elapsed_s")):
    """"dispatch" and "lifecycle": how long the operation took, in seconds."""

    __slots__ = ()


class CalibrateReply(namedtuple("CalibrateReply", "iterations probe_iterations rates_per_s")):
    """"calibrate": the iteration count for the target time, the probe's count and each
    probe's rate (iterations per second, sorted)."""

    __slots__ = ()


class BurnReply(namedtuple("BurnReply", "values")):
    """"burn": repr(burn_cpu(n)) for each n asked, in order."""

    __slots__ = ()


class HelloReply(namedtuple("HelloReply", "version implementation executable gil_enabled "
                            "switch_interval_s free_threaded interpreters interpreters_missing "
                            "start_method")):
    """"hello": the interpreter, its build and settings, and where InterpreterPoolExecutor
    comes from (or why it is missing)."""

    __slots__ = ()


class LoadReply(namedtuple("LoadReply", "name file line bytes_in gil_enabled")):
    """"load": the user's function's qualified name, file and line, each task's arguments'
    pickled size (None where they cannot be pickled), and whether the GIL is on."""

    __slots__ = ()


class ReferenceReply(namedtuple("ReferenceReply", "reference")):
    """"reference": the kept serial results, pickled and base64-encoded (None: none to hand)."""

    __slots__ = ()


class ErrorReply(namedtuple("ErrorReply", "error")):
    """Any op that failed: "Type: message", one line."""

    __slots__ = ()


def wire(value):
    """`value` as JSON data: a namedtuple as an object of its fields (less the optional ones,
    those with a default, that are None: a lesson task's span has no CPU time), lists item by
    item."""
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        optional = getattr(value, "_field_defaults", {})
        return {key: wire(item) for key, item in value._asdict().items()
                if item is not None or key not in optional}
    if isinstance(value, (list, tuple)):
        return [wire(item) for item in value]
    return value


# ---------------------------------------------------------------------------------------------
# The streams, lines and events.


class Streams:
    """The protocol's own streams: the driver's main() points them at duplicates of its stdin
    and stdout before it sends fds 0 and 1 elsewhere, so that whatever a user's function prints
    or reads cannot break a reply line or eat a request. Tests point them at StringIO."""

    out = sys.stdout
    requests = sys.stdin


def write_line(message):
    """Writes one protocol line (a reply or an event) and flushes it."""
    Streams.out.write(json.dumps(wire(message)) + "\n")
    Streams.out.flush()


def emit_event(kind, **fields):
    """Writes one out-of-band line, {"event": kind, **fields}: the only way events are sent."""
    write_line({"event": kind, **fields})


def read_answer():
    """The line gilbench answers an event with (the "hold" event's go-ahead)."""
    return Streams.requests.readline()


# ---------------------------------------------------------------------------------------------
# Requests.


@_defaults((), ())
class Operation(namedtuple("Operation", "handler required optional")):
    """What serves one op: its handler (request dict -> reply), the fields its request must
    have, and those it may have (listed for the docs and the tests; others are ignored)."""

    __slots__ = ()


def handle(line, operations):
    """The reply to one request line, never an exception: the op's own reply, or an ErrorReply
    for a line that is no request (not JSON, not an object, an unknown op, a missing field)
    and for an op that raised (every failure goes back to gilbench as data)."""
    try:
        request = json.loads(line)
    except ValueError as error:
        return ErrorReply(f"BadRequest: not JSON ({error})")
    if not isinstance(request, dict):
        return ErrorReply(f"BadRequest: a request is a JSON object, not {type(request).__name__}")
    op = request.get("op")
    operation = operations.get(op) if isinstance(op, str) else None
    if operation is None:
        return ErrorReply(f"BadRequest: unknown op {op!r}")
    missing = [field for field in operation.required if field not in request]
    if missing:
        return ErrorReply(f"BadRequest: {op!r} needs {', '.join(missing)}")
    try:
        return operation.handler(request)
    except BaseException as error:  # the user's sys.exit() too: the driver keeps serving
        return ErrorReply(f"{type(error).__name__}: {error}")


def serve(operations):
    """Answers every request line until gilbench closes the stream."""
    # readline, not iteration: a "hold" event reads its answer from the same stream.
    for line in iter(Streams.requests.readline, ""):
        write_line(handle(line, operations))
