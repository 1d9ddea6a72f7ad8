"""A classic or root aggregator: serve the rounds, track them, report the outcome."""

from __future__ import annotations

import logging
from importlib.metadata import version
from pathlib import Path
from typing import Any

from flops_aggregator.args import AggregatorArgs
from flops_aggregator.session import plan_of, serve_session
from flops_aggregator.strategy import RoundResult, best_round
from flops_aggregator.tracking import Tracker, TrackingFailed
from flops_common.model import ModelManager
from flops_common.reporter import Reporter
from flops_utils.ml_model_flavor_proxy import FLAVOR_ENV, read_ml_model_flavor
from flops_utils.ml_repo_files_proxy import get_model_manager
from flops_utils.mqtt_topics import SupportedTopic
from flops_utils.types import MLModelFlavor

log = logging.getLogger(__name__)


def open_tracker(args: AggregatorArgs) -> Tracker | None:
    """The tracker the arguments ask for: the server, a file store here (--track-locally), or none."""
    uri = (Path.cwd() / "mlruns").as_uri() if args.track_locally else args.tracking_uri
    if uri is None:
        return None
    tracker = Tracker(
        uri,
        args.project_id,
        {
            "min_available_clients": args.min_available_clients,
            "min_fit_clients": args.min_fit_clients,
            "min_evaluate_clients": args.min_evaluate_clients,
            "rounds": args.rounds,
            "aggregator_type": args.aggregator_type.value,
            "flwr_version": version("flwr"),
        },
    )
    tracker.start()
    return tracker


def success_payload(
    args: AggregatorArgs,
    winner: RoundResult,
    tracker: Tracker | None,
    model: ModelManager,
    flavor: MLModelFlavor | None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "aggregator_type": args.aggregator_type.value,
        "accuracy": winner.accuracy,
        "loss": winner.loss,
    }
    if tracker is not None:
        model.set_model_parameters(winner.parameters)
        tracked = tracker.finish(winner, model.get_model(), flavor)
        payload.update(experiment_id=tracked.experiment_id, run_id=tracked.run_id)
    return payload


def run_classic(args: AggregatorArgs, reporter: Reporter) -> int:
    kind = args.aggregator_type.value

    def on_serving() -> None:
        reporter.tell(
            f"serving on port {args.port}; waiting for {args.min_available_clients} client(s); "
            f"tracking to {'a local file store' if args.track_locally else args.tracking_uri or 'nowhere'}"
        )
        reporter.publish(SupportedTopic.AGGREGATOR_STARTED.value, {"aggregator_type": kind})

    def on_round(result: RoundResult) -> None:
        if tracker is not None:
            tracker.log_round(result)
        reporter.tell(
            f"round {result.server_round}/{args.rounds} done: loss {result.loss:.4f}, accuracy {result.accuracy:.4f}"
        )

    try:
        flavor = read_ml_model_flavor()
        model = get_model_manager()
        tracker = open_tracker(args)
        if flavor is None and tracker is not None:
            warning = (
                f"{FLAVOR_ENV} is not set, so the winner model cannot be logged to MLflow; "
                "the run will carry its metrics only. Rebuild the image with the repo's flavor"
            )
            log.warning(warning)
            reporter.tell(warning)
        rounds = serve_session(plan_of(args), model.get_model_parameters(), on_serving, on_round)
        if not rounds:
            raise RuntimeError("no round produced an evaluation result; check the learners' logs")
        payload = success_payload(args, best_round(rounds), tracker, model, flavor)
    except TrackingFailed as error:
        return fail(reporter, kind, f"Training finished, but the winner model could not be tracked: {error}")
    # The repo's code, Flower and the network may fail in any way.
    except Exception as error:
        log.exception("Aggregator failed")
        return fail(reporter, kind, f"Aggregator failed: {type(error).__name__}: {error}")
    summary = ", ".join(f"{key} {value}" for key, value in payload.items() if key != "aggregator_type")
    reporter.tell(f"finished {len(rounds)} round(s): {summary} ({kind})")
    reporter.publish(SupportedTopic.AGGREGATOR_SUCCESS.value, payload)
    return 0


def fail(reporter: Reporter, kind: str, error_msg: str) -> int:
    log.error("%s", error_msg)
    reporter.tell(error_msg)
    reporter.publish(SupportedTopic.AGGREGATOR_FAILED.value, {"aggregator_type": kind, "error_msg": error_msg})
    return 1
