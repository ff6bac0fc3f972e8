//! The grammar of AWS error texts: the wrapper formats (`format/`, one file each, registered
//! in one table), each a nom parser run at the anchors an Aho-Corasick automaton finds, and the
//! grouping of the pieces they return into records.
//!
//! The EBNF of every format, with real-shaped examples, is in `grammar/` at the repository root.

mod anchors;
mod arn;
mod assemble;
mod evidence;
mod format;
pub mod japanese;
pub(crate) mod lex;
mod neighbours;
pub mod piece;
pub mod repair;
mod resource;
mod scratch;
mod view;

// The fuzz crate runs the authorization sentence's parser alone.
pub use format::authz;
use view::unescape_view;

use crate::record::{Record, Span};
use anchors::{anchors, Anchor};
use format::{exception, js, lambda, Event, Kind, Memo};
use piece::{Field, Piece, Strength};
use scratch::{reuse, Scratch, SCRATCH};
use std::borrow::Cow;

/// The literals whose presence makes a stretch of text worth parsing: every format's
/// triggers. Every error the grammar recognises contains one of these; lines without any are
/// never parsed.
pub fn trigger_literals() -> Vec<&'static str> {
    format::trigger_literals()
}

/// A parsed piece and the parser that made it.
pub(crate) struct Found<'a> {
    pub kind: Kind,
    pub piece: Piece<'a>,
}

/// Whether `f`, repeated, is a second error: its format says so.
fn repeats_mean_new_error(f: &Found<'_>) -> bool {
    (f.kind.format.repeats)(&f.piece)
}

/// An error code without its namespace and `Exception` suffix, for comparing codes ignoring
/// ASCII case (`ECS.AccessDeniedException` is `AccessDenied`).
fn norm_code(c: &str) -> &str {
    let mut c = lex::after_last(c, b'.');
    // `trim_end_matches` with a `&str` builds a substring searcher per call.
    while let Some(t) = c.strip_suffix("Exception") {
        c = t;
    }
    c
}

fn same_code(a: &str, b: &str) -> bool {
    // The pieces of one error mostly spell its code alike.
    a == b || norm_code(a).eq_ignore_ascii_case(norm_code(b))
}

/// Lines from one piece to the next that still belong to the same error.
const GAP_LINES: usize = 6;
/// Context (a status line, request id header) may stand further above the error it belongs to:
/// HTTP response heads come before their body.
const PENDING_GAP_LINES: usize = 12;

/// Build the grammar's automata and tables now rather than on the first error found. They
/// take milliseconds to build, and a scan on several threads gains by building them on a
/// thread of its own while the scanning threads start reading.
pub fn warm_up() {
    anchors();
    exception::listed_codes();
}

/// Every AWS error in `text` (one event: a log line with its continuation lines, a pasted
/// error, a CloudWatch event message). Spans are relative to `text`.
pub fn extract(text: &str) -> Vec<Record> {
    // Borrowed in place (moving the lists out and back cost more than the borrow), and left
    // cleared. Nothing in an extraction extracts again; if it ever did, the inner call would
    // work on lists of its own.
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let records = extract_with(text, &mut scratch);
            scratch.clear();
            records
        }
        Err(_) => extract_with(text, &mut Scratch::new()),
    })
}

