from flops_aggregator.strategy import weighted_accuracy


def test_weights_accuracy_by_test_examples() -> None:
    assert weighted_accuracy([(100, {"accuracy": 0.5}), (300, {"accuracy": 0.9})]) == {
        "accuracy": 0.8
    }


def test_ignores_learners_without_accuracy() -> None:
    assert weighted_accuracy([(10, {"accuracy": 1.0}), (90, {"other": 0.0})]) == {
        "accuracy": 1.0
    }
    assert weighted_accuracy([(10, {})]) == {}
