"""cpython_driver: the one submit/as_completed helper and every op of the lesson's side."""

import math
import os
import sys
import threading
import unittest
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import cpython_driver as driver
from gilbench_protocol import (
    BurnReply,
    CalibrateReply,
    ElapsedReply,
    ErrorReply,
    HelloReply,
    MeasureReply,
    TaskResult,
)

from .support import protocol_streams, send, written


def _waits_then_returns(index, waits_for, events):
    if waits_for is not None and not events[waits_for].wait(10):
        raise TimeoutError(f"task {waits_for} never finished")
    return index * 10


def _fails_on_one(index):
    if index == 1:
        raise ValueError(f"bad {index}")
    return index


def _expected_burn(n):
    acc = 0.0
    for i in range(n):
        acc += math.sqrt((i % 1000) + 1)
    return acc


class GatherTasksTest(unittest.TestCase):
    def test_results_in_call_order_and_each_reported_as_it_completes(self):
        # Task 1 finishes first, then task 2 (which waits for it), then task 0 (which waits
        # for task 2): completion order 1, 2, 0 whatever the scheduler does.
        events = [threading.Event() for _ in range(3)]
        seen = []

        def on_done(index, outcome):
            seen.append((index, outcome))
            events[index].set()

        calls = [(0, 2, events), (1, None, events), (2, 1, events)]
        with ThreadPoolExecutor(max_workers=3) as ex:
            results = driver.gather_tasks(ex, _waits_then_returns, calls, on_done=on_done)
        self.assertEqual(results, [0, 10, 20])
        self.assertEqual(seen, [(1, 10), (2, 20), (0, 0)])

    def test_an_exception_is_kept_as_its_tasks_outcome(self):
        seen = []
        with ThreadPoolExecutor(max_workers=2) as ex:
            outcomes = driver.gather_tasks(ex, _fails_on_one, [(0,), (1,), (2,)],
                                           on_done=lambda i, o: seen.append(i),
                                           keep_errors=True)
        self.assertEqual((outcomes[0], outcomes[2]), (0, 2))
        self.assertIsInstance(outcomes[1], ValueError)
        self.assertEqual(str(outcomes[1]), "bad 1")
        self.assertEqual(sorted(seen), [0, 1, 2])

    def test_an_exception_raises_unless_kept(self):
        with ThreadPoolExecutor(max_workers=2) as ex, self.assertRaisesRegex(ValueError, "bad 1"):
            driver.gather_tasks(ex, _fails_on_one, [(0,), (1,), (2,)])

    def test_a_process_pools_results_come_back_as_task_results(self):
        calls = [({"kind": "burn_cpu", "iterations": 100},), ({"kind": "noop"},)]
        with ProcessPoolExecutor(max_workers=2) as ex:
            results = driver.gather_tasks(ex, driver.run_task, calls)
        self.assertEqual([type(r) for r in results], [TaskResult, TaskResult])
        self.assertEqual([r.value for r in results], [_expected_burn(100), 0.0])
        self.assertTrue(all(r.pid != os.getpid() for r in results))


