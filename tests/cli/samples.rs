//! Integration tests: samples.
