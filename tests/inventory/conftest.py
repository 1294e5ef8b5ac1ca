from tests.sources.services import mariadb, postgres  # noqa: F401 - fixtures
