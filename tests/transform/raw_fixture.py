"""A small stand-in for the ingest loader: fills raw.<file> exactly per the shared raw layout.

Every contract column VARCHAR (values as delivered), plus _extract_date, _source_file, _source_line
(1-based, header = line 1), _file_sha256, _loaded_at, _run_id, _extra_columns.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from dagster_project.contract.model import load_contract
from dagster_project.warehouse import connect


def load_raw_extract(warehouse_path: Path, extract_dir: Path, run_id: str = "fixture") -> None:
    contract = load_contract()
    extract_date = extract_dir.name
    with connect(warehouse_path) as conn:
        conn.execute("create schema if not exists raw")
        for file in contract.files.values():
            path = extract_dir / file.file_name
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
            columns = ", ".join(f'cast("{c}" as varchar) as "{c}"' for c in file.column_names)
            select = f"""
                select {columns},
                       cast('{extract_date}' as date) as _extract_date,
                       '{file.file_name}' as _source_file,
                       cast(row_number() over () + 1 as bigint) as _source_line,
                       '{sha}' as _file_sha256,
                       current_localtimestamp() as _loaded_at,
                       '{run_id}' as _run_id,
                       cast(null as varchar) as _extra_columns
                from read_csv('{path}', all_varchar = true, header = true)
            """
            exists = conn.execute(
                "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?",
                [file.name],
            ).fetchone()[0]
            if exists:
                conn.execute(f"delete from raw.{file.name} where _extract_date = ?", [extract_date])
                conn.execute(f"insert into raw.{file.name} {select}")
            else:
                conn.execute(f"create table raw.{file.name} as {select}")
