"""The HTTP edge: the GraphQL endpoint, exports, GraphiQL, limits and content negotiation."""
