"""Resolvers: GraphQL arguments -> service calls and loader reads."""
