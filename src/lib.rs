//! awsplain: find AWS errors in arbitrary text, parse them into records, and explain them.
//!
//! The library holds the grammar ([`grammar`]), the scanner that finds errors in streams
//! ([`scan`]), the record type ([`record`]), the remedy catalog ([`remedy`]) and AWS's vocabulary
//! of services, operations and error codes from its service models ([`models`]). It has no
//! CLI or AWS SDK dependencies; the `awsplain` binary lives behind the `cli` feature.

mod automaton;
pub mod grammar;
pub mod json;
pub mod models;
pub mod record;
pub mod redact;
pub mod remedy;
pub mod sanitize;
pub mod scan;
pub mod summary;
pub mod time;

pub use record::{Deny, Lookup, PolicyType, Record, Remedy, Source, Span};
pub use remedy::Lang;
pub use scan::{scan_reader, scan_str, ScanStats};
