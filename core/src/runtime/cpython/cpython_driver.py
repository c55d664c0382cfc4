"""gilbench's CPython driver: the lesson's workloads and bench run by real CPython.

gilbench starts this program with python3 and talks to it over stdin/stdout, one JSON object
per line (the shapes are in gilbench_protocol.py, the ops in OPERATIONS below, and both in
docs/internals.md). Each "measure" request runs the tasks with ThreadPoolExecutor,
ProcessPoolExecutor, InterpreterPoolExecutor (Python 3.14, or the interpreters-pep-734
backport on 3.12 and 3.13) or in-process serially, timed as the lesson times it, and answers with
the same measurement gilbench's own pools report: wall time, and per task its value, the
worker that ran it, and its start and end on time.monotonic() (CLOCK_MONOTONIC on Linux, the
clock gilbench reads too).
"""

import math
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed

from gilbench_protocol import (
    BurnReply,
    CalibrateReply,
    ElapsedReply,
    ErrorReply,
    HelloReply,
    MeasureReply,
    Operation,
    ReferenceReply,
    Span,
    Streams,
    TaskResult,
    emit_event,
    read_answer,
    serve,
)
from gilbench_workloads import contend, gather


def _timer_slack_setter():
    """prctl(PR_SET_TIMERSLACK, 1): the 1 ns timer slack gilbench's own workers ask for, so a
    sleep ends as close to its deadline in CPython as in Rust. A no-op off Linux."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (ImportError, OSError, AttributeError):
        # ctypes may be missing, or refuse to load in a subinterpreter.
        return lambda: None
    return lambda: prctl(29, 1, 0, 0, 0)


_set_timer_slack = _timer_slack_setter()


def die_with_parent():
    """prctl(PR_SET_PDEATHSIG, SIGKILL): this process is killed when its parent dies, so no
    driver, nor a process-pool worker stuck in a user's task, outlives a gilbench that was
    killed. Called by the driver at start and by each worker of a function's process pool. A
    no-op off Linux."""
    try:
        import ctypes
        import signal
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    except (ImportError, OSError, AttributeError):
        return
    # The parent may have died before the call: then nobody would send the signal.
    expected = os.environ.get("GILBENCH_PARENT_PID")
    if expected and expected.isdigit() and os.getppid() != int(expected) and os.getppid() == 1:
        os._exit(1)


_slack_set = threading.local()


def pin_worker(cpus, claims):
    """Pins the calling thread (a pool's worker thread, or a worker process's main thread) to
    one CPU of `cpus` (--pin): the CPU of the first slot it claims, a file created in `claims`
    only if absent, so no two workers of a pool take one slot, be they threads, processes or
    interpreters. Worker i of a pool gets cpus[i % len(cpus)], as gilbench's pools do."""
    slot = 0
    while True:
        try:
            flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY
            os.close(os.open(os.path.join(claims, str(slot)), flags))
            break
        except FileExistsError:
            slot += 1
    os.sched_setaffinity(0, {cpus[slot % len(cpus)]})


def start_worker(cpus, claims, die):
    """A pool's initializer: die with the driver (a function's process pool) and pin the
    worker (--pin), as asked."""
    if die:
        die_with_parent()
    if cpus:
        pin_worker(cpus, claims)


def worker_initializer(executor):
    """start_worker as a pool of `executor` can run it: an interpreter pool's workers import
    it by name, like its task function."""
    if executor == "interpreters":
        import gilbench_driver
        return gilbench_driver.start_worker
    return start_worker


class Pinning:
    """The pool options that pin every worker of one measurement (none without --pin), with
    the folder of its workers' slots, removed when the measurement ends."""

    def __init__(self, executor, cpus, die=False):
        self.executor, self.cpus, self.die = executor, cpus, die
        self.folder = None

    def __enter__(self):
        if not self.cpus and not self.die:
            return {}
        if self.cpus:
            import tempfile
            self.folder = tempfile.TemporaryDirectory(prefix="gilbench-pin-")
        claims = self.folder.name if self.folder else ""
        return {"initializer": worker_initializer(self.executor),
                "initargs": (self.cpus, claims, self.die)}

    def __exit__(self, *exc):
        if self.folder:
            self.folder.cleanup()
        return False


class PinnedThread:
    """The calling thread pinned to cpus[0] for one measurement (asyncio's one loop), its
    affinity given back afterwards; nothing without --pin."""

    def __init__(self, cpus):
        self.cpus = cpus
        self.before = None

    def __enter__(self):
        if self.cpus:
            self.before = os.sched_getaffinity(0)
            os.sched_setaffinity(0, {self.cpus[0]})
        return self

    def __exit__(self, *exc):
        if self.before is not None:
            os.sched_setaffinity(0, self.before)
        return False


