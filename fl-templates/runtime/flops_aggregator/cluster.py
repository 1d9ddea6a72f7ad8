"""A cluster aggregator: a Flower client of the root that trains with its own learners.

For each of the root's rounds it serves a whole session of its own (``rounds``
rounds with its learners on ``--port``) starting from the root's model, and
returns that session's last model. Like upstream's, it publishes nothing on
MQTT (a success from it would make the manager undeploy the learners), tracks
nothing, and serves the root's sessions until it is stopped.
"""

from __future__ import annotations

import logging
import time

import numpy as np
from flwr.client import NumPyClient
from flwr.common import NDArrays, Scalar

from flops_aggregator.args import AggregatorArgs
from flops_aggregator.session import SessionPlan, plan_of, serve_session
from flops_aggregator.strategy import RoundResult
from flops_common.connect import Patience, run_session
from flops_common.flwr_compat import start_client
from flops_common.model import ModelManager
from flops_common.reporter import Reporter
from flops_utils.ml_repo_files_proxy import get_model_manager

log = logging.getLogger(__name__)


class ClusterClient(NumPyClient):
    def __init__(self, model: ModelManager, plan: SessionPlan, reporter: Reporter) -> None:
        self.model = model
        self.plan = plan
        self.reporter = reporter
        self.cycle: RoundResult | None = None
        self.contacted = False

    def get_parameters(self, config: dict[str, Scalar]) -> NDArrays:
        self.contacted = True
        return [np.asarray(p) for p in self.model.get_model_parameters()]

    def fit(self, parameters: NDArrays, config: dict[str, Scalar]) -> tuple[NDArrays, int, dict[str, Scalar]]:
        self.contacted = True

        def on_round(result: RoundResult) -> None:
            self.reporter.tell(
                f"cluster round {result.server_round}/{self.plan.rounds} done: "
                f"loss {result.loss:.4f}, accuracy {result.accuracy:.4f}"
            )

        rounds = serve_session(
            self.plan,
            parameters,
            lambda: self.reporter.tell(f"serving the cluster's learners on port {self.plan.port}"),
            on_round,
        )
        if not rounds:
            raise RuntimeError("the cluster's learners produced no evaluation result")
        self.cycle = rounds[-1]
        return self.cycle.parameters, self.cycle.fit_examples, {}

    def evaluate(self, parameters: NDArrays, config: dict[str, Scalar]) -> tuple[float, int, dict[str, Scalar]]:
        self.contacted = True
        if self.cycle is None:
            raise RuntimeError("asked to evaluate before any training cycle")
        # The learners rated this cluster's last model at the end of its cycle;
        # asking them again would take one more session of theirs.
        return self.cycle.loss, self.cycle.evaluate_examples, {"accuracy": self.cycle.accuracy}


def run_cluster(args: AggregatorArgs, reporter: Reporter) -> int:
    assert args.root_aggregator is not None  # parse_args guarantees it
    root = args.root_aggregator.for_grpc()
    try:
        client = ClusterClient(get_model_manager(), plan_of(args), reporter)
        reporter.tell(f"started; connecting to the root aggregator at {root}")
        while True:
            client.contacted = False
            run_session(
                lambda: start_client(server_address=root, client=client.to_client()),
                lambda: client.contacted,
                Patience(interval=args.retry_interval, timeout=None),
                keep_serving=True,
            )
            reporter.tell("the root aggregator's session is over; waiting for its next one")
            time.sleep(args.retry_interval)
    # The repo's code, Flower and the network may fail in any way.
    except Exception as error:
        log.exception("Cluster aggregator failed")
        reporter.tell(f"failed with {type(error).__name__}: {error}; see this aggregator's log")
        return 1
