from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def client(demo_database):
    """A Flask test client of the whole app, on the demo database."""
    from cockpit.server import create_app
    from geodata.settings import get_settings

    app = create_app(get_settings())
    return app.server.test_client()
