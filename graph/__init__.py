"""The served application: Starlette app with /graphql, health endpoints, settings and the
`ssbtek-graphql` command."""
