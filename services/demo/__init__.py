"""The demo organization: a synthetic company whose Suricata 8 EVE traffic hides known behaviours.

`organization.py` builds the company (departments, named networks, hosts, users, server roles),
`internet.py` holds the outside world (sites, resolvers, TLS client fingerprints, user agents),
`scenarios.py` plans the user sessions and the planted behaviours with their ground truth,
`activities.py` turns one piece of activity into EVE events, `generator.py` streams them in time
order and `cli.py` is the `sightline demo` subcommand.
"""
