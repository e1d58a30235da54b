"""The REST API (/api/v1/): the inbox's posts and the organisation's channels, for integrations."""
