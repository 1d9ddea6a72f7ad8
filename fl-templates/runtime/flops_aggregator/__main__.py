"""``python -m flops_aggregator <project_id> <mqtt_ip> <observer[:port]> <tracking_uri|->
<rounds> <min_available_clients> <min_fit_clients> <min_evaluate_clients>``."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import version
from typing import Any

from flwr.common import Metrics
from flwr.server import ServerConfig

from flops_aggregator.args import AggregatorArgs, parse_args
from flops_aggregator.strategy import ReportingFedAvg
from flops_aggregator.tracking import Tracker
from flops_common.flwr_compat import start_server
from flops_common.mqtt import publish
from flops_common.logs import configure_logging
from flops_common.observer import notify_observer

SUCCESS_TOPIC = "flops_manager/aggregator/success"
FAILED_TOPIC = "flops_manager/aggregator/failed"

log = logging.getLogger("flops_aggregator")


def run_session(
    args: AggregatorArgs, tell: Callable[[str], None], tracker: Tracker
) -> dict[str, Any]:
    """Run every round and return the success payload; raise if training failed."""

    def on_round(server_round: int, loss: float | None, metrics: Metrics) -> None:
        results = {"loss": loss, **metrics} if loss is not None else dict(metrics)
        tracker.log_round(server_round, {k: float(v) for k, v in results.items()})
        summary = ", ".join(f"{k} {float(v):.4f}" for k, v in results.items())
        tell(f"round {server_round}/{args.rounds} done: {summary or 'no evaluation results'}")

    strategy = ReportingFedAvg(
        on_round,
        min_available_clients=args.min_available_clients,
        min_fit_clients=args.min_fit_clients,
        min_evaluate_clients=args.min_evaluate_clients,
    )
    history = start_server(
        server_address=f"0.0.0.0:{args.port}",
        config=ServerConfig(num_rounds=args.rounds),
        strategy=strategy,
    )
    if not history.losses_distributed:
        raise RuntimeError("no round produced an evaluation result")
    accuracy = history.metrics_distributed.get("accuracy", [])
    return {
        "flops_project_id": args.project_id,
        "rounds": args.rounds,
        "losses_distributed": [[r, float(loss)] for r, loss in history.losses_distributed],
        "accuracy": float(accuracy[-1][1]) if accuracy else None,
    }


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    configure_logging()

    def tell(text: str) -> None:
        notify_observer(args.observer, f"[{args.project_id}] aggregator: {text}")

    def notify(topic: str, payload: dict[str, Any]) -> None:
        if args.notify:
            publish(args.mqtt, topic, payload)

    tracker = Tracker(args.tracking_uri)
    tracker.start(args.project_id, {
        "rounds": args.rounds,
        "min_available_clients": args.min_available_clients,
        "min_fit_clients": args.min_fit_clients,
        "min_evaluate_clients": args.min_evaluate_clients,
        "strategy": "FedAvg",
        "flwr_version": version("flwr"),
    })
    tell(f"starting on port {args.port}; waiting for {args.min_available_clients} learner(s)")
    try:
        result = run_session(args, tell, tracker)
    # flwr ends some failures (a bad address, SIGTERM) with sys.exit.
    except (Exception, SystemExit) as error:
        log.exception("Training failed")
        tracker.finish(succeeded=False)
        reason = str(error).rstrip(".") or type(error).__name__
        error_msg = f"Training failed: {reason}. See the aggregator's log for details."
        tell(error_msg)
        notify(FAILED_TOPIC, {"flops_project_id": args.project_id, "error_msg": error_msg})
        return 1
    tracker.finish(succeeded=True)
    tell(f"finished {args.rounds} round(s); final accuracy {result['accuracy']}")
    notify(SUCCESS_TOPIC, result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
