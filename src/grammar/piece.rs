//! What a grammar parser returns: a piece of an error record found at a place in the text.

use crate::record::{Deny, PolicyType};
use std::borrow::Cow;
use std::sync::OnceLock;

/// A field of the record that a piece can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    ErrorCode,
    WrapperCode,
    Service,
    Operation,
    StatusCode,
    RequestId,
    Message,
    Principal,
    Action,
    Resource,
    PolicyArn,
    EncodedMessage,
    AuthorizationId,
}

pub const STRING_FIELDS: [Field; 13] = [
    Field::ErrorCode,
    Field::WrapperCode,
    Field::Service,
    Field::Operation,
    Field::StatusCode,
    Field::RequestId,
    Field::Message,
    Field::Principal,
    Field::Action,
    Field::Resource,
    Field::PolicyArn,
    Field::EncodedMessage,
    Field::AuthorizationId,
];

/// How much a piece says on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Context only (a status line, a request id header): attaches to a nearby error.
    Context,
    /// Names an AWS error on its own and may start a record.
    Error,
}

/// One parsed piece: the fields it fills, where it stands, and how sure it is. Values borrow
/// the text they were read from; only the record built from the pieces owns its strings.
#[derive(Debug, Clone)]
pub struct Piece<'a> {
    pub start: usize,
    pub end: usize,
    pub strength: Strength,
    pub format: &'static str,
    /// Higher wins when two pieces of one record fill the same field.
    pub rank: u8,
    pub values: Vec<(Field, Cow<'a, str>)>,
    pub deny: Option<Deny>,
    pub policy_type: Option<PolicyType>,
}

impl<'a> Piece<'a> {
    pub fn new(
        start: usize,
        end: usize,
        strength: Strength,
        format: &'static str,
        rank: u8,
    ) -> Self {
        Piece {
            start,
            end,
            strength,
            format,
            rank,
            values: Vec::new(),
            deny: None,
            policy_type: None,
        }
    }

    /// Set a field from text; empty values and the usual "no value" spellings are dropped.
    pub fn set(&mut self, f: Field, v: &'a str) -> &mut Self {
        if let Some(v) = clean_value(v) {
            self.put(f, Cow::Borrowed(v));
        }
        self
    }

    /// Set an HTTP status code, written as a number is.
    pub fn set_status(&mut self, n: u16) -> &mut Self {
        // The usual codes are spelled out once, so that setting one allocates nothing.
        static SPELLED: OnceLock<Vec<String>> = OnceLock::new();
        let spelled = SPELLED.get_or_init(|| (100..600u16).map(|n| n.to_string()).collect());
        let v = match n.checked_sub(100).and_then(|i| spelled.get(usize::from(i))) {
            Some(s) => Cow::Borrowed(s.as_str()),
            None => Cow::Owned(n.to_string()),
        };
        self.put(Field::StatusCode, v);
        self
    }

    fn put(&mut self, f: Field, v: Cow<'a, str>) {
        self.values.retain(|(g, _)| *g != f);
        self.values.push((f, v));
    }

    pub fn with(mut self, f: Field, v: Option<&'a str>) -> Self {
        if let Some(v) = v {
            self.set(f, v);
        }
        self
    }

    pub fn get(&self, f: Field) -> Option<&str> {
        self.values
            .iter()
            .find(|(g, _)| *g == f)
            .map(|(_, v)| v.as_ref())
    }
}

/// Trim a raw value (whitespace, and NUL padding from binary logs); `null`, `None`,
/// `undefined` and empty mean "not given".
pub fn clean_value(v: &str) -> Option<&str> {
    let v = v.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    if v.is_empty() || matches!(v, "null" | "None" | "undefined" | "nil" | "<nil>" | "N/A") {
        return None;
    }
    Some(v)
}
