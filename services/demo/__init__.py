"""The demo organization: a synthetic company whose Suricata 8 EVE traffic hides known behaviours.

- `organization.py`: the company (departments with named networks, servers with roles,
  workstations with hostnames and users);
- `internet.py`: the outside world (sites, public resolvers, DoH/DoT endpoints, TLS client
  fingerprints, user agents);
- `scenarios.py`: the plan — planted behaviours, user sessions, lease renewals — and its
  `GroundTruth`;
- `eve.py`: EVE event shapes and the time-ordered buffer; `world.py`: shared steps (resolve a
  name, open a TLS session);
- `activities.py` / `servers.py`: background activity; `planted.py`: events of planned items;
- `generator.py`: `generate` (a stream of lines) and `write_eve` (file + ground_truth.json);
- `cli.py`: the `sightline demo` subcommand.
"""
