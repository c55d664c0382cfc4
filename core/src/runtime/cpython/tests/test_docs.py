"""docs/internals.md's table of the driver protocol against the code: every op, its request's
fields (a `?` marks one that may be left out), its reply's fields and its events."""

import pathlib
import re
import unittest

from cpython_driver import OPERATIONS
from gilbench_protocol import (
    BurnReply,
    CalibrateReply,
    ElapsedReply,
    HelloReply,
    LoadReply,
    MeasureReply,
    ReferenceReply,
)

DOC = pathlib.Path(__file__).resolve().parents[5] / "docs" / "internals.md"
REPLIES = {"hello": HelloReply, "measure": MeasureReply, "measure_function": MeasureReply,
           "dispatch": ElapsedReply, "lifecycle": ElapsedReply, "calibrate": CalibrateReply,
           "burn": BurnReply, "load": LoadReply, "reference": ReferenceReply}


def table_rows():
    """{op: (request cell, reply cell, events cell)} from the section's table."""
    section = DOC.read_text(encoding="utf-8").split("### The driver protocol", 1)[1]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = tuple(cells[1:])
    return rows


def names(cell):
    return re.findall(r"`([a-z_]+)`(\??)", cell)


class DocsTableTest(unittest.TestCase):
    def test_the_table_lists_every_op(self):
        self.assertEqual(sorted(table_rows()), sorted(OPERATIONS))
        self.assertEqual(sorted(REPLIES), sorted(OPERATIONS))

    def test_each_rows_fields_are_the_codes(self):
        for op, (request, reply, events) in table_rows().items():
            operation = OPERATIONS[op]
            required = [name for name, optional in names(request) if not optional]
            optional = [name for name, optional in names(request) if optional]
            self.assertEqual(required, list(operation.required), op)
            self.assertEqual(optional, list(operation.optional), op)
            self.assertEqual([name for name, _ in names(reply)], list(REPLIES[op]._fields), op)
            self.assertLessEqual({name for name, _ in names(events)}, {"hold", "progress"}, op)


if __name__ == "__main__":
    unittest.main()
