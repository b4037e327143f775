"""The feed simulator (``python app.py feed``): realistic sensor streams posted through the ingest API.

generators.py holds the pure series (deterministic per sensor and minute), client.py a small HTTP client
with retries, runner.py the loop of rounds.
"""
