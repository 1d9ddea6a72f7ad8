"""Argument types and arguments that the learner and aggregator share."""

from __future__ import annotations

import argparse
from typing import Callable

from flops_common.address import Address, parse_address, parse_port

MQTT_DEFAULT_PORT = 9027
OBSERVER_DEFAULT_PORT = 2727


def port(text: str) -> int:
    try:
        return parse_port(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def positive_int(text: str) -> int:
    if not text.isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return seconds


def address(default_port: int) -> Callable[[str], Address]:
    def parse(text: str) -> Address:
        try:
            return parse_address(text, default_port)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the leading positionals and --mqtt-port that both images take."""
    parser.add_argument("project_id", help="the FLOps project this session belongs to")
    parser.add_argument(
        "mqtt_ip", help=f"host[:port] of the FLOps MQTT broker (port --mqtt-port or {MQTT_DEFAULT_PORT})"
    )
    parser.add_argument(
        "observer",
        type=address(OBSERVER_DEFAULT_PORT),
        help=f"host[:port] that shows progress to the user (port {OBSERVER_DEFAULT_PORT})",
    )
    parser.add_argument(
        "--mqtt-port",
        type=port,
        default=MQTT_DEFAULT_PORT,
        help=f"port of the MQTT broker when mqtt_ip has none (default {MQTT_DEFAULT_PORT})",
    )


def mqtt_address(parser: argparse.ArgumentParser, ns: argparse.Namespace) -> Address:
    """The broker from ``mqtt_ip`` (``host`` or ``host:port``) and ``--mqtt-port``."""
    try:
        return parse_address(ns.mqtt_ip, ns.mqtt_port)
    except ValueError as error:
        parser.error(f"argument mqtt_ip: {error}")
