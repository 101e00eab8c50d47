"""Many portals on many machines: site profiles, the project egg, and a Scrapyd API client."""
