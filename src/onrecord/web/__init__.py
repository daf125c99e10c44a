"""The web UI and REST API over a corpus database: ``onrecord serve`` (see docs/WEB.md).

``create_app(db_path, allow_analyze=False, max_body=...)`` in ``onrecord.web.app`` builds
the FastAPI application; nothing here is imported unless the web is used.
"""

from __future__ import annotations

__all__: list[str] = []
