"""The printed schema is the plugin's contract with storefronts: a change must be deliberate."""

from pathlib import Path

from cod_plugin.graphql.schema import schema

SNAPSHOT = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_matches_the_committed_snapshot():
    assert schema.as_str() + "\n" == SNAPSHOT.read_text(), "The schema changed: run `make schema` and commit it."


def test_sandbox_schema_merges_the_plugin_and_limits_query_cost(client, db):
    both = client.post(
        "/graphql/",
        {"query": '{ codSettings(channel: "x") { enabled } products(channel: "x") { totalCount } }'},
        content_type="application/json",
    ).json()
    assert both == {"data": {"codSettings": None, "products": None}}
    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(30)) + " }"
    body = client.post("/graphql/", {"query": aliases}, content_type="application/json").json()
    assert "aliases" in body["errors"][0]["message"].lower()
    nested = '{ codSettings(channel: "x") ' + "{ terms " * 15 + "}" * 15 + " }"
    body = client.post("/graphql/", {"query": nested}, content_type="application/json").json()
    assert "depth" in body["errors"][0]["message"].lower()
