import pytest

from flops_aggregator.args import AggregatorArgs
from flops_aggregator.args import parse_args as parse_aggregator
from flops_common.address import Address
from flops_learner.args import LearnerArgs
from flops_learner.args import parse_args as parse_learner


def test_learner_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLOPS_CONNECT_TIMEOUT", raising=False)
    assert parse_learner(["p1", "192.168.1.2", "192.168.1.3", "192.168.1.4"]) == LearnerArgs(
        project_id="p1",
        mqtt=Address("192.168.1.2", 9027),
        observer=Address("192.168.1.3", 2727),
        aggregator=Address("192.168.1.4", 8080),
        connect_timeout=300,
    )


def test_learner_explicit_ports_and_timeout() -> None:
    args = parse_learner(
        ["p1", "m", "o:1", "a:2", "--mqtt-port", "3", "--connect-timeout", "7"]
    )
    assert (args.mqtt, args.observer, args.aggregator, args.connect_timeout) == (
        Address("m", 3), Address("o", 1), Address("a", 2), 7,
    )


def test_learner_connect_timeout_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOPS_CONNECT_TIMEOUT", "42")
    assert parse_learner(["p1", "m", "o", "a"]).connect_timeout == 42


def test_aggregator_defaults() -> None:
    assert parse_aggregator(["p1", "m", "o", "-", "3", "4", "2", "1"]) == AggregatorArgs(
        project_id="p1",
        mqtt=Address("m", 9027),
        observer=Address("o", 2727),
        tracking_uri=None,
        rounds=3,
        min_available_clients=4,
        min_fit_clients=2,
        min_evaluate_clients=1,
        port=8080,
        notify=True,
    )


def test_aggregator_options() -> None:
    args = parse_aggregator([
        "p1", "m", "o:9", "http://mlflow:5000/", "1", "1", "1", "1",
        "--mqtt-port", "1883", "--port", "9090", "--deactivate-notifications",
    ])
    assert (args.mqtt, args.observer, args.tracking_uri, args.port, args.notify) == (
        Address("m", 1883), Address("o", 9), "http://mlflow:5000", 9090, False,
    )


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["p1", "m", "o", "mlflow:5000", "1", "1", "1", "1"], "'mlflow:5000'"),
        (["p1", "m", "o", "-", "0", "1", "1", "1"], "'0'"),
        (["p1", "m", "o", "-", "1", "1", "2", "1"], "min_fit_clients (2)"),
        (["p1", "m", "o", "-", "1", "1", "1", "3"], "min_evaluate_clients (3)"),
        (["p1", "m", "o", "-", "1", "1", "1", "1", "--port", "70000"], "'70000'"),
        (["p1", "m", "o:x", "-", "1", "1", "1", "1"], "'x'"),
        (["p1", "m", "o", "-", "1", "1", "1"], "required"),
    ],
)
def test_aggregator_usage_errors_quote_the_bad_value(
    argv: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_aggregator(argv)
    assert exit_info.value.code == 2
    assert complaint in capsys.readouterr().err


def test_learner_rejects_a_bad_env_timeout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FLOPS_CONNECT_TIMEOUT", "soon")
    with pytest.raises(SystemExit):
        parse_learner(["p1", "m", "o", "a"])
    assert "'soon'" in capsys.readouterr().err
