//! Integration tests: tail.
