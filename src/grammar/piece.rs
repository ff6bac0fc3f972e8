//! What a grammar parser returns: a piece of an error record found at a place in the text.

use crate::record::{Deny, PolicyType};
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

/// The fields a piece fills, in the order they were last set (the order takes part in
/// comparing two pieces' values), held inline: a piece is built for every anchor that parses,
/// and a heap list per piece cost more than the parse. Every field has a slot, so setting one
/// never fails.
#[derive(Debug, Clone, Copy)]
pub struct Values<'a> {
    /// `order[..len]`: the fields set, oldest first.
    order: [Field; STRING_FIELDS.len()],
    len: u8,
    /// The value of each field, indexed by `Field as usize`.
    slots: [Option<&'a str>; STRING_FIELDS.len()],
}

impl<'a> Values<'a> {
    const fn new() -> Self {
        Values {
            order: [Field::ErrorCode; STRING_FIELDS.len()],
            len: 0,
            slots: [None; STRING_FIELDS.len()],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, f: Field) -> Option<&'a str> {
        self.slots[f as usize]
    }

    /// The fields set and their values, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = (Field, &'a str)> + '_ {
        self.order[..usize::from(self.len)]
            .iter()
            .filter_map(|&f| Some((f, self.slots[f as usize]?)))
    }

    /// Set `f` to `v`, as the newest field.
    fn put(&mut self, f: Field, v: &'a str) {
        let len = usize::from(self.len);
        if self.slots[f as usize].is_some() {
            let at = self.order[..len]
                .iter()
                .position(|&g| g == f)
                .expect("a set field is in the order");
            self.order.copy_within(at + 1..len, at);
            self.order[len - 1] = f;
        } else {
            self.order[len] = f;
            self.len += 1;
        }
        self.slots[f as usize] = Some(v);
    }
}

impl PartialEq for Values<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

/// The longest error code taken. AWS's longest codes have about 60 characters; a parser that
/// reads a code up to a closing `)` or `;` would otherwise take a kilobyte of a program's
/// strings or of a line without that close.
pub const MAX_CODE: usize = 128;

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
    pub values: Values<'a>,
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
            values: Values::new(),
            deny: None,
            policy_type: None,
        }
    }

    /// Set a field from text; empty values and the usual "no value" spellings are dropped, and
    /// so are codes longer than any code ([`MAX_CODE`]).
    pub fn set(&mut self, f: Field, v: &'a str) -> &mut Self {
        if let Some(v) = clean_value(v) {
            if v.len() > MAX_CODE && matches!(f, Field::ErrorCode | Field::WrapperCode) {
                return self;
            }
            self.values.put(f, v);
        }
        self
    }

    /// Set an HTTP status code (100..600, as every caller checks), written as a number is.
    pub fn set_status(&mut self, n: u16) -> &mut Self {
        debug_assert!((100..600).contains(&n), "{n}");
        // The codes are spelled out once, so that setting one allocates nothing.
        static SPELLED: OnceLock<Vec<String>> = OnceLock::new();
        let spelled = SPELLED.get_or_init(|| (100..600u16).map(|n| n.to_string()).collect());
        if let Some(s) = n.checked_sub(100).and_then(|i| spelled.get(usize::from(i))) {
            self.values.put(Field::StatusCode, s);
        }
        self
    }

    pub fn with(mut self, f: Field, v: Option<&'a str>) -> Self {
        if let Some(v) = v {
            self.set(f, v);
        }
        self
    }

    pub fn get(&self, f: Field) -> Option<&'a str> {
        self.values.get(f)
    }
}

/// Trim a raw value (whitespace, and NUL padding from binary logs); `null`, `None`,
/// `undefined` and empty mean "not given".
pub fn clean_value(v: &str) -> Option<&str> {
    // Values mostly come trimmed: an ASCII graphic byte at each end needs no char decoding.
    let trimmed = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    let v = if trimmed(v.as_bytes().first()) && trimmed(v.as_bytes().last()) {
        v
    } else {
        v.trim_matches(|c: char| c.is_whitespace() || c == '\0')
    };
    if v.is_empty() || matches!(v, "null" | "None" | "undefined" | "nil" | "<nil>" | "N/A") {
        return None;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_longer_than_any_code_are_not_set() {
        let long = "Ab".repeat(MAX_CODE);
        let mut p = Piece::new(0, 0, Strength::Error, "plain", 1);
        p.set(Field::ErrorCode, &long)
            .set(Field::WrapperCode, &long);
        p.set(Field::Message, &long);
        assert_eq!(p.get(Field::ErrorCode), None);
        assert_eq!(p.get(Field::WrapperCode), None);
        assert_eq!(p.get(Field::Message), Some(long.as_str()));
        p.set(Field::ErrorCode, &long[..MAX_CODE]);
        assert_eq!(p.get(Field::ErrorCode), Some(&long[..MAX_CODE]));
    }

    #[test]
    fn values_keep_the_order_of_the_last_set() {
        let mut a = Piece::new(0, 0, Strength::Error, "plain", 1);
        a.set(Field::Message, "m")
            .set(Field::ErrorCode, "C")
            .set(Field::Message, "n");
        let got: Vec<_> = a.values.iter().collect();
        assert_eq!(got, [(Field::ErrorCode, "C"), (Field::Message, "n")]);
        let mut b = Piece::new(0, 0, Strength::Error, "plain", 1);
        b.set(Field::Message, "n").set(Field::ErrorCode, "C");
        assert!(a.values != b.values, "same values, other order");
        b.set(Field::Message, "n");
        assert!(a.values == b.values);
        assert_eq!(b.get(Field::Message), Some("n"));
        assert_eq!(b.get(Field::Service), None);
    }

    #[test]
    fn fields_index_their_slots() {
        for (i, f) in STRING_FIELDS.iter().enumerate() {
            assert_eq!(*f as usize, i, "{f:?}");
        }
    }
}
