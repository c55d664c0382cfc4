"""gilbench's workloads of the costs: the contention ladder's rungs and the cost scenario's
meeting of every worker. A module of its own beside the driver (on PYTHONPATH), imported by
the driver and by every interpreter and process its pools start: each has its own copy of
the ladder's shared objects, so only the threads of one interpreter share them."""

import os
import threading
import time

# The contention ladder's shared objects: module globals, so the threads of one interpreter
# share them, while each process and each subinterpreter has copies of its own. The values
# are ints above 256, which CPython does not cache: reading one touches its reference count.
TABLE = 1000
_SHARED_TUPLE = tuple(range(TABLE, 2 * TABLE))
_SHARED_DICT = {k: k + TABLE for k in range(TABLE)}
_SHARED_LOCK = threading.Lock()
_LOCAL = threading.local()


def contend(rung, steps):
    """`steps` steps of one rung of the ladder: the same loop, one read or write per step,
    on private, then more and more shared objects. The value depends on the rung and the
    steps only (a write stores the value that is there)."""
    acc = 0
    if rung == "private":
        data = tuple(range(TABLE, 2 * TABLE))
        for i in range(steps):
            acc += data[i % TABLE]
    elif rung == "shared-read":
        data = _SHARED_TUPLE
        for i in range(steps):
            acc += data[i % TABLE]
    elif rung == "dict-read":
        table = _SHARED_DICT
        for i in range(steps):
            acc += table[i % TABLE]
    elif rung == "dict-write":
        table = _SHARED_DICT
        for i in range(steps):
            k = i % TABLE
            table[k] = k + TABLE
            acc += 1
    elif rung == "lock":
        lock = _SHARED_LOCK
        for _ in range(steps):
            with lock:
                acc += 1
    elif rung == "local":
        local = _LOCAL
        local.value = 1
        for _ in range(steps):
            acc += local.value
    else:
        raise ValueError(f"unknown rung {rung!r}")
    return float(acc)


# The cost scenario's meeting: how long a worker waits for the others, and how often it looks.
GATHER_TIMEOUT_S = 60.0
GATHER_POLL_S = 0.0005


def gather(folder, count):
    """Marks this task's arrival in `folder` and waits, sleeping (so without the GIL), until
    `count` tasks have arrived: one task per worker, so the last start is when the pool was
    up. gilbench's own pools run the same meeting (workload/gather.rs)."""
    mark = f"{os.getpid()}-{threading.get_ident()}-{time.monotonic_ns()}"
    open(os.path.join(folder, mark), "w").close()
    deadline = time.monotonic() + GATHER_TIMEOUT_S
    while True:
        arrived = len(os.listdir(folder))
        if arrived >= count:
            return 0.0
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {arrived} of {count} workers started within "
                               f"{GATHER_TIMEOUT_S:.0f} s")
        time.sleep(GATHER_POLL_S)
