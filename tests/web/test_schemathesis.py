"""The JSON API against its own OpenAPI document (schemathesis 4, in process through ASGI).

Every operation of ``/api/v1/openapi.json`` gets up to 30 generated requests (Hypothesis,
derandomized: the same requests on every run), valid and invalid ones. Each response must not be
a server error, must have a status code the document declares, a declared content type, and a
body that conforms to the declared schema.
"""

from __future__ import annotations

import warnings

from hypothesis import HealthCheck, settings

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mmdecide.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app())

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_every_operation_is_in_the_schema():
    paths = {op.ok().path for op in schema.get_all_operations()}
    assert {"/estimate", "/trials", "/trials/{file_id}", "/meta-analyses"} <= paths, paths


@schema.parametrize()
@settings(max_examples=30, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    case.call_and_validate(checks=CHECKS)
