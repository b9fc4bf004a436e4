"""The GraphQL test plumbing of tests/graphql, shared here."""

from tests.graphql.conftest import api, demo, token_for  # noqa: F401
