"""Other ways to run the ingest stages than the local process pool.

- ``ray_engine``: the same stages as Ray Data (read -> analyse in actors -> Parquet
  shards -> the store). Needs ``pip install 'onrecord[ray]'``; imported only when used.
"""

from __future__ import annotations

__all__: list[str] = []