def precise_timers():
    """The timer slack is per thread: set it once in each thread that runs tasks."""
    if not getattr(_slack_set, "done", False):
        _set_timer_slack()
        _slack_set.done = True


# lesson-code: burn_cpu
def burn_cpu(n):
    acc = 0.0
    for i in range(n):
        acc += math.sqrt((i % 1000) + 1)
    return acc
# end-lesson-code


# lesson-code: fake_io
def fake_io(seconds, chunks):
    for _ in range(chunks):
        time.sleep(seconds / chunks)
    return seconds
# end-lesson-code


def gil_enabled():
    """sys._is_gil_enabled() where it exists (3.13+), else None: read in the worker, after
    its imports, so that a free-threaded build whose GIL came back (PYTHON_GIL=1, or an
    extension module that does not declare itself safe without it) is seen as such."""
    check = getattr(sys, "_is_gil_enabled", None)
    return None if check is None else bool(check())


def run_task(task, data=None):
    """Runs one task (a dict as gilbench sends it) and returns its TaskResult: value, who ran
    it and when, whether its worker had the GIL on, and for a payload task the bytes it was
    given (a process or interpreter pool copies them back, as it copied them there)."""
    precise_timers()
    start = time.monotonic()
    kind = task["kind"]
    if kind == "payload":
        value = burn_cpu(task["iterations"]) + len(data)
        end = time.monotonic()
        return TaskResult(value, os.getpid(), threading.get_ident(), start, end, gil_enabled(),
                          data)
    if kind == "burn_cpu":
        value = burn_cpu(task["iterations"])
    elif kind == "fake_io":
        value = fake_io(task["seconds"], task["chunks"])
    elif kind == "mixed":
        value = burn_cpu(task["iterations"])
        value += fake_io(task["seconds"], task["chunks"])
    elif kind == "noop":
        value = 0.0
    elif kind == "gather":
        value = gather(task["dir"], task["count"])
    elif kind == "contend":
        value = contend(task["rung"], task["steps"])
    elif kind in ("fail", "panic"):
        raise RuntimeError(task["message"])
    else:
        raise ValueError(f"unknown task kind {kind!r}")
    end = time.monotonic()
    return TaskResult(value, os.getpid(), threading.get_ident(), start, end, gil_enabled())


def noop():
    return 0.0


def gather_tasks(ex, fn, calls, on_done=None, keep_errors=False):
    """The one submit/as_completed loop (the lesson's bench, quoted in the report, keeps its
    own): fn(*args) for every args of `calls` submitted to the pool `ex`, and each result
    collected as it completes. Returns the results in the order of `calls`; on_done(index,
    outcome) is called in completion order. A task that raised raises here, unless
    keep_errors, where its exception is its outcome."""
    futures = {ex.submit(fn, *args): i for i, args in enumerate(calls)}
    outcomes = [None] * len(calls)
    for future in as_completed(futures):
        index = futures[future]
        try:
            outcomes[index] = future.result()
        except BaseException as error:  # a worker's SystemExit comes back as one
            if not keep_errors:
                raise
            outcomes[index] = error
        if on_done is not None:
            on_done(index, outcomes[index])
    return outcomes


def hold():
    """Tells gilbench that the pool is up and waits for its answer, so that it reads the
    memory of this process and its children while every worker is alive."""
    emit_event("hold")
    read_answer()


def bench_held(executor_cls, calls, workers, fn):
    """The lesson's bench with a pause before the pool shuts down (the cost scenario)."""
    t0 = time.perf_counter()
    with executor_cls(max_workers=workers) as ex:
        results = gather_tasks(ex, fn, calls)
        hold()
    return time.perf_counter() - t0, results


# lesson-code: bench
def bench(executor_cls, calls, workers, fn=run_task):
    t0 = time.perf_counter()
    with executor_cls(max_workers=workers) as ex:
        futures = {ex.submit(fn, *args): i for i, args in enumerate(calls)}
        results = [None] * len(calls)
        for future in as_completed(futures):
            results[futures[future]] = future.result()
    return time.perf_counter() - t0, results
# end-lesson-code


async def fake_io_async(seconds, chunks):
    """fake_io's waits as an event loop's: the coroutine yields the loop while it sleeps."""
    import asyncio
    for _ in range(chunks):
        await asyncio.sleep(seconds / chunks)
    return seconds


