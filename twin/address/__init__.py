"""Standard-address normalisation, parsing and (later) matching; pure Python, no storage."""
