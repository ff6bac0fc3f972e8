//! The remedy catalog: what to do about each recognised error, in English and Japanese.

use crate::record::{Record, Remedy};

/// Language of explanations. Ids, field names and JSON keys stay English in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Ja,
}

/// The remedies for a record, most specific first.
pub fn remedies_for(_rec: &Record, _lang: Lang) -> Vec<Remedy> {
    Vec::new()
}