async def run_task_async(task):
    """A task as a coroutine: its computing runs on the loop's thread (blocking the loop, as
    any computing in a coroutine does), its waits are asyncio.sleep."""
    precise_timers()
    start = time.monotonic()
    kind = task["kind"]
    if kind == "fake_io":
        value = await fake_io_async(task["seconds"], task["chunks"])
    elif kind == "mixed":
        value = burn_cpu(task["iterations"])
        value += await fake_io_async(task["seconds"], task["chunks"])
    elif kind == "burn_cpu":
        value = burn_cpu(task["iterations"])
    else:
        raise ValueError(f"asyncio runs waiting work only, not {kind!r} tasks")
    end = time.monotonic()
    return TaskResult(value, os.getpid(), threading.get_ident(), start, end, gil_enabled())


def bench_asyncio(calls, workers):
    """The tasks as coroutines on one event loop, at most `workers` in flight at a time (a
    semaphore: the pool's size), timed like bench: the loop's start and close count."""
    import asyncio
    t0 = time.perf_counter()

    async def all_tasks():
        slots = asyncio.Semaphore(workers)

        async def one(task):
            async with slots:
                return await run_task_async(task)
        return await asyncio.gather(*(one(args[0]) for args in calls))
    results = asyncio.run(all_tasks())
    return time.perf_counter() - t0, results


def bench_asyncio_threads(calls, workers, pool=ThreadPoolExecutor):
    """One event loop per worker thread, the tasks dealt to the loops in turn, each loop
    running its share as coroutines; timed like bench: the threads' and loops' start count."""
    import asyncio
    shares = [(calls[i::workers],) for i in range(workers)]

    async def share(mine):
        return await asyncio.gather(*(run_task_async(args[0]) for args in mine))

    def loop(mine):
        return asyncio.run(share(mine))

    t0 = time.perf_counter()
    with pool(max_workers=workers) as ex:
        done = gather_tasks(ex, loop, shares)
    elapsed = time.perf_counter() - t0
    results = [None] * len(calls)
    for i, outcomes in enumerate(done):
        for k, outcome in enumerate(outcomes):
            results[i + k * workers] = outcome
    return elapsed, results


def bench_serial(calls):
    t0 = time.perf_counter()
    results = [run_task(*args) for args in calls]
    return time.perf_counter() - t0, results


def arguments(tasks):
    """Each task's arguments, made before the clock starts: a payload task gets a buffer of
    its size, one bytes object shared by the tasks of a measurement (as threads share it)."""
    buffers = {}
    calls = []
    for task in tasks:
        if task["kind"] == "payload":
            data = buffers.setdefault(task["bytes"], bytes(task["bytes"]))
            calls.append((task, data))
        else:
            calls.append((task,))
    return calls


BACKPORT_MISSING = ("needs the interpreters-pep-734 backport (make pythons installs it in an "
                    "environment of each GIL build of CPython 3.13 it finds)")


def interpreter_pool():
    """InterpreterPoolExecutor and where it came from, or None and why it is missing."""
    try:
        from concurrent.futures import InterpreterPoolExecutor
        return InterpreterPoolExecutor, "concurrent.futures", None
    except ImportError:
        pass
    if sys.version_info < (3, 12):
        return None, None, "needs Python 3.12 or later (a GIL per interpreter, PEP 684)"
    try:
        from interpreters_backport.concurrent.futures import InterpreterPoolExecutor
        return InterpreterPoolExecutor, "interpreters_backport", None
    except Exception as error:  # an installed backport that fails, whatever way, is "missing"
        name = error.name if isinstance(error, ImportError) else None
        if name and name.startswith("interpreters_backport"):
            return None, None, BACKPORT_MISSING
        # Installed, but it needs what this CPython lacks (3.12 has no _interpreters module).
        why = f"is not available: the interpreters-pep-734 backport fails here ({error})"
        return None, None, why


def executor_class(name):
    if name == "interpreters":
        pool, _, missing = interpreter_pool()
        if pool is None:
            raise RuntimeError("InterpreterPoolExecutor " + missing)
        return pool
    return EXECUTORS[name]


def task_function(name):
    """The function a pool runs. An interpreter pool's workers import it by name, so it must
    come from an importable module (this file, on PYTHONPATH as gilbench_driver), not from
    __main__."""
    if name == "interpreters":
        import gilbench_driver
        return gilbench_driver.run_task
    return run_task


def _process_pool(method):
    """ProcessPoolExecutor starting its workers with `method` (fork, forkserver, spawn)."""
    def pool(max_workers, **options):
        import multiprocessing
        context = multiprocessing.get_context(method)
        return ProcessPoolExecutor(max_workers=max_workers, mp_context=context, **options)
    return pool


