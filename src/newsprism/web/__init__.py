"""Serve: the store in a browser and as a JSON API (`newsprism serve`).

`create_app(db_path)` builds the FastAPI application: server-rendered pages (Jinja2, autoescaped) that work
without JavaScript, each with a JSON twin (the same URL with `.json`, or `Accept: application/json`, as
Datasette does). The pages read the store through its per-thread read connections; they compute nothing
heavy: a story page builds its dossier from the analyses already stored and says which are pending.
Everything the app shows is served by the app itself (no CDN), under a Content-Security-Policy that allows
no inline script.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
