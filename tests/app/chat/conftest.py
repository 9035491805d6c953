# The API tests' world (people, jobs, an application, a token each) and token client.
from tests.app.api.conftest import api, world  # noqa: F401