fn extract_with(text: &str, s: &mut Scratch) -> Vec<Record> {
    let view = unescape_view(text);
    let whole = matches!(view, Cow::Owned(_));
    let view = view::lone_cr_as_lf(view);
    let repaired = repair::repair(&view);
    let v: &str = repaired.as_ref().map_or(&view, |r| &r.text);
    let a = anchors();
    // Room for the pieces of an error or two at once: pieces are large, and growing the list
    // from four copies them and allocates again.
    let mut found: Vec<Found> = reuse(std::mem::take(&mut s.found));
    found.reserve(8);
    let mut memo = Memo::default();
    let mut marks = anchors::Marks::default();
    // A Terraform box's prefix is gone from the repaired text; its mark is the event's.
    if repaired.is_some() && lex::contains(&view, "│ Error") {
        marks.add(anchors::Marks::TERRAFORM);
    }
    a.each(v, |m_start, m_len, anchor| {
        let kind = match anchor {
            Anchor::Mark(m) => return marks.add(m),
            Anchor::Parse(kind) => kind,
        };
        let mut event = Event {
            text: v,
            marks,
            found: &found,
            memo: &mut memo,
        };
        let parsed = (kind.format.parse)(&mut event, m_start, m_len, kind.arg);
        let found_before = found.len();
        let some = parsed.is_some();
        if let Some(piece) = parsed {
            let key = (kind_class(kind), piece.start);
            if let Err(slot) = s.seen.binary_search(&key) {
                s.seen.insert(slot, key);
                found.push(Found { kind, piece });
            }
        }
        if let Some(end) = memo.place_wanted.take() {
            // A piece parsed but not kept (a duplicate) is not at hand: it is parsed again.
            let pushed = found.len() > found_before;
            memo.error_code_key = (pushed || !some).then(|| (end, pushed.then_some(found_before)));
        }
    });
    // The invocation id of a Lambda runtime line belongs to the error on that line.
    for i in 0..found.len() {
        if found[i].piece.strength != Strength::Error {
            continue;
        }
        let ls = lex::line_start(v, found[i].piece.start);
        let Err(slot) = s.lines_done.binary_search(&ls) else {
            continue;
        };
        s.lines_done.insert(slot, ls);
        if let Some(piece) = lambda::line_at(v, ls) {
            found.push(Found {
                kind: Kind::of(&lambda::FORMAT, 0),
                piece,
            });
        }
    }
    found.sort_by_key(|f| (f.piece.start, std::cmp::Reverse(f.piece.end)));
    drop_contained(&mut found);
    // A stack frame line does not count toward the gap between pieces: a JS error's header
    // and its `$metadata` stand ten frames apart, a Java exception and its `Caused by` too.
    s.newlines.extend(
        memchr::memchr_iter(b'\n', v.as_bytes()).filter(|&n| !lex::is_stack_frame(&v[n + 1..])),
    );
    let newlines = &s.newlines;
    let line_of = |pos: usize| newlines.partition_point(|&n| n < pos);
    let mut records = Vec::new();
    // The evidence words of the event, searched for once a record needs them.
    let mut words = None;
    let mut emit = |group: &[usize]| {
        if group
            .iter()
            .any(|&i| found[i].piece.strength == Strength::Error)
        {
            let mut rec = assemble::assemble(v, marks, &found, group);
            if !evidence::is_aws(v, newlines, &rec, &found, group, &mut words) {
                return;
            }
            if whole {
                rec.span = Span {
                    start: 0,
                    end: text.len() as u64,
                };
            } else if let Some(r) = &repaired {
                rec.span = Span {
                    start: r.to_event(rec.span.start as usize) as u64,
                    end: r.to_event(rec.span.end as usize) as u64,
                };
            }
            // Most events hold one error: the first record gets a list of one, not the four a
            // first push reserves (four records are beyond malloc's small-size fast path).
            if records.capacity() == 0 {
                records.reserve_exact(1);
            }
            records.push(rec);
        }
    };
    let (cur, pending) = (&mut s.cur, &mut s.pending);
    let mut cur_last_line = 0usize;
    // The object literal printed after the current error's header and frames (JavaScript):
    // every piece inside it is that error's.
    let mut cur_object: Option<std::ops::Range<usize>> = None;
    for (idx, f) in found.iter().enumerate() {
        let line = line_of(f.piece.start);
        let near = !cur.is_empty() && line <= cur_last_line + GAP_LINES;
        let in_object = !cur.is_empty()
            && cur_object
                .as_ref()
                .is_some_and(|o| o.contains(&f.piece.start));
        if in_object
            || near
                && !conflicts(&found, cur, f)
                && !neighbours::stands_apart(v, &found, cur, f, line_of)
        {
            cur.push(idx);
            cur_last_line = cur_last_line.max(line_of(f.piece.end));
            continue;
        }
        if f.piece.strength == Strength::Error {
            // Pieces that joined the error above from this very line, before this piece said
            // it is another error, belong to this one: a line is one error's text.
            let mut stolen = Vec::new();
            if near {
                let split = cur
                    .iter()
                    .position(|&i| line_of(found[i].piece.start) >= line);
                if let Some(k) = split.filter(|&k| k > 0) {
                    if cur[k..]
                        .iter()
                        .all(|&i| line_of(found[i].piece.start) == line)
                        && !conflicts(&found, &cur[k..], f)
                    {
                        stolen.extend(cur.drain(k..));
                    }
                }
            }
            if !cur.is_empty() {
                emit(cur);
                cur.clear();
            }
            cur.extend(
                pending
                    .drain(..)
                    .filter(|&p| line_of(found[p].piece.end) + PENDING_GAP_LINES >= line),
            );
            cur.append(&mut stolen);
            cur.push(idx);
            cur_last_line = line_of(f.piece.end);
            cur_object = js::object_after(v, f.piece.start);
        } else {
            pending.retain(|&p| line_of(found[p].piece.end) + PENDING_GAP_LINES >= line);
            pending.push(idx);
        }
    }
    if !cur.is_empty() {
        emit(cur);
    }
    s.found = reuse(found);
    records
}

