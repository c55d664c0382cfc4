"""What the tests share: the protocol's streams pointed at StringIO, and a request sent."""

import contextlib
import io
import json

from cpython_driver import OPERATIONS
from gilbench_protocol import Streams, handle


@contextlib.contextmanager
def protocol_streams(answers=""):
    """The protocol's streams as StringIO for the block: yields what the driver writes;
    `answers` are the lines gilbench would answer its events with."""
    saved = Streams.out, Streams.requests
    Streams.out, Streams.requests = io.StringIO(), io.StringIO(answers)
    try:
        yield Streams.out
    finally:
        Streams.out, Streams.requests = saved


def written(out):
    """Every line written to `out`, parsed."""
    return [json.loads(line) for line in out.getvalue().splitlines()]


def send(request):
    """The driver's reply to `request` (a dict), through the same dispatch as a line."""
    return handle(json.dumps(request), OPERATIONS)
