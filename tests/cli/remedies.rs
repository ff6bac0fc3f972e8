//! Integration tests: remedies.
