"""GraphQL types of the gateway: one type per module, built from the services' JSON answers."""