EXECUTORS = {"threads": ThreadPoolExecutor, "processes": ProcessPoolExecutor,
             "processes-fork": _process_pool("fork"),
             "processes-forkserver": _process_pool("forkserver"),
             "processes-spawn": _process_pool("spawn")}


def is_process_pool(name):
    """True for every process pool, whichever start method it names."""
    return name == "processes" or name.startswith("processes-")


class WorkerNumbers:
    """Numbers a measurement's workers 0, 1, ... in the order they first appear: by process
    in a process pool, by thread otherwise (an interpreter pool's workers are threads)."""

    def __init__(self, executor):
        self.by_process = is_process_pool(executor)
        self.numbers = {}

    def of(self, pid, thread):
        who = pid if self.by_process else thread
        return self.numbers.setdefault(who, len(self.numbers))


def measure(request):
    if request.get("hold"):
        import tempfile
        with tempfile.TemporaryDirectory(prefix="gilbench-gather-") as folder:
            for task in request["tasks"]:
                task["dir"] = folder
            return _measure(request, bench_held)
    return _measure(request, bench)


def _measure(request, timed):
    calls = arguments(request["tasks"])
    executor = request["executor"]
    if executor.startswith("asyncio"):
        import asyncio  # noqa: F401 (imported once, before the clock and the spans' origin)
    started = time.monotonic()
    elapsed, results = _timed_tasks(request, calls, timed)
    workers = WorkerNumbers(executor)
    spans = [Span(i, workers.of(r.pid, r.thread), r.start - started, r.end - started, r.value,
                  r.gil)
             for i, r in enumerate(results)]
    return MeasureReply(elapsed, spans)


def _timed_tasks(request, calls, timed):
    """The bench call a measurement's executor names: (elapsed seconds, TaskResults)."""
    executor, workers, cpus = request["executor"], request["workers"], request.get("pin")
    if executor == "serial":
        return bench_serial(calls)
    if executor == "asyncio":
        with PinnedThread(cpus):
            return bench_asyncio(calls, workers)
    pool = ThreadPoolExecutor if executor == "asyncio-threads" else executor_class(executor)
    with Pinning(executor, cpus) as options:
        if options:
            import functools
            pool = functools.partial(pool, **options)
        if executor == "asyncio-threads":
            return bench_asyncio_threads(calls, workers, pool)
        return timed(pool, calls, workers, task_function(executor))


def dispatch(request):
    """Measures raw submit/as_completed throughput of no-op callables (no task dicts)."""
    executor = EXECUTORS[request["executor"]]
    t0 = time.perf_counter()
    with executor(max_workers=request["workers"]) as ex:
        gather_tasks(ex, noop, [()] * request["count"])
    return ElapsedReply(time.perf_counter() - t0)


def lifecycle(request):
    """Start a pool, run one no-op per worker, shut it down."""
    executor = EXECUTORS[request["executor"]]
    workers = request["workers"]
    t0 = time.perf_counter()
    with executor(max_workers=workers) as ex:
        gather_tasks(ex, noop, [()] * workers)
    return ElapsedReply(time.perf_counter() - t0)


# Calibration probes: each lasts at least this long, and the median of PROBES is taken
# after a warm-up (the same rule as gilbench's own calibrate_iterations).
PROBE_MIN_S = 0.020
PROBES = 7


