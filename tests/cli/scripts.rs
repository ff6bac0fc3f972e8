//! Integration tests: scripts.