class LessonOpsTest(unittest.TestCase):
    def test_hello_sets_the_switch_interval_and_describes_the_interpreter(self):
        before = sys.getswitchinterval()
        try:
            reply = send({"op": "hello", "switch_interval_s": 0.002})
        finally:
            sys.setswitchinterval(before)
        self.assertIsInstance(reply, HelloReply)
        self.assertEqual(reply.version, ".".join(str(p) for p in sys.version_info[:3]))
        self.assertAlmostEqual(reply.switch_interval_s, 0.002)
        self.assertEqual(reply.executable, sys.executable)
        self.assertIn(reply.start_method, ("fork", "forkserver", "spawn"))
        self.assertIsInstance(reply.free_threaded, bool)
        # Either where InterpreterPoolExecutor comes from, or why it is missing.
        self.assertNotEqual(reply.interpreters is None, reply.interpreters_missing is None)

    def test_burn_gives_the_exact_reprs(self):
        reply = send({"op": "burn", "iterations": [10, 2500]})
        self.assertEqual(reply, BurnReply([repr(_expected_burn(10)), repr(_expected_burn(2500))]))
        # The value the Rust side is checked against, bit for bit.
        self.assertEqual(driver.burn_cpu(1_000_000), 21097455.88747604)

    def test_calibrate_gives_a_count_and_its_probes(self):
        reply = send({"op": "calibrate", "target_s": 0.001})
        self.assertIsInstance(reply, CalibrateReply)
        self.assertGreaterEqual(reply.iterations, 1000)
        self.assertGreaterEqual(reply.probe_iterations, 10_000)
        self.assertEqual(len(reply.rates_per_s), driver.PROBES)
        self.assertEqual(reply.rates_per_s, sorted(reply.rates_per_s))

    def test_dispatch_and_lifecycle_time_their_pool(self):
        for request in ({"op": "dispatch", "executor": "threads", "workers": 2, "count": 20},
                        {"op": "lifecycle", "executor": "threads", "workers": 2}):
            reply = send(request)
            self.assertIsInstance(reply, ElapsedReply, request)
            self.assertTrue(0 < reply.elapsed_s < 10, reply)

    def test_measure_gives_one_span_per_task_in_order(self):
        tasks = [{"kind": "burn_cpu", "iterations": 2000},
                 {"kind": "fake_io", "seconds": 0.002, "chunks": 2},
                 {"kind": "noop"},
                 {"kind": "payload", "iterations": 10, "bytes": 5}]
        values = [_expected_burn(2000), 0.002, 0.0, _expected_burn(10) + 5]
        for executor in ("serial", "threads", "processes"):
            reply = send({"op": "measure", "executor": executor, "workers": 2, "tasks": tasks})
            self.assertIsInstance(reply, MeasureReply, executor)
            self.assertEqual([s.task for s in reply.spans], [0, 1, 2, 3])
            self.assertEqual([s.value for s in reply.spans], values, executor)
            workers = {s.worker for s in reply.spans}
            self.assertEqual(workers, {0} if executor == "serial" else workers & {0, 1})
            self.assertTrue(all(0 <= s.start_s <= s.end_s for s in reply.spans), reply)
            self.assertGreaterEqual(reply.elapsed_s, 0.002)

    def test_measure_runs_waiting_tasks_as_coroutines(self):
        tasks = [{"kind": "fake_io", "seconds": 0.001, "chunks": 1}] * 3
        for executor in ("asyncio", "asyncio-threads"):
            reply = send({"op": "measure", "executor": executor, "workers": 2, "tasks": tasks})
            self.assertEqual([s.value for s in reply.spans], [0.001] * 3, executor)

    def test_a_failing_task_or_an_unknown_executor_is_an_error_reply(self):
        failing = [{"kind": "fail", "message": "no luck"}]
        reply = send({"op": "measure", "executor": "threads", "workers": 1, "tasks": failing})
        self.assertEqual(reply, ErrorReply("RuntimeError: no luck"))
        reply = send({"op": "measure", "executor": "teleport", "workers": 1, "tasks": failing})
        self.assertEqual(reply, ErrorReply("KeyError: 'teleport'"))
        reply = send({"op": "measure", "executor": "threads"})
        self.assertEqual(reply, ErrorReply("BadRequest: 'measure' needs workers, tasks"))

    def test_the_cost_scenario_holds_its_pool_until_answered(self):
        tasks = [{"kind": "gather", "count": 2}, {"kind": "gather", "count": 2}]
        request = {"op": "measure", "executor": "threads", "workers": 2, "tasks": tasks,
                   "hold": True}
        with protocol_streams("{}\n") as out:
            reply = send(request)
        self.assertEqual(written(out), [{"event": "hold"}])
        self.assertIsInstance(reply, MeasureReply)
        self.assertEqual([s.value for s in reply.spans], [0.0, 0.0])


if __name__ == "__main__":
    unittest.main()
