"""Both roles' command lines: the FLOps manager's form and our own, table-driven."""

from __future__ import annotations

from typing import Any

import pytest

from flops_aggregator.args import parse_args as parse_aggregator
from flops_common.address import Address
from flops_common.connect import Patience
from flops_learner.args import parse_args as parse_learner
from flops_utils.types import AggregatorType

CLASSIC, ROOT, CLUSTER = (t for t in AggregatorType)
ENV = (
    "FLOPS_CONNECT_TIMEOUT",
    "FLOPS_RETRY_INTERVAL",
    "ML_DATA_SERVER_IP",
    "DATA_MANAGER_PORT",
    "FLOPS_DATA_SERVER_TIMEOUT",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        pytest.param(
            ["p1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "mnist,extra"],
            {},
            {
                "mqtt": Address("10.0.0.2", 9027),
                "observer": Address("10.0.0.3", 2727),
                "aggregator": Address("10.0.0.4", 8080),
                "data_tags": ("mnist", "extra"),
                "keep_serving": True,
                "patience": Patience(20.0, None),
                "data_server": Address("172.17.0.1", 11027),
                "data_timeout": 120.0,
            },
            id="manager's form: upstream's ports, waits forever, serves until stopped",
        ),
        pytest.param(
            ["p1", "m:1883", "o:1", "a:2", " mnist , ,"],
            {},
            {
                "mqtt": Address("m", 1883),
                "observer": Address("o", 1),
                "aggregator": Address("a", 2),
                "data_tags": ("mnist",),
            },
            id="manager's form with host:port everywhere and untidy tags",
        ),
        pytest.param(
            ["p1", "m", "o", "a", ""],
            {},
            {"data_tags": (), "keep_serving": True},
            id="manager's form with no tags",
        ),
        pytest.param(
            ["p1", "m", "o", "a", "t"],
            {
                "FLOPS_CONNECT_TIMEOUT": "42",
                "FLOPS_RETRY_INTERVAL": "0.5",
                "ML_DATA_SERVER_IP": "data",
                "DATA_MANAGER_PORT": "9",
                "FLOPS_DATA_SERVER_TIMEOUT": "3",
            },
            {"patience": Patience(0.5, 42.0), "data_server": Address("data", 9), "data_timeout": 3.0},
            id="manager's form with the environment's settings",
        ),
        pytest.param(
            ["p1", "m", "o", "a", "t"],
            {"ML_DATA_SERVER_IP": "data:7", "DATA_MANAGER_PORT": "9"},
            {"data_server": Address("data", 7)},
            id="a port in ML_DATA_SERVER_IP wins",
        ),
        pytest.param(
            ["p1", "192.168.1.2", "192.168.1.3", "192.168.1.4"],
            {},
            {
                "mqtt": Address("192.168.1.2", 9027),
                "aggregator": Address("192.168.1.4", 8080),
                "data_tags": (),
                "keep_serving": False,
                "patience": Patience(20.0, 300.0),
            },
            id="our form: one session, gives up after 300 s",
        ),
        pytest.param(
            ["p1", "m", "o:1", "a:2", "--mqtt-port", "3", "--connect-timeout", "7", "--retry-interval", "1"],
            {},
            {"mqtt": Address("m", 3), "patience": Patience(1.0, 7.0)},
            id="our form with options",
        ),
        pytest.param(
            ["p1", "m", "o", "a"],
            {"FLOPS_CONNECT_TIMEOUT": "42"},
            {"patience": Patience(20.0, 42.0)},
            id="our form with the timeout from the environment",
        ),
    ],
)
def test_learner_arguments(
    argv: list[str], env: dict[str, str], expected: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    args = parse_learner(argv)
    assert args.project_id == "p1"
    assert {name: getattr(args, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("argv", "env", "complaint"),
    [
        (["p1", "m", "o"], {}, "required"),
        (["p1", "m", "o", "a", "t", "extra"], {}, "unrecognized"),
        (["p1", "m", "o", "a:x"], {}, "'x'"),
        (["p1", "m:0", "o", "a"], {}, "'0'"),
        (["p1", "m", "o", "a"], {"FLOPS_CONNECT_TIMEOUT": "soon"}, "'soon'"),
        (["p1", "m", "o", "a", "--retry-interval", "0"], {}, "'0'"),
        (["p1", "m", "o", "a", "t"], {"DATA_MANAGER_PORT": "eleven"}, "'eleven'"),
        (["p1", "m", "o", "a", "t"], {"ML_DATA_SERVER_IP": ":5"}, "':5'"),
    ],
)
def test_learner_usage_errors_quote_the_bad_value(
    argv: list[str],
    env: dict[str, str],
    complaint: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as exit_info:
        parse_learner(argv)
    assert exit_info.value.code == 2
    assert complaint in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(
            ["p1", "10.0.0.2", "10.0.0.3", "http://10.0.0.9:7027", "CLASSIC_AGGREGATOR", "3", "4", "2", "1"],
            {
                "mqtt": Address("10.0.0.2", 9027),
                "observer": Address("10.0.0.3", 2727),
                "tracking_uri": "http://10.0.0.9:7027",
                "aggregator_type": CLASSIC,
                "rounds": 3,
                "min_available_clients": 4,
                "min_fit_clients": 2,
                "min_evaluate_clients": 1,
                "root_aggregator": None,
                "port": 8080,
                "notify": True,
                "track_locally": False,
            },
            id="manager's form, classic",
        ),
        pytest.param(
            ["p1", "m", "o", "http://t", "ROOT_AGGREGATOR", "5", "2", "2", "2"],
            {"aggregator_type": ROOT, "rounds": 5},
            id="manager's form, root: rounds are cycles",
        ),
        pytest.param(
            ["p1", "m", "o", "http://t", "CLUSTER_AGGREGATOR", "2", "3", "3", "3", "10.0.0.7"],
            {"aggregator_type": CLUSTER, "root_aggregator": Address("10.0.0.7", 8080)},
            id="manager's form, cluster with its root on 8080",
        ),
        pytest.param(
            [
                "p1",
                "m:1",
                "o:2",
                "https://t/",
                "CLUSTER_AGGREGATOR",
                "2",
                "3",
                "3",
                "3",
                "r:9",
                "--port",
                "9090",
                "--track-locally",
                "--deactivate-notifications",
                "--retry-interval",
                "0.5",
            ],
            {
                "mqtt": Address("m", 1),
                "observer": Address("o", 2),
                "tracking_uri": "https://t",
                "root_aggregator": Address("r", 9),
                "port": 9090,
                "track_locally": True,
                "notify": False,
                "retry_interval": 0.5,
            },
            id="manager's form with host:port and every option",
        ),
        pytest.param(
            ["p1", "m", "o", "-", "3", "4", "2", "1"],
            {
                "tracking_uri": None,
                "aggregator_type": CLASSIC,
                "rounds": 3,
                "min_available_clients": 4,
                "port": 8080,
                "notify": True,
            },
            id="our form without tracking",
        ),
        pytest.param(
            ["p1", "m", "o:9", "http://mlflow:5000/", "1", "1", "1", "1", "--mqtt-port", "1883", "--port", "9090"],
            {"mqtt": Address("m", 1883), "tracking_uri": "http://mlflow:5000", "port": 9090},
            id="our form with tracking and options",
        ),
        pytest.param(
            ["--port", "9090", "p1", "m", "o", "-", "1", "1", "1", "1"],
            {"port": 9090, "tracking_uri": None},
            id="our form with options first",
        ),
    ],
)
def test_aggregator_arguments(argv: list[str], expected: dict[str, Any]) -> None:
    args = parse_aggregator(argv)
    assert args.project_id == "p1"
    assert {name: getattr(args, name) for name in expected} == expected


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
        (["p1", "m", "o", "http://t", "SUPER_AGGREGATOR", "1", "1", "1", "1"], "'SUPER_AGGREGATOR'"),
        (["p1", "m", "o", "http://t", "CLUSTER_AGGREGATOR", "1", "1", "1", "1"], "needs root_aggregator_ip"),
        (["p1", "m", "o", "http://t", "ROOT_AGGREGATOR", "1", "1", "1", "1", "r"], "only for a CLUSTER_AGGREGATOR"),
        (["p1", "m", "o", "-", "CLASSIC_AGGREGATOR", "1", "1", "1", "1"], "must be an http(s):// URL"),
        (["p1", "m", "o", "http://t", "CLASSIC_AGGREGATOR", "1", "1", "1"], "required"),
    ],
)
def test_aggregator_usage_errors_quote_the_bad_value(
    argv: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_aggregator(argv)
    assert exit_info.value.code == 2
    assert complaint in capsys.readouterr().err
