"""schemathesis against /api/schema/: every operation of the read API, fed generated ids and
query parameters (valid and not), answers no 5xx and only what the schema says it answers.

The schema is loaded from the Django app in-process (the WSGI handler `orgreg.wsgi`), with a
token for an editor, over a small scenario: a published structure, a draft copied from it
and their units. Generated path ids are mixed with the scenario's own ids, so the checks see
real trees, placements and comparisons and not only 404s.

The requests run in the test's own transaction (the `db` fixture): the WSGI handler runs in
this thread on the same connection. Like Django's test client, the test stops the handler
from closing "old" connections at the start and end of each request, which would otherwise
close the connection inside the test's transaction.
"""

import datetime

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from orgreg.wsgi import application
from tests import factories
from units import services
from units.models import Structure, Unit

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Bounded so the whole run stays in seconds: examples per operation.
MAX_EXAMPLES = 25


@pytest.fixture
def connection_kept_open():
    """The connection outlives each in-process request, as under Django's test client."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def scenario(editor, small):
    """A published structure, a draft copied from it (one unit renamed), and a second
    organisation with a structure of its own (not comparable with the first)."""
    published, units = small
    draft = services.copy_structure(published, name="Udkast", user=editor,
                                    effective_date=datetime.date(2026, 1, 1))
    services.update_unit(Unit.objects.get(tree_id=draft.pk, code="B"), user=editor,
                         name="Afdeling B2")
    other_org = factories.make_organisation(editor, "Andenkommune")
    factories.make_structure(editor, {"X": "Enhed X"}, organisation=other_org,
                             name="Anden", status="published")
    return published, draft


@pytest.fixture
def token(editor):
    return Token.objects.create(user=editor).key


@pytest.fixture
def api_schema(db, scenario, token, connection_kept_open):
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", application,
        headers={"Authorization": f"Token {token}"})
    structure_ids = list(Structure.objects.values_list("pk", flat=True))
    unit_ids = list(Unit.objects.values_list("pk", flat=True))
    organisation_ids = list(Structure.objects.values_list("organisation_id", flat=True))
    known = {"/api/units/": unit_ids, "/api/structures/": structure_ids,
             "/api/organisations/": organisation_ids}

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        # Half the time the scenario's own ids, so the checks see real answers.
        if not path_parameters:
            return st.just(path_parameters)
        path = context.operation.path
        ids = next((v for k, v in known.items() if path.startswith(k)), structure_ids)
        real = {name: st.sampled_from(structure_ids if name == "other" else ids)
                for name in path_parameters}
        return st.one_of(st.just(path_parameters), st.fixed_dictionaries(real))

    @schema.hook
    def flatmap_query(context, query):
        if not isinstance(query, dict) or "target" not in query:
            return st.just(query)
        return st.one_of(st.just(query),
                         st.fixed_dictionaries({**{k: st.just(v) for k, v in query.items()},
                                                "target": st.sampled_from(structure_ids)}))

    return schema


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_answers_as_its_schema_says(mode, api_schema, token):
    """Each operation, fed MAX_EXAMPLES generated requests (within the schema, or for
    `negative` outside it), answers no 5xx, only documented status codes, and bodies that match
    the schema. A new route is covered by being in the schema."""
    headers = {"Authorization": f"Token {token}"}
    ops = operations(api_schema)
    assert len(ops) >= 7
    for operation in ops:
        if mode is GenerationMode.NEGATIVE and not any(
                p.location in ("path", "query") for p in operation.iter_parameters()):
            continue  # nothing to send outside the schema
        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                             derandomize=True, suppress_health_check=list(hypothesis.HealthCheck))
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except BaseException as error:
            error.add_note(f"operation: {operation.label}")
            raise
