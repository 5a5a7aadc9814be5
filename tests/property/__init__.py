"""Property-based tests (hypothesis) of issue 6: every step × every kind of input."""
