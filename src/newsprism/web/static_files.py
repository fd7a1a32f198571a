"""The app's own CSS, script and icon, read once from the package and served from memory by exact name: no
path from a request ever reaches the file system."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

FOLDER = Path(__file__).parent / "static"
MEDIA_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
               ".svg": "image/svg+xml"}


def load(folder: Path = FOLDER) -> dict[str, tuple[bytes, str, str]]:
    """Each file of the folder by name: its bytes, media type and ETag."""
    return {path.name: (data, MEDIA_TYPES[path.suffix], f'"{hashlib.sha256(data).hexdigest()[:16]}"')
            for path in sorted(folder.iterdir()) if path.suffix in MEDIA_TYPES and (data := path.read_bytes())}


FILES = load()
router = APIRouter(include_in_schema=False)


@router.get("/static/{name}")
def static_file(name: str, request: Request) -> Response:
    found = FILES.get(name)
    if found is None:
        raise HTTPException(404, f"no file {name[:80]!r}")
    data, media_type, etag = found
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=media_type, headers=headers)
