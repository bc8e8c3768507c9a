"""The attendance tests run against the sandbox like every end-to-end test: the same fixtures
(`world`, `sandbox`, a test fails on any ERROR log)."""

from tests.e2e.conftest import community, sandbox, swallowed_errors, world

__all__ = ["community", "sandbox", "swallowed_errors", "world"]
