"""Serve one Flower session (all its rounds) and return what each round produced."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flwr.common import NDArrays
from flwr.server import ServerConfig

from flops_aggregator.args import AggregatorArgs
from flops_aggregator.strategy import FLOpsFedAvg, RoundResult
from flops_common.flwr_compat import start_server
from flops_common.stop import Stopped, stop_on_signals, stopped_by_flower


@dataclass(frozen=True)
class SessionPlan:
    port: int
    rounds: int
    min_available_clients: int
    min_fit_clients: int
    min_evaluate_clients: int


def plan_of(args: AggregatorArgs) -> SessionPlan:
    return SessionPlan(
        port=args.port,
        rounds=args.rounds,
        min_available_clients=args.min_available_clients,
        min_fit_clients=args.min_fit_clients,
        min_evaluate_clients=args.min_evaluate_clients,
    )


def serve_session(
    plan: SessionPlan,
    initial: NDArrays,
    on_serving: Callable[[], None],
    on_round: Callable[[RoundResult], None],
) -> list[RoundResult]:
    """Run ``plan.rounds`` rounds of FedAvg from ``initial`` on ``0.0.0.0:<port>``."""
    rounds: list[RoundResult] = []

    def record(result: RoundResult) -> None:
        rounds.append(result)
        on_round(result)

    strategy = FLOpsFedAvg(
        initial,
        on_serving,
        record,
        min_available_clients=plan.min_available_clients,
        min_fit_clients=plan.min_fit_clients,
        min_evaluate_clients=plan.min_evaluate_clients,
    )
    try:
        start_server(
            server_address=f"0.0.0.0:{plan.port}",
            config=ServerConfig(num_rounds=plan.rounds),
            strategy=strategy,
        )
    except SystemExit as error:
        # Flower installs its own SIGTERM/SIGINT handlers for the server's
        # lifetime; they end it with SystemExit(0). Other exits are failures
        # (e.g. an address it cannot bind), with Flower's message.
        if stopped_by_flower(error):
            raise Stopped("signal during the Flower session") from None
        reason = error.code if isinstance(error.code, str) else f"exit status {error.code}"
        raise RuntimeError(f"the Flower server on port {plan.port} stopped: {reason}") from None
    finally:
        stop_on_signals()
    return rounds
