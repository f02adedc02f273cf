"""Everything upstream of the GraphQL schema: the fetch plan, the loader, the SOAP client and
the decoders of each agency's part of the SSBTEK answer. Knows nothing of strawberry."""
