"""Partner Console API: the GraphQL backend of a cloud partner console."""
