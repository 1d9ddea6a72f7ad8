from __future__ import annotations

from flops_aggregator.strategy import RoundResult, best_round, weighted_accuracy


def test_weights_accuracy_by_test_examples() -> None:
    assert weighted_accuracy([(100, {"accuracy": 0.5}), (300, {"accuracy": 0.9})]) == {"accuracy": 0.8}


def test_ignores_learners_without_accuracy() -> None:
    assert weighted_accuracy([(10, {"accuracy": 1.0}), (90, {"other": 0.0})]) == {"accuracy": 1.0}
    assert weighted_accuracy([(10, {})]) == {}


def result(server_round: int, loss: float, accuracy: float) -> RoundResult:
    return RoundResult(server_round, loss, accuracy, [], 1, 1)


def test_the_winner_has_the_best_accuracy_then_the_lowest_loss_then_came_first() -> None:
    assert best_round([result(1, 0.5, 0.7), result(2, 0.9, 0.8), result(3, 0.1, 0.75)]).server_round == 2
    assert best_round([result(1, 0.5, 0.8), result(2, 0.4, 0.8)]).server_round == 2
    assert best_round([result(1, 0.4, 0.8), result(2, 0.4, 0.8)]).server_round == 1