def calibrate(request):
    """The iteration count that makes burn_cpu last about target_s here."""
    count = 10_000
    while True:  # warm-up: grows the probe until one lasts PROBE_MIN_S
        elapsed = _time(burn_cpu, count)
        if elapsed >= PROBE_MIN_S:
            break
        count = int(count * min(10.0, max(1.5, 1.2 * PROBE_MIN_S / max(elapsed, 1e-6))))
    rates = sorted(count / max(_time(burn_cpu, count), 1e-9) for _ in range(PROBES))
    rate = rates[len(rates) // 2]
    return CalibrateReply(max(1000, int(request["target_s"] * rate)), count, rates)


def _time(fn, arg):
    t0 = time.perf_counter()
    fn(arg)
    return time.perf_counter() - t0


def hello(request):
    if "switch_interval_s" in request:
        sys.setswitchinterval(request["switch_interval_s"])
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    import multiprocessing
    import sysconfig
    _, interpreters, missing = interpreter_pool()
    return HelloReply(
        version=".".join(str(p) for p in sys.version_info[:3]),
        implementation=sys.implementation.name,
        executable=sys.executable,
        gil_enabled=gil,
        switch_interval_s=sys.getswitchinterval(),
        free_threaded=bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        interpreters=interpreters,
        interpreters_missing=missing,
        # What a plain ProcessPoolExecutor uses here: fork before 3.14 on Linux, forkserver
        # from 3.14, spawn on macOS and Windows.
        start_method=multiprocessing.get_context().get_start_method(),
    )


def burn(request):
    return BurnReply([repr(burn_cpu(n)) for n in request["iterations"]])


def load_function(request):
    import gilbench_function
    return gilbench_function.load(request)


def reference(request):
    import gilbench_function
    return ReferenceReply(gilbench_function.pickled_reference())


def _progress():
    """Tells gilbench that one more task finished: a line it reads while it waits, so that a
    task that never returns is told from a slow measurement (see --task-timeout)."""
    done = 0

    def tick(_index, _outcome):
        nonlocal done
        done += 1
        emit_event("progress", done=done)
    return tick


def _outcomes_serial(fn, calls, tick):
    t0 = time.perf_counter()
    outcomes = []
    for index, args in enumerate(calls):
        try:
            outcomes.append(fn(*args))
        except BaseException as error:  # the user's sys.exit() fails its task, not the driver
            outcomes.append(error)
        tick(index, outcomes[-1])
    return time.perf_counter() - t0, outcomes


def _outcomes_pool(executor, fn, calls, workers, tick, cpus=None):
    """The lesson's bench, keeping each task's exception as its outcome instead of raising."""
    # A process pool's workers die with the driver: a task of the user's that never returns
    # must not keep one alive once the driver is killed.
    with Pinning(executor, cpus, die=is_process_pool(executor)) as extra:
        t0 = time.perf_counter()
        with executor_class(executor)(max_workers=workers, **extra) as ex:
            outcomes = gather_tasks(ex, fn, calls, on_done=tick, keep_errors=True)
        return time.perf_counter() - t0, outcomes


def measure_function(request):
    """A measurement of the user's function: as `measure`, and per task its CPU time, the
    bytes it moved, whether the GIL was on, and its result's fingerprint for the check."""
    import gilbench_function as user
    executor = request["executor"]
    calls = user.calls(request["tasks"], serial=executor == "serial")
    started = time.monotonic()
    if executor == "serial":
        elapsed, outcomes = _outcomes_serial(user.call, calls, _progress())
    else:
        elapsed, outcomes = _outcomes_pool(executor, user.call, calls, request["workers"],
                                           _progress(), request.get("pin"))
    failed = [(i, o) for i, o in enumerate(outcomes) if isinstance(o, BaseException)]
    if failed:
        index, error = failed[0]
        more = "" if len(failed) == 1 else f"; {len(failed)} of {len(calls)} tasks failed"
        return ErrorReply("TaskFailed: " + user.failure(index, error) + more)
    results = [outcome.result for outcome in outcomes]
    if request.get("keep_reference"):
        user.keep_reference(results)
    workers = WorkerNumbers(executor)
    spans = [Span(i, workers.of(o.pid, o.thread), o.start - started, o.end - started,
                  user.fingerprint(i, o.result), gil=o.gil, cpu_s=o.cpu_s,
                  bytes_in=user.bytes_in(i), bytes_out=user.pickled_size(o.result))
             for i, o in enumerate(outcomes)]
    return MeasureReply(elapsed, spans)


# Every op: its handler, the fields its request needs, and those it may have
# (docs/internals.md's table of the driver protocol lists the same).
MEASURE_FIELDS = ("executor", "workers", "tasks")
OPERATIONS = {
    "hello": Operation(hello, optional=("switch_interval_s",)),
    "measure": Operation(measure, MEASURE_FIELDS, ("hold", "pin")),
    "measure_function": Operation(measure_function, MEASURE_FIELDS, ("keep_reference", "pin")),
    "dispatch": Operation(dispatch, ("executor", "workers", "count")),
    "lifecycle": Operation(lifecycle, ("executor", "workers")),
    "calibrate": Operation(calibrate, ("target_s",)),
    "burn": Operation(burn, ("iterations",)),
    "load": Operation(load_function, ("spec", "tasks"), ("args", "setup", "check", "reference")),
    "reference": Operation(reference),
}


def main():
    die_with_parent()
    # The protocol's own streams: fd 1 is then pointed at stderr and fd 0 at /dev/null, so
    # that whatever a user's function prints or reads cannot break a reply line or eat a
    # request.
    Streams.out = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    Streams.requests = os.fdopen(os.dup(sys.stdin.fileno()), "r")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, sys.stdin.fileno())
    os.close(null)
    serve(OPERATIONS)


if __name__ == "__main__":
    main()
