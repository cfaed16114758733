"""The transfer tests' world (a sending school's team and a student with a full record), for
the packet form fuzzers."""

from tests.transfers.conftest import record, sender  # noqa: F401 (fixtures, used by name)
