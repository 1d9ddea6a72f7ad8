import pytest

from flops_common.address import Address, parse_address


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.0.0.5", Address("10.0.0.5", 8080)),
        ("10.0.0.5:9000", Address("10.0.0.5", 9000)),
        ("aggregator.local", Address("aggregator.local", 8080)),
        ("aggregator.local:1", Address("aggregator.local", 1)),
        ("[::1]", Address("::1", 8080)),
        ("[::1]:65535", Address("::1", 65535)),
        ("fe80::1", Address("fe80::1", 8080)),
    ],
)
def test_parses_host_and_optional_port(text: str, expected: Address) -> None:
    assert parse_address(text, 8080) == expected


@pytest.mark.parametrize(
    "text", ["", ":8080", "host:", "host:0", "host:65536", "host:80a", "host:-1", "[::1", "[]", "[::1]8080"]
)
def test_rejects_malformed_addresses_quoting_them(text: str) -> None:
    with pytest.raises(ValueError, match="'"):
        parse_address(text, 8080)


@pytest.mark.parametrize(
    ("address", "grpc"),
    [(Address("10.0.0.5", 8080), "10.0.0.5:8080"), (Address("::1", 9000), "[::1]:9000")],
)
def test_formats_for_grpc(address: Address, grpc: str) -> None:
    assert address.for_grpc() == grpc
