"""The user's function through the driver: load, measure_function with its progress events,
a task that raises, and the reference an == check hands on."""

import base64
import os
import pickle
import tempfile
import unittest

import gilbench_function
from gilbench_protocol import ErrorReply, FunctionResult, LoadReply, MeasureReply, ReferenceReply

from .support import protocol_streams, send, written

SOURCE = '''def double(x):
    return [2 * x]


def explode(x):
    raise ValueError(x)


NOT_A_FUNCTION = 3
'''


class FunctionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # One file for the class: the driver imports it once, by its name.
        cls.folder = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.folder.name, "gilbench_unit_tasks.py")
        with open(cls.path, "w", encoding="utf-8") as file:
            file.write(SOURCE)

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()

    def setUp(self):
        gilbench_function._STATE["reference"] = None

    def load(self, function, tasks=3, check=None):
        spec = {"file": self.path, "module": None, "function": function, "path": []}
        request = {"op": "load", "spec": spec, "args": [21], "tasks": tasks}
        if check is not None:
            request["check"] = check
        return send(request)

    def measure(self, executor, tasks=3, keep_reference=False):
        request = {"op": "measure_function", "executor": executor, "workers": 2,
                   "tasks": [{"kind": "python", "index": i} for i in range(tasks)],
                   "keep_reference": keep_reference}
        with protocol_streams() as out:
            reply = send(request)
        return reply, written(out)

    def test_load_answers_what_it_found(self):
        reply = self.load("double")
        self.assertIsInstance(reply, LoadReply)
        self.assertEqual((reply.name, reply.line), ("double", 1))
        self.assertEqual(reply.bytes_in, [len(pickle.dumps((21,)))] * 3)
        self.assertIsInstance(reply.gil_enabled, bool)

    def test_a_function_that_cannot_be_loaded_is_an_error_reply(self):
        reply = self.load("nope")
        self.assertIsInstance(reply, ErrorReply)
        self.assertTrue(reply.error.startswith("LoadError: "), reply.error)
        self.assertIn("has no function named 'nope'", reply.error)
        self.assertIn("is an int, not a function", self.load("NOT_A_FUNCTION").error)

    def test_measure_function_reports_each_task_and_its_progress(self):
        self.load("double")
        for executor in ("serial", "threads"):
            reply, events = self.measure(executor)
            self.assertIsInstance(reply, MeasureReply, executor)
            self.assertEqual([s.task for s in reply.spans], [0, 1, 2])
            self.assertEqual(events, [{"event": "progress", "done": n} for n in (1, 2, 3)])
            size = len(pickle.dumps([42]))
            self.assertEqual({(s.bytes_in, s.bytes_out) for s in reply.spans},
                             {(len(pickle.dumps((21,))), size)})
            self.assertTrue(all(s.cpu_s >= 0 and s.value >= 0 for s in reply.spans), reply)
            # The pickle check: equal results, equal fingerprints.
            self.assertEqual(len({s.value for s in reply.spans}), 1)

    def test_a_task_that_raises_fails_the_measurement_with_its_line(self):
        self.load("explode", tasks=2)
        reply, events = self.measure("threads", tasks=2)
        self.assertIsInstance(reply, ErrorReply)
        self.assertTrue(reply.error.startswith("TaskFailed: ValueError: 21 ("), reply.error)
        self.assertTrue(reply.error.endswith(":6) on task 0; 2 of 2 tasks failed"), reply.error)
        self.assertEqual(len(events), 2, "a failed task still counts as progress")

    def test_the_serial_results_are_kept_and_handed_on_for_an_eq_check(self):
        self.load("double", check={"kind": "eq"})
        self.assertEqual(send({"op": "reference"}), ReferenceReply(None))
        reply, _ = self.measure("serial", keep_reference=True)
        self.assertEqual([s.value for s in reply.spans], [1.0, 1.0, 1.0])
        blob = send({"op": "reference"}).reference
        self.assertEqual(pickle.loads(base64.b64decode(blob)), [[42], [42], [42]])

    def test_a_call_returns_a_function_result(self):
        self.load("double")
        task = {"kind": "python", "index": 0, "spec": gilbench_function._STATE["spec"]}
        result = gilbench_function.call(task, 5)
        self.assertIsInstance(result, FunctionResult)
        self.assertEqual((result.result, result.pid), ([10], os.getpid()))
        self.assertTrue(result.start <= result.end and result.cpu_s >= 0)


if __name__ == "__main__":
    unittest.main()
