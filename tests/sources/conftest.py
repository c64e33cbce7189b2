from tests.orchestration.conftest import landing  # noqa: F401 - an empty landing zone wired through the environment
