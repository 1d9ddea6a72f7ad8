"""FedAvg that averages the learners' accuracy and reports every round."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flwr.common import EvaluateRes, Metrics, Scalar
from flwr.server.client_proxy import ClientProxy
from flwr.server.strategy import FedAvg


def weighted_accuracy(results: list[tuple[int, Metrics]]) -> Metrics:
    """Average the learners' ``accuracy``, each weighted by its test examples."""
    total = sum(n for n, metrics in results if "accuracy" in metrics)
    if total == 0:
        return {}
    weighted = sum(n * float(m["accuracy"]) for n, m in results if "accuracy" in m)
    return {"accuracy": weighted / total}


class ReportingFedAvg(FedAvg):
    def __init__(
        self, on_round: Callable[[int, float | None, Metrics], None], **kwargs: Any
    ) -> None:
        super().__init__(evaluate_metrics_aggregation_fn=weighted_accuracy, **kwargs)
        self.on_round = on_round

    def aggregate_evaluate(
        self,
        server_round: int,
        results: list[tuple[ClientProxy, EvaluateRes]],
        failures: list[tuple[ClientProxy, EvaluateRes] | BaseException],
    ) -> tuple[float | None, dict[str, Scalar]]:
        loss, metrics = super().aggregate_evaluate(server_round, results, failures)
        self.on_round(server_round, loss, metrics)
        return loss, metrics
