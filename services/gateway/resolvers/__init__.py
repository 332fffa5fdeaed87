"""Resolvers of the root Query and Mutation fields, by domain; each calls one service's REST."""
