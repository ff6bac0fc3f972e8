//! Masking of account ids, access key ids, session names and request ids (`--redact`).
