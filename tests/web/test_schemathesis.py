"""The JSON API against its own OpenAPI document (schemathesis 4, in process through ASGI).

Every operation of ``/api/v1/openapi.json`` gets up to 30 generated requests (Hypothesis,
derandomized: the same requests on every run), valid and invalid ones, under every check
schemathesis has: no server error, declared status codes, content types, headers and bodies,
schema-valid requests accepted and schema-violating ones rejected (so the document states every
rule the API applies, including the profile's rules between fields).
"""

from __future__ import annotations

import warnings

import schemathesis
from hypothesis import HealthCheck, settings

from mmdecide.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app())

def test_every_operation_is_in_the_schema():
    paths = {op.ok().path for op in schema.get_all_operations()}
    assert {"/estimate", "/trials", "/trials/{file_id}", "/meta-analyses"} <= paths, paths


@schema.parametrize()
@settings(max_examples=30, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    case.call_and_validate()
