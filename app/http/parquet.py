"""The Parquet form of the consumption-details export (pyarrow, loaded at server start).

Rows arrive as the export's raw columns (amounts as their stored integers of 1e-8, enums as
their stored text; see `exports._fast_columns`) and become Arrow arrays column by column, with
no Python `Decimal` per value: an amount column is an int64 array reinterpreted as
decimal(38, 8), which is exactly the stored integer with its scale. Fetched batches are
gathered into row groups of `PARQUET_ROW_GROUP_ROWS` rows (whole fetched batches, so a row
group is that size rounded up to `EXPORT_BATCH_ROWS`; readers skip and parallelize by row
group; thousands of tiny ones would slow them) and each row group is sent as soon as it is
written, so the server holds at most one row group of Arrow data whatever the export's size.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from app.globalid import to_global_id

ID_COLUMNS = {
    "id": "ConsumptionDetail",
    "customer_id": "Customer",
    "resource_id": "Resource",
    "product_id": "Product",
    "order_id": "Order",
}
DECIMAL_COLUMNS = {
    "usage",
    "unit_price",
    "list_amount",
    "discount",
    "coupon",
    "cash_paid",
    "credit_paid",
    "amount_due",
}
DATE_COLUMNS = {"day", "corrects_day"}


def parquet_schema(columns: Sequence[str]) -> Any:
    import pyarrow as pa

    fields = []
    for name in columns:
        if name in DECIMAL_COLUMNS:
            kind = pa.decimal128(38, 8)
        elif name in DATE_COLUMNS:
            kind = pa.date32()
        else:
            kind = pa.string()
        fields.append(pa.field(name, kind))
    return pa.schema(fields)


def _converter(name: str) -> Callable[[Sequence[Any]], Any]:
    import pyarrow as pa

    if name in ID_COLUMNS:
        type_name = ID_COLUMNS[name]
        return lambda values: pa.array(
            [None if v is None else to_global_id(type_name, v) for v in values], pa.string()
        )
    if name in DECIMAL_COLUMNS:
        # The stored integer of 1e-8 units *is* decimal(38, 8)'s unscaled value.
        whole, scaled = pa.decimal128(38, 0), pa.decimal128(38, 8)
        return lambda values: pa.array(values, pa.int64()).cast(whole).view(scaled)
    if name in DATE_COLUMNS:
        return lambda values: pa.array(values, pa.date32())
    return lambda values: pa.array(values, pa.string())


class ParquetStream:
    """Turns batches of raw export rows into Parquet bytes, one row group at a time."""

    def __init__(self, columns: Sequence[str], row_group_rows: int) -> None:
        import pyarrow.parquet as pq

        self.schema = parquet_schema(columns)
        self.converters = [_converter(name) for name in columns]
        self.row_group_rows = row_group_rows
        self.pending: list[Any] = []
        self.pending_rows = 0
        self.sink = _Drain()
        self.writer = pq.ParquetWriter(self.sink, self.schema, compression="zstd")

    def add(self, rows: Sequence[Sequence[Any]]) -> bytes:
        """Take a batch of rows; the bytes of a finished row group, if one filled up."""
        import pyarrow as pa

        if not rows:
            return b""
        columns = list(zip(*rows, strict=True))
        arrays = [convert(values) for convert, values in zip(self.converters, columns, strict=True)]
        self.pending.append(pa.RecordBatch.from_arrays(arrays, schema=self.schema))
        self.pending_rows += len(rows)
        return self._flush() if self.pending_rows >= self.row_group_rows else b""

    def finish(self) -> bytes:
        """The last row group and the file's footer."""
        head = self._flush()
        self.writer.close()
        return head + self.sink.take()

    def close(self) -> None:
        """Release the writer if the stream stopped early (client gone, database error)."""
        if self.writer.is_open:
            self.writer.close()

    def _flush(self) -> bytes:
        import pyarrow as pa

        if self.pending:
            table = pa.Table.from_batches(self.pending, schema=self.schema)
            self.writer.write_table(table, row_group_size=self.pending_rows)
            self.pending.clear()
            self.pending_rows = 0
        return self.sink.take()


async def parquet_chunks(
    columns: Sequence[str], batches: AsyncIterator[Sequence[Any]], row_group_rows: int
) -> AsyncIterator[bytes]:
    """The Parquet file of every row in `batches`, as bytes to send while it is written."""
    stream = ParquetStream(columns, row_group_rows)
    try:
        async for rows in batches:
            chunk = stream.add(rows)
            if chunk:
                yield chunk
        yield stream.finish()
    finally:
        stream.close()


PREPARE_COLUMNS = ("id", "bill_cycle", "day", "customer_id", "unit_price", "region", "order_id")


def prepare_parquet() -> None:
    """Load pyarrow and run every kind of conversion once (at server start)."""
    import datetime

    stream = ParquetStream(PREPARE_COLUMNS, 1)
    stream.add([(1, "2000-01", datetime.date(2000, 1, 1), 1, 1, "x", 1)])
    stream.finish()


class _Drain(io.RawIOBase):
    """A write-only file that hands its bytes out as they are written (for streaming)."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def take(self) -> bytes:
        out = b"".join(self._chunks)
        self._chunks.clear()
        return out
