"""gilbench_protocol: replies on the wire, events, request dispatch and the task results."""

import json
import pickle
import sys
import unittest

from gilbench_protocol import (
    BurnReply,
    ErrorReply,
    FunctionResult,
    MeasureReply,
    Operation,
    ReferenceReply,
    Span,
    Streams,
    TaskResult,
    emit_event,
    handle,
    read_answer,
    serve,
    wire,
)

from .support import protocol_streams, written


def _boom(request):
    raise ValueError("boom")


OPS = {
    "echo": Operation(lambda request: BurnReply([request["text"]]), ("text",), ("extra",)),
    "boom": Operation(_boom),
    "exit": Operation(lambda request: sys.exit(3)),
}


class WireTest(unittest.TestCase):
    def test_a_reply_is_an_object_of_its_fields_spans_included(self):
        reply = MeasureReply(1.5, [Span(0, 1, 0.0, 0.5, 2.0, gil=True)])
        # The optional fields that are None are left out.
        span = {"task": 0, "worker": 1, "start_s": 0.0, "end_s": 0.5, "value": 2.0, "gil": True}
        self.assertEqual(wire(reply), {"elapsed_s": 1.5, "spans": [span]})
        full = Span(1, 0, 0.0, 0.5, 2.0, None, 0.25, 10, None)
        self.assertEqual(wire(full), {"task": 1, "worker": 0, "start_s": 0.0, "end_s": 0.5,
                                      "value": 2.0, "cpu_s": 0.25, "bytes_in": 10})

    def test_a_required_field_that_is_none_is_kept(self):
        self.assertEqual(wire(ReferenceReply(None)), {"reference": None})

    def test_an_error_reply_is_one_key(self):
        self.assertEqual(json.dumps(wire(ErrorReply("X: y"))), '{"error": "X: y"}')

    def test_plain_values_pass_through(self):
        self.assertEqual(wire({"a": 1}), {"a": 1})
        self.assertEqual(wire((1, "two")), [1, "two"])


class EventTest(unittest.TestCase):
    def test_an_event_is_one_line_tagged_by_its_kind(self):
        with protocol_streams() as out:
            emit_event("progress", done=3)
            emit_event("hold")
        self.assertEqual(out.getvalue().count("\n"), 2)
        self.assertEqual(written(out), [{"event": "progress", "done": 3}, {"event": "hold"}])

    def test_the_answer_to_an_event_is_read_from_the_requests(self):
        with protocol_streams("{}\n") as out:
            self.assertEqual(read_answer(), "{}\n")
            self.assertEqual(read_answer(), "")
        self.assertEqual(out.getvalue(), "")

    def test_the_streams_come_back_after_the_block(self):
        before = Streams.out
        with protocol_streams():
            self.assertIsNot(Streams.out, before)
        self.assertIs(Streams.out, before)


class HandleTest(unittest.TestCase):
    def test_a_request_goes_to_its_op(self):
        self.assertEqual(handle('{"op": "echo", "text": "hi"}', OPS), BurnReply(["hi"]))
        # Spacing and unknown fields do not matter.
        self.assertEqual(handle('{"text":"x","op":"echo","more":1}', OPS), BurnReply(["x"]))

    def test_an_unknown_op_is_an_error_reply(self):
        self.assertEqual(handle('{"op": "nope"}', OPS), ErrorReply("BadRequest: unknown op 'nope'"))
        self.assertEqual(handle('{"text": 1}', OPS), ErrorReply("BadRequest: unknown op None"))
        self.assertEqual(handle('{"op": 3}', OPS), ErrorReply("BadRequest: unknown op 3"))

    def test_a_missing_field_is_an_error_reply(self):
        self.assertEqual(handle('{"op": "echo"}', OPS), ErrorReply("BadRequest: 'echo' needs text"))

    def test_a_line_that_is_no_request_is_an_error_reply(self):
        reply = handle("{not json", OPS)
        self.assertIsInstance(reply, ErrorReply)
        self.assertTrue(reply.error.startswith("BadRequest: not JSON ("), reply.error)
        self.assertEqual(handle("[1, 2]", OPS),
                         ErrorReply("BadRequest: a request is a JSON object, not list"))

    def test_an_op_that_raises_or_exits_is_an_error_reply(self):
        self.assertEqual(handle('{"op": "boom"}', OPS), ErrorReply("ValueError: boom"))
        self.assertEqual(handle('{"op": "exit"}', OPS), ErrorReply("SystemExit: 3"))

    def test_serve_answers_every_line_and_keeps_going_after_a_bad_one(self):
        requests = '{"op": "echo", "text": "a"}\nnonsense\n{"op": "echo", "text": "b"}\n'
        with protocol_streams(requests) as out:
            serve(OPS)
        replies = written(out)
        self.assertEqual(len(replies), 3)
        self.assertEqual(replies[0], {"values": ["a"]})
        self.assertTrue(replies[1]["error"].startswith("BadRequest: not JSON"), replies[1])
        self.assertEqual(replies[2], {"values": ["b"]})


class ResultTest(unittest.TestCase):
    def test_a_task_result_names_its_fields(self):
        result = TaskResult(1.5, 10, 20, 0.25, 0.75, None)
        self.assertEqual(result._fields, ("value", "pid", "thread", "start", "end", "gil", "data"))
        self.assertEqual((result.value, result.pid, result.thread), (1.5, 10, 20))
        self.assertEqual((result.start, result.end, result.gil, result.data),
                         (0.25, 0.75, None, None))

    def test_a_payload_task_result_carries_its_bytes(self):
        self.assertEqual(TaskResult(1.0, 1, 2, 0.0, 0.1, True, b"xy").data, b"xy")

    def test_a_function_result_names_its_fields(self):
        result = FunctionResult([42], 10, 20, 0.25, 0.75, 0.5, False)
        self.assertEqual(result._fields,
                         ("result", "pid", "thread", "start", "end", "cpu_s", "gil"))
        self.assertEqual((result.result, result.cpu_s, result.gil), ([42], 0.5, False))

    def test_results_pickle_as_themselves(self):
        for result in (TaskResult(1.0, 1, 2, 0.0, 0.1, True, b"xy"),
                       FunctionResult({"a": 1}, 1, 2, 0.0, 0.1, 0.05, True)):
            again = pickle.loads(pickle.dumps(result))
            self.assertIs(type(again), type(result))
            self.assertEqual(again, result)


if __name__ == "__main__":
    unittest.main()
