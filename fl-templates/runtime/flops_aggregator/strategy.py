"""FedAvg that starts from the repo's model and reports every evaluated round."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flwr.common import (
    EvaluateRes,
    FitRes,
    Metrics,
    NDArrays,
    Parameters,
    Scalar,
    ndarrays_to_parameters,
    parameters_to_ndarrays,
)
from flwr.server.client_manager import ClientManager
from flwr.server.client_proxy import ClientProxy
from flwr.server.strategy import FedAvg


@dataclass(frozen=True)
class RoundResult:
    """One round: the aggregated model and how the learners rated it."""

    server_round: int
    loss: float
    accuracy: float
    parameters: NDArrays
    fit_examples: int
    evaluate_examples: int


def weighted_accuracy(results: list[tuple[int, Metrics]]) -> Metrics:
    """Average the learners' ``accuracy``, each weighted by its test examples."""
    total = sum(n for n, metrics in results if "accuracy" in metrics)
    if total == 0:
        return {}
    weighted = sum(n * float(m["accuracy"]) for n, m in results if "accuracy" in m)
    return {"accuracy": weighted / total}


def best_round(rounds: list[RoundResult]) -> RoundResult:
    """The round with the highest accuracy; of equals, the lowest loss, then the earliest."""
    return max(rounds, key=lambda r: (r.accuracy, -r.loss, -r.server_round))


class FLOpsFedAvg(FedAvg):
    def __init__(
        self,
        initial: NDArrays,
        on_serving: Callable[[], None],
        on_round: Callable[[RoundResult], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(
            initial_parameters=ndarrays_to_parameters(initial),
            evaluate_metrics_aggregation_fn=weighted_accuracy,
            **kwargs,
        )
        self.on_serving = on_serving
        self.on_round = on_round
        self.latest: NDArrays = initial
        self.latest_fit_examples = 0

    def initialize_parameters(self, client_manager: ClientManager) -> Parameters | None:
        # Flower asks for these once its gRPC server is up: the aggregator is serving.
        self.on_serving()
        return super().initialize_parameters(client_manager)

    def aggregate_fit(
        self,
        server_round: int,
        results: list[tuple[ClientProxy, FitRes]],
        failures: list[tuple[ClientProxy, FitRes] | BaseException],
    ) -> tuple[Parameters | None, dict[str, Scalar]]:
        parameters, metrics = super().aggregate_fit(server_round, results, failures)
        if parameters is not None:
            self.latest = parameters_to_ndarrays(parameters)
            self.latest_fit_examples = sum(res.num_examples for _, res in results)
        return parameters, metrics

    def aggregate_evaluate(
        self,
        server_round: int,
        results: list[tuple[ClientProxy, EvaluateRes]],
        failures: list[tuple[ClientProxy, EvaluateRes] | BaseException],
    ) -> tuple[float | None, dict[str, Scalar]]:
        loss, metrics = super().aggregate_evaluate(server_round, results, failures)
        if loss is not None:
            self.on_round(
                RoundResult(
                    server_round=server_round,
                    loss=float(loss),
                    accuracy=float(metrics.get("accuracy", 0.0)),
                    parameters=self.latest,
                    fit_examples=self.latest_fit_examples,
                    evaluate_examples=sum(res.num_examples for _, res in results),
                )
            )
        return loss, metrics
