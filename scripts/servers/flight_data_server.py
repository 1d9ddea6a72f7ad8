"""An Arrow Flight data server that answers as FLOps' ML data server does, for tests.

Like upstream's ml_data_server: every dataset is one parquet file in the data
folder, its tag is the file name up to the first "." (the mock data provider
writes ``<tag>.<md5>.parquet``), ``list_flights`` takes the criteria
``{"data_tags": [...]}`` as JSON bytes, and a flight's ticket is its file name.

Usage: python flight_data_server.py --port N --data-dir D [--host 127.0.0.1]
Prints ``ready <port>`` once it serves (port 0 picks a free one); SIGTERM ends it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Iterator, Set

import pyarrow.parquet as pq
from pyarrow import flight


class DataServer(flight.FlightServerBase):  # type: ignore[misc]
    def __init__(self, host: str, port: int, data_dir: Path) -> None:
        super().__init__(f"grpc://{host}:{port}")
        self.data_dir = data_dir.resolve()

    def _tagged(self, tags: Set[str]) -> Iterator[Path]:
        return (p for p in sorted(self.data_dir.glob("*.parquet")) if p.name.split(".")[0] in tags)

    def list_flights(self, context: Any, criteria: bytes) -> Iterator[flight.FlightInfo]:
        try:
            tags = json.loads(criteria.decode("utf-8"))["data_tags"]
        except (ValueError, KeyError, TypeError):
            raise flight.FlightServerError('criteria must be JSON like {"data_tags": ["mnist"]}') from None
        for path in self._tagged(set(tags)):
            parquet = pq.ParquetFile(path)
            yield flight.FlightInfo(
                parquet.schema_arrow,
                flight.FlightDescriptor.for_path(path.name),
                [flight.FlightEndpoint(path.name.encode("utf-8"), [])],
                parquet.metadata.num_rows,
                path.stat().st_size,
            )

    def do_get(self, context: Any, ticket: flight.Ticket) -> flight.GeneratorStream:
        name = ticket.ticket.decode("utf-8")
        path = (self.data_dir / name).resolve()
        if path.parent != self.data_dir or not path.is_file():
            raise flight.FlightServerError(f"no dataset named {name!r}")
        parquet = pq.ParquetFile(path)
        return flight.GeneratorStream(parquet.schema_arrow, parquet.iter_batches())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    server = DataServer(args.host, args.port, args.data_dir)
    print(f"ready {server.port}", flush=True)
    server.serve()


if __name__ == "__main__":
    main()
