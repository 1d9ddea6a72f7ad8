"""The tracking client against a stand-in that answers like MLflow's REST API."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from conftest import free_port
from flops_aggregator.tracking import Tracker

API = "/api/2.0/mlflow"
REPLIES: dict[str, tuple[int, dict[str, Any]]] = {
    "/experiments/get-by-name": (404, {"error_code": "RESOURCE_DOES_NOT_EXIST"}),
    "/experiments/create": (200, {"experiment_id": "7"}),
    "/runs/create": (200, {"run": {"info": {"run_id": "run-1"}}}),
    "/runs/log-batch": (200, {}),
    "/runs/update": (200, {}),
}


class FakeMlflow(ThreadingHTTPServer):
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        super().__init__(("127.0.0.1", 0), FakeMlflowHandler)


class FakeMlflowHandler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        assert isinstance(self.server, FakeMlflow)
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        self.server.calls.append((self.command, self.path, body))
        status, reply = REPLIES[self.path.removeprefix(API).split("?")[0]]
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def mlflow() -> Iterator[FakeMlflow]:
    server = FakeMlflow()
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_logs_a_run_with_params_and_per_round_metrics(mlflow: FakeMlflow) -> None:
    tracker = Tracker(f"http://127.0.0.1:{mlflow.server_address[1]}")
    tracker.start("p1", {"rounds": 2})
    tracker.log_round(1, {"loss": 0.5, "accuracy": 0.75})
    tracker.finish(succeeded=True)

    paths = [(method, path) for method, path, _ in mlflow.calls]
    assert paths == [
        ("GET", f"{API}/experiments/get-by-name?experiment_name=p1"),
        ("POST", f"{API}/experiments/create"),
        ("POST", f"{API}/runs/create"),
        ("POST", f"{API}/runs/log-batch"),
        ("POST", f"{API}/runs/log-batch"),
        ("POST", f"{API}/runs/update"),
    ]
    bodies = [body for _, _, body in mlflow.calls]
    assert bodies[1] == {"name": "p1"}
    assert bodies[2]["experiment_id"] == "7"
    assert bodies[3] == {"run_id": "run-1", "params": [{"key": "rounds", "value": "2"}]}
    assert [(m["key"], m["value"], m["step"]) for m in bodies[4]["metrics"]] == [
        ("loss", 0.5, 1), ("accuracy", 0.75, 1),
    ]
    assert bodies[5]["run_id"] == "run-1"
    assert bodies[5]["status"] == "FINISHED"


def test_an_unreachable_server_is_tried_once_then_left_alone() -> None:
    tracker = Tracker(f"http://127.0.0.1:{free_port()}")
    started = time.monotonic()
    tracker.start("p1", {"rounds": 1})
    tracker.log_round(1, {"loss": 0.5})
    tracker.finish(succeeded=False)
    assert tracker.uri is None
    assert time.monotonic() - started < 2