/// Anchors of one parser that land inside its own earlier piece are the same piece.
fn kind_class(k: Kind) -> u8 {
    k.format.family
}

/// Drop each piece that lies inside an earlier kept piece of its parser (or class), keeping
/// the order; in place, the kept pieces gathered at the front.
fn drop_contained(found: &mut Vec<Found<'_>>) {
    let mut kept = 0;
    for i in 0..found.len() {
        let f = &found[i];
        let inside = found[..kept].iter().any(|g| {
            kind_class(f.kind) == kind_class(g.kind)
                && (kind_class(f.kind) != 0 || f.kind == g.kind)
                && f.piece.start >= g.piece.start
                && f.piece.end <= g.piece.end
                && (f.piece.start, f.piece.end) != (g.piece.start, g.piece.end)
        });
        if !inside {
            if kept != i {
                found.swap(kept, i);
            }
            kept += 1;
        }
    }
    found.truncate(kept);
}

fn conflicts(found: &[Found<'_>], cur: &[usize], f: &Found<'_>) -> bool {
    let code = f.piece.get(Field::ErrorCode).filter(|_| f.piece.rank >= 30);
    let principal = f.piece.get(Field::Principal);
    let request_id = f.piece.get(Field::RequestId);
    for &i in cur {
        let g = &found[i];
        // The same parser twice is a second error, unless it says the very same thing again
        // (Lambda repeats its errorMessage as message).
        if g.kind == f.kind
            && repeats_mean_new_error(f)
            && repeats_mean_new_error(g)
            && g.piece.values != f.piece.values
        {
            return true;
        }
        if let (Some(c), Some(d)) = (
            code,
            g.piece.get(Field::ErrorCode).filter(|_| g.piece.rank >= 30),
        ) {
            if !same_code(c, d) {
                return true;
            }
        }
        if let (Some(p), Some(q)) = (principal, g.piece.get(Field::Principal)) {
            if p != q {
                return true;
            }
        }
        // One response has one request id: two ids are two errors, even with codes that
        // normalise alike (Go's `AccessDenied` above Java's `AccessDeniedException`).
        if let (Some(a), Some(b)) = (request_id, g.piece.get(Field::RequestId)) {
            if a != b {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_case() {
        let t = "User: arn:aws:sts::123456789012:assumed-role/sfn-role/x is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/ecsTaskExecutionRole because no identity-based policy allows the iam:PassRole action (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 0f1e; Proxy: null)";
        let r = extract(t);
        assert_eq!(r.len(), 1, "{r:#?}");
        let r = &r[0];
        assert_eq!(r.error_code.as_deref(), Some("AccessDeniedException"));
        assert_eq!(r.service.as_deref(), Some("AmazonECS"));
        assert_eq!(r.status_code, Some(400));
        assert_eq!(r.request_id.as_deref(), Some("0f1e"));
        assert_eq!(r.action.as_deref(), Some("iam:PassRole"));
        assert_eq!(r.format.as_deref(), Some("java-sdk"));
    }

    #[test]
    fn sfn_escaped_cause() {
        let t = r#"{"error":"ECS.AccessDeniedException","cause":"User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: iam:PassRole on resource: arn:aws:iam::1:role/x because no identity-based policy allows the iam:PassRole action (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: ab-12; Proxy: null)"}"#;
        let r = extract(t);
        assert_eq!(r.len(), 1, "{r:#?}");
        assert_eq!(r[0].error_code.as_deref(), Some("AccessDeniedException"));
        assert_eq!(
            r[0].wrapper_code.as_deref(),
            Some("ECS.AccessDeniedException")
        );
        assert_eq!(r[0].format.as_deref(), Some("sfn"));
    }

    #[test]
    fn two_errors_two_records() {
        let t = "* aws_security_group.a: DependencyViolation: resource sg-1a has a dependent object\n\tstatus code: 400, request id: r1\n* aws_security_group.b: DependencyViolation: resource sg-2b has a dependent object\n\tstatus code: 400, request id: r2";
        let r = extract(t);
        assert_eq!(r.len(), 2, "{r:#?}");
        assert_eq!(r[1].request_id.as_deref(), Some("r2"));
        assert_eq!(r[0].resource.as_deref(), Some("sg-1a"));
    }

    #[test]
    fn neighbouring_errors_with_alike_codes_stay_apart() {
        // Go's `AccessDenied` and Java's `AccessDeniedException` normalise alike; their
        // request ids tell them apart, and the authorization sentence belongs to its own line.
        let t = "operation error S3: GetObject, https response error StatusCode: 403, RequestID: 8FADC1A6, HostID: de8a, api error AccessDenied: Access Denied\nUser: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/x because no identity-based policy allows the iam:PassRole action (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 1-2; Proxy: null)";
        let r = extract(t);
        assert_eq!(r.len(), 2, "{r:#?}");
        assert_eq!(r[0].error_code.as_deref(), Some("AccessDenied"));
        assert_eq!(r[0].operation.as_deref(), Some("GetObject"));
        assert_eq!(r[0].status_code, Some(403));
        assert_eq!(r[0].action, None);
        assert_eq!(r[1].error_code.as_deref(), Some("AccessDeniedException"));
        assert_eq!(r[1].operation, None);
        assert_eq!(r[1].request_id.as_deref(), Some("1-2"));
        assert_eq!(r[1].action.as_deref(), Some("iam:PassRole"));
        assert!(r[1].principal.is_some());
    }

    #[test]
    fn context_that_gave_nothing_stays_out_of_the_span() {
        // The traceback's source line has a `Key=` argument: a context piece whose value
        // loses to nothing it could give, so the record starts at the error, not there.
        let t = "Traceback (most recent call last):\n  File \"app.py\", line 3, in h\n    s3.put_object(Bucket=\"b\", Key=\"k\")\nbotocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::b/k\" because no identity-based policy allows the s3:PutObject action";
        let r = extract(t);
        assert_eq!(r.len(), 1, "{r:#?}");
        let error_line = t.find("botocore").unwrap() as u64;
        assert!(r[0].span.start >= error_line, "{:?}", r[0].span);
        assert_eq!(r[0].resource.as_deref(), Some("arn:aws:s3:::b/k"));
    }

    #[test]
    fn a_boto2_head_and_its_xml_body_are_one_error() {
        let t = "S3ResponseError: 403 Forbidden\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>3A1B2C4D5E6F7A8B</RequestId><HostId>aGVsbG8=</HostId></Error>";
        let r = extract(t);
        assert_eq!(r.len(), 1, "{r:#?}");
        assert_eq!(r[0].error_code.as_deref(), Some("AccessDenied"));
        assert_eq!(r[0].status_code, Some(403));
        assert_eq!(r[0].request_id.as_deref(), Some("3A1B2C4D5E6F7A8B"));
    }

    #[test]
    fn nothing_in_noise() {
        assert!(extract("2026-11-01T00:00:00Z INFO processed batch id=1 items=3").is_empty());
        assert!(extract("ValueError: invalid literal for int()").is_empty());
    }

    #[test]
    fn anchored_bare_codes_are_codes() {
        for c in exception::FORMAT.trigger_list() {
            if c.bytes().all(|b| b.is_ascii_alphanumeric()) && !matches!(c, "Exception" | "NoSuch")
            {
                assert!(
                    exception::is_aws_code(c),
                    "{c} is an anchor but not a known code"
                );
            }
        }
    }
}
