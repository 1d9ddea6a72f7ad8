"""Parse the ``host[:port]`` addresses that FLOps passes on the command line."""

from typing import NamedTuple


class Address(NamedTuple):
    host: str
    port: int

    def for_grpc(self) -> str:
        """Return ``host:port``, bracketing IPv6 hosts as gRPC expects."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def parse_port(text: str) -> int:
    """Return ``text`` as a TCP port, or raise ValueError naming the bad value."""
    if not text.isdecimal() or not 1 <= int(text) <= 65535:
        raise ValueError(f"port {text!r} is not a number from 1 to 65535")
    return int(text)


def parse_address(text: str, default_port: int) -> Address:
    """Split ``host``, ``host:port``, ``[v6]`` or ``[v6]:port`` into an Address."""
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or not host or (rest and not rest.startswith(":")):
            raise ValueError(f"address {text!r} is not [IPv6] or [IPv6]:port")
        return Address(host, parse_port(rest[1:]) if rest else default_port)
    if text.count(":") > 1:
        # A bare IPv6 address: its colons cannot also carry a port.
        return Address(text, default_port)
    host, colon, port = text.partition(":")
    if not host:
        raise ValueError(f"address {text!r} has no host; expected host or host:port")
    return Address(host, parse_port(port) if colon else default_port)
