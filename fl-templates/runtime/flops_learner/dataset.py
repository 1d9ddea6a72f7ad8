"""The learner's data: every dataset the ML data server holds for its data tags.

``flops_utils.ml_repo_building_blocks.load_dataset()`` takes no arguments (as
upstream), so the learner's main sets the source here before the repo's code
runs. pyarrow and datasets are imported on use: images of repos that never call
load_dataset() do not have them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flops_common.address import Address

if TYPE_CHECKING:
    import datasets
    import pyarrow

log = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
CALL_TIMEOUT_SECONDS = 30.0


class DataUnavailable(Exception):
    """No data for this learner; the message is for the people running the project."""


@dataclass(frozen=True)
class DataSource:
    tags: tuple[str, ...]
    server: Address
    timeout: float  # seconds to keep trying while the server does not answer


_source: DataSource | None = None


def use(source: DataSource) -> None:
    """Make ``source`` what load_dataset() reads (the learner's main calls this)."""
    global _source
    _source = source


def load_dataset() -> datasets.Dataset:
    """Fetch, merge and return the datasets tagged with any of the learner's data tags."""
    if _source is None or not _source.tags:
        raise DataUnavailable(
            "load_dataset() needs data tags, and this learner was started without any; "
            "start it with data tags (the FLOps project's data_tags)"
        )
    tickets, tables = _fetch(_source)
    if not tables:
        raise DataUnavailable(
            f"No matching data found for the data tags {', '.join(_source.tags)} on the ML data "
            f"server at {_source.server.for_grpc()}; send data with these tags to it first"
        )
    log.info("Loaded %s dataset(s) for the tags %s", len(tables), ", ".join(_source.tags))
    return _merge(tickets, tables, _source.tags)


def _fetch(source: DataSource) -> tuple[list[bytes], list[pyarrow.Table]]:
    from pyarrow import flight

    where = source.server.for_grpc()
    criteria = json.dumps({"data_tags": list(source.tags)}).encode("utf-8")
    options = flight.FlightCallOptions(timeout=CALL_TIMEOUT_SECONDS)
    deadline = time.monotonic() + source.timeout
    with flight.connect(f"grpc://{where}") as client:
        while True:
            try:
                infos = list(client.list_flights(criteria, options))
                break
            except (flight.FlightUnavailableError, flight.FlightTimedOutError) as error:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise DataUnavailable(
                        f"The ML data server at {where} did not answer within {source.timeout:g} s "
                        f"(data tags {', '.join(source.tags)}); check that it runs there"
                    ) from error
                log.info("ML data server at %s not reachable yet; retrying", where)
                time.sleep(min(RETRY_SECONDS, remaining))
        tickets = [info.endpoints[0].ticket.ticket for info in infos]
        tables = [client.do_get(flight.Ticket(t), options).read_all() for t in tickets]
    return tickets, tables


def _merge(tickets: list[bytes], tables: list[pyarrow.Table], tags: tuple[str, ...]) -> datasets.Dataset:
    import pyarrow as pa
    from datasets import Dataset
    from datasets.table import InMemoryTable

    try:
        # Schema metadata (the Hugging Face features, e.g. Image) comes from the first table.
        merged = pa.concat_tables(tables)
    except pa.ArrowInvalid as error:
        raise DataUnavailable(
            f"The datasets for the data tags {', '.join(tags)} do not share their columns, "
            f"so they cannot be merged: {error}"
        ) from error
    # The fingerprint only names the data for datasets' caches; hashing the
    # tickets spares hashing every row.
    fingerprint = hashlib.md5(b"\n".join(sorted(tickets)), usedforsecurity=False).hexdigest()
    return Dataset(InMemoryTable(merged), fingerprint=fingerprint).with_format("arrow")
