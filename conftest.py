# Fixtures shared by the apps' tests (src/motcua/*/tests) and the cross-app tests (tests/).
pytest_plugins = ["tests.fixtures"]
