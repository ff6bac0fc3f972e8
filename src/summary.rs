//! Counting records by error code, action and principal for `--summary`.
