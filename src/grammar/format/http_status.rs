//! HTTP status lines and phrases: `HTTP/1.1 403`, `403 Forbidden`, `HTTP 403 returned`,
//! `Error 429:`. Context only: the status of an error found by another format nearby.

use super::lex::status;
use super::piece::{Piece, Strength};
use super::Format;

pub(super) static FORMAT: Format = Format {
    name: "http status",
    sample: "http-response.txt",
    ebnf: ("misc.ebnf", "HTTP status"),
    // A reason phrase's anchor stands 3 bytes after the status: its arg.
    anchors: |add| {
        for p in ["HTTP/1.", "HTTP/2", "HTTP ", "Error "] {
            add(p, 0);
        }
        for p in REASON_PHRASES {
            add(p, 3);
        }
    },
    parse: |ev, at, _, back| {
        let at = at.checked_sub(usize::from(back))?;
        if !ev.text.is_char_boundary(at) {
            return None;
        }
        http_status_at(ev.text, at)
    },
    family: 2,
    ..Format::DEFAULT
};

const REASON_PHRASES: &[&str] = &[
    " Forbidden",
    " Bad Request",
    " Bad request",
    " Not Found",
    " Service Unavailable",
    " Too Many Requests",
    " Conflict",
];

const REASONS: &[&str] = &[
    "Bad Request",
    "Forbidden",
    "Not Found",
    "Conflict",
    "Too Many Requests",
    "Service Unavailable",
    "Internal Server Error",
    "Unauthorized",
];

/// `HTTP/1.1 403`, `"POST / HTTP/1.1" 403`, `403 Forbidden`, `HTTP 403 returned`, `Error 429:`.
fn http_status_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let s = &text[at..];
    let (n, len) = if let Some(r) = s
        .strip_prefix("HTTP/1.1")
        .or_else(|| s.strip_prefix("HTTP/1.0"))
        .or_else(|| s.strip_prefix("HTTP/2"))
    {
        let r2 = r.trim_start_matches(['"', ' ']);
        let (_, n) = status(r2).ok()?;
        (n, s.len() - r2.len() + 3)
    } else if let Some(r) = s.strip_prefix("HTTP ").or_else(|| s.strip_prefix("Error ")) {
        let (rest, n) = status(r).ok()?;
        if !(rest.starts_with(" returned") || rest.starts_with(':')) {
            return None;
        }
        (n, s.len() - rest.len())
    } else {
        let (rest, n) = status(s).ok()?;
        let rest = rest.strip_prefix(' ')?;
        if at > 0 && text.as_bytes()[at - 1].is_ascii_alphanumeric() {
            return None;
        }
        let reason = REASONS.iter().find(|r| {
            rest.len() >= r.len() && rest.as_bytes()[..r.len()].eq_ignore_ascii_case(r.as_bytes())
        })?;
        (n, s.len() - rest.len() + reason.len())
    };
    let mut p = Piece::new(at, at + len, Strength::Context, "plain", 10);
    p.set_status(n);
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::piece::Field;

    #[test]
    fn statuses() {
        let f = |s: &str| {
            http_status_at(s, 0).and_then(|p| p.get(Field::StatusCode).map(str::to_string))
        };
        assert_eq!(f("HTTP/1.1 400 Bad Request").as_deref(), Some("400"));
        assert_eq!(f("403 Forbidden").as_deref(), Some("403"));
        assert_eq!(f("HTTP 403 returned for").as_deref(), Some("403"));
        assert_eq!(f("Error 429: {}").as_deref(), Some("429"));
        assert_eq!(f("200 items"), None);
    }
}
