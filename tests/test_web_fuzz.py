"""The API fuzzed from its own OpenAPI schema (schemathesis): whatever a client sends, the answer is never a 5xx.

Every operation in /openapi.json is called with generated parameters, valid and invalid (schemathesis' positive
and negative modes), a bounded and derandomized number of times, in process over ASGI (no network). Generated ids
are mostly unknown (404), so about half of them are swapped for real story and article ids of the store, and each
case is asked for both its HTML page and its JSON twin.

schemathesis' own pytest integration (`@schema.parametrize()`, `from_fixture`) needs a private pytest attribute
that pytest 9 removed, so the operations are walked here with Hypothesis directly.
"""

from __future__ import annotations

import zlib

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

import newsprism
from newsprism.web import create_app

EXAMPLES = settings(max_examples=20, derandomize=True, deadline=None, database=None,
                    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


def test_no_server_error_on_any_operation(examples_analysed):
    with newsprism.Store(examples_analysed) as store:
        articles = store.articles()
    real_ids = {"story_id": sorted({a.story_id for a in articles if a.story_id}),
                "article_id": sorted(a.id for a in articles)}
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(examples_analysed, analyse=False))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {"/.json", "/stories/{story_id}", "/articles/{article_id}"} <= {op.path for op in operations}
    statuses: dict[str, set[int]] = {}
    unsatisfiable: list[str] = []
    for operation in operations:
        for mode in GenerationMode:
            @given(case=operation.as_strategy(generation_mode=mode))
            @EXAMPLES
            def never_a_server_error(case):
                use_real_ids(case, real_ids)
                for accept in ("text/html", "application/json"):
                    response = case.call(headers={"Accept": accept})
                    shown = f"{case.method} {case.formatted_path} {case.query} ({accept})"
                    assert response.status_code < 500, f"{shown}: {response.status_code} {response.text[:500]}"
                    if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
                        assert response.json()["status"] == response.status_code, shown  # a clear message
                    statuses.setdefault(case.operation.label, set()).add(response.status_code)

            try:
                never_a_server_error()
            except Unsatisfiable:
                # no invalid request can be written for an operation that takes any string (an id)
                assert mode is GenerationMode.NEGATIVE, operation.label
                unsatisfiable.append(operation.label)
    # the real ids were reached: pages were served, not only 404s and 400s
    assert 200 in statuses["GET /stories/{story_id}"] and 200 in statuses["GET /articles/{article_id}"], statuses
    assert 400 in statuses["GET /.json"] and 404 in statuses["GET /stories/{story_id}"], statuses
    assert "GET /.json" not in unsatisfiable  # its parameters have bounds: invalid values were sent


def use_real_ids(case, real_ids: dict[str, list[str]]) -> None:
    """Swap about half the generated ids (by a checksum of the value: deterministic) for real ones, a third of
    those with the JSON twin's suffix."""
    for name, value in list((case.path_parameters or {}).items()):
        known = real_ids.get(name)
        checksum = zlib.crc32(str(value).encode("utf-8", "surrogatepass"))
        if known and checksum % 2:
            case.path_parameters[name] = known[checksum % len(known)] + (".json" if checksum % 3 == 0 else "")
