"""The GraphQL schema: strawberry types, the root Query, scalars and error types."""
