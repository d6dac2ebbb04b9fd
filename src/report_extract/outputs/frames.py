"""The output tables as pandas DataFrames with the documented types (spec/columns.csv).

CSV has no types, so a plain `pd.read_csv` guesses: `adcode` becomes an integer, `value`
a float, `ok` an object column of True/False/NaN.  `read_table` reads the CSV (or the
Parquet file) with the types every output documents: text as string, integers and
booleans nullable (Int64, boolean), numbers Float64.
"""

from __future__ import annotations

from pathlib import Path

from report_extract.contract.codebook import columns

PANDAS_TYPES = {"text": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}


def dtypes(table: str) -> dict[str, str]:
    """{column: pandas dtype} of an output table."""
    try:
        cols = columns()[table]
    except KeyError:
        raise ValueError(f"unknown table {table!r}; tables: {', '.join(columns())}") from None
    return {c.column: PANDAS_TYPES[c.type] for c in cols}


def read_table(outdir: str | Path, table: str):
    """OUTDIR/TABLE.csv (TABLE.parquet when only that exists) as a typed DataFrame."""
    import pandas as pd

    types = dtypes(table)
    csv_path, parquet_path = Path(outdir) / f"{table}.csv", Path(outdir) / f"{table}.parquet"
    if not csv_path.exists() and parquet_path.exists():
        return pd.read_parquet(parquet_path).astype(types)
    booleans = [c for c, t in types.items() if t == "boolean"]
    frame = pd.read_csv(csv_path, dtype={c: t for c, t in types.items() if t != "boolean"} | dict.fromkeys(booleans, "string"),
                        keep_default_na=False, na_values=[""])  # fmt: skip
    for col in booleans:  # written true/false, empty = null
        frame[col] = frame[col].map({"true": True, "false": False}, na_action="ignore").astype("boolean")
    return frame
