//! The grammar of AWS error texts: one module per wrapper format, each a nom parser run at the
//! anchors an Aho-Corasick automaton finds, and the assembly of the pieces into records.
//!
//! The EBNF of every format, with real-shaped examples, is in `grammar/` at the repository root.

pub mod arn;
pub mod authz;
pub mod botocore;
pub mod codeless;
pub mod dotnet;
mod evidence;
pub mod exception;
pub mod go;
pub mod japanese;
pub mod java;
pub mod js;
pub mod keyvalue;
pub mod lex;
pub mod misc;
mod neighbours;
pub mod piece;
pub mod repair;
pub mod ruby;
pub mod terraform;
pub mod xml;

use crate::record::{Record, Span};
use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{dfa::DFA, Anchored, MatchKind};
use piece::{Field, Piece, Strength, STRING_FIELDS};
use std::borrow::Cow;
use std::sync::OnceLock;

/// Which parser an anchor starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    Authz,
    Botocore,
    GoV2,
    GoV1Status,
    Java,
    Xml,
    /// The anchor sits inside a `Code:` token; parse from the token.
    CodeColon,
    /// Like `CodeColon` but the anchor is `<sep>` and the token ends `back` bytes before it.
    CodeBefore(u8),
    GluedCode,
    KeyValue(u8),
    HttpStatus(u8),
    CfnHandler,
    CfnProvided,
    Php,
    S3cmd,
    Throttled,
    Encoded,
    AuthorizationId,
    Coral,
    PowerShell,
    RubyClientLog,
    RubyClientFrame,
    JsServiceException,
    JsDeserializerFrame,
    TerraformCalling,
    /// A Terraform diagnostic's verb; the byte is its length.
    TerraformVerb(u8),
    DotnetMakingRequest,
    XmlCut,
    JsClientPackage,
    Known(u8),
    /// No parser: a [`Marks`] literal, noted as present in the event.
    Mark(Marks),
}

/// Literals whose presence in an event is all that later checks ask (the format of a record,
/// whether a message may name a resource): the anchor walk, which reads every byte anyway,
/// notes them, so that those checks need not search the text again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Marks(u8);

impl Marks {
    /// `Resource handler returned message`.
    const CFN: Marks = Marks(1);
    /// `│ Error`, `Error applying plan`, `[terraform]`.
    const TERRAFORM: Marks = Marks(2);
    /// `* aws_`: Terraform naming the resource it worked on.
    const TF_ADDRESS: Marks = Marks(4);
    /// A phrase [`misc::message_resource`] looks for.
    const RESOURCE: Marks = Marks(8);
    /// What says an AWS CLI sentence came from boto3 ([`botocore::BOTO3_WORDS`]). None of them
    /// can overlap a sentence's anchor, so the marks noted when the anchor is reached are
    /// those of the text before it.
    const BOTO3: Marks = Marks(16);

    const LITERALS: [(&'static str, Marks); 8] = [
        ("Resource handler returned message", Marks::CFN),
        ("│ Error", Marks::TERRAFORM),
        ("Error applying plan", Marks::TERRAFORM),
        ("[terraform]", Marks::TERRAFORM),
        ("* aws_", Marks::TF_ADDRESS),
        (botocore::BOTO3_WORDS[0], Marks::BOTO3),
        (botocore::BOTO3_WORDS[1], Marks::BOTO3),
        (botocore::BOTO3_WORDS[2], Marks::BOTO3),
    ];

    fn has(self, m: Marks) -> bool {
        self.0 & m.0 != 0
    }
}

struct Anchors {
    dfa: DFA,
    kinds: Vec<Kind>,
    /// The length of the longest anchor.
    longest: usize,
    #[cfg(test)]
    patterns: Vec<String>,
}

impl Anchors {
    /// Call `f(start, len, kind)` for every anchor in `text`, overlapping ones too, in the order
    /// the anchors end (anchors ending together in pattern order), as an overlapping search
    /// reports them. The DFA is walked here rather than through the `AhoCorasick` iterator,
    /// which stops and resumes at every match at a cost greater than the walk's.
    ///
    /// Each byte's step waits for the step before (a load from the DFA's table), so a long text
    /// is walked as two halves at once, the second from a start far enough back to be in the
    /// very state the whole walk would be in where its half begins.
    fn each(&self, text: &str, mut f: impl FnMut(usize, usize, Kind)) {
        let dfa = &self.dfa;
        let hay = text.as_bytes();
        let Ok(start) = dfa.start_state(Anchored::No) else {
            return;
        };
        let mut report = |end: usize, sid: StateID| {
            for k in 0..dfa.match_len(sid) {
                let pid = dfa.match_pattern(sid, k);
                let len = dfa.pattern_len(pid);
                f(end - len, len, self.kinds[pid.as_usize()]);
            }
        };
        // Any anchor ending past `mid` starts within the second walk, and from there on its
        // state is the longest suffix that begins an anchor, as in one walk over the whole
        // text (anchors ending together are reported alike).
        let Some((mid, second)) = split_for_two_walks(hay.len(), self.longest) else {
            return walk_one::<false>(dfa, start, hay, report);
        };
        let mut later = Vec::new();
        walk_two::<false>(
            dfa,
            start,
            &hay[..mid],
            &hay[second..],
            |which, end, sid| {
                if which == 0 {
                    report(end, sid);
                } else if second + end > mid {
                    later.push((second + end, sid));
                }
            },
        );
        for (end, sid) in later {
            report(end, sid);
        }
    }
}

/// Where to cut a text of `len` bytes into two walks at once of an automaton whose longest
/// literal has `longest` bytes: the first walk ends at `mid`, the second starts at `second`,
/// `longest - 1` bytes before it, so that every literal ending past `mid` lies whole in the
/// second walk. `None` for a text too short to gain: the overlap would cost more than the
/// second walk saves.
pub(crate) fn split_for_two_walks(len: usize, longest: usize) -> Option<(usize, usize)> {
    let mid = (len + longest - 1) / 2;
    (len >= 3 * longest).then(|| (mid, mid + 1 - longest))
}

/// ASCII lowercase by table: one load, where the arithmetic costs several instructions a byte.
pub(crate) const ASCII_LOWER: [u8; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).to_ascii_lowercase();
        b += 1;
    }
    t
};

/// A byte as the walks below read it: as it is, or in lowercase for an automaton of lowercase
/// literals (`LOWER`). A constant, so that each kind of walk is compiled on its own.
#[inline(always)]
fn walked<const LOWER: bool>(b: u8) -> u8 {
    if LOWER {
        ASCII_LOWER[usize::from(b)]
    } else {
        b
    }
}

/// Walk the DFA (built without a prefilter) over `hay` from `start`, calling
/// `on_match(end, state)` at each match state.
pub(crate) fn walk_one<const LOWER: bool>(
    dfa: &DFA,
    start: StateID,
    hay: &[u8],
    mut on_match: impl FnMut(usize, StateID),
) {
    let (mut sid, mut at) = (start, 0);
    while let Some(end) = next_match::<LOWER>(dfa, hay, at, &mut sid) {
        on_match(end, sid);
        at = end;
    }
}

/// Walk the DFA over `a` and `b` from the start state, one step of each in turn, calling
/// `on_match(0 or 1, end, state)` at each match state (ends relative to the text walked), in
/// order for each text.
pub(crate) fn walk_two<const LOWER: bool>(
    dfa: &DFA,
    start: StateID,
    a: &[u8],
    b: &[u8],
    mut on_match: impl FnMut(usize, usize, StateID),
) {
    let step = |s: StateID, c: u8| dfa.next_state(Anchored::No, s, walked::<LOWER>(c));
    let (mut sa, mut sb) = (start, start);
    let both = a.len().min(b.len());
    let mut i = 0;
    // Two bytes of each a round, with one test for a match among the four states.
    while i + 2 <= both {
        let a1 = step(sa, a[i]);
        let b1 = step(sb, b[i]);
        let a2 = step(a1, a[i + 1]);
        let b2 = step(b1, b[i + 1]);
        if dfa.is_special(a1) | dfa.is_special(a2) | dfa.is_special(b1) | dfa.is_special(b2) {
            for (which, k, t) in [(0, 1, a1), (0, 2, a2), (1, 1, b1), (1, 2, b2)] {
                if dfa.is_special(t) {
                    on_match(which, i + k, t);
                }
            }
        }
        (sa, sb) = (a2, b2);
        i += 2;
    }
    for (which, hay, s) in [(0, a, sa), (1, b, sb)] {
        walk_one::<LOWER>(dfa, s, &hay[i..], |end, t| on_match(which, i + end, t));
    }
}

/// Walk the DFA over `hay` from `at` in state `sid` up to the next match state; the end of the
/// matches there. The walk makes no calls and no stores, so the DFA's tables stay in registers.
#[inline]
fn next_match<const LOWER: bool>(
    dfa: &DFA,
    hay: &[u8],
    at: usize,
    sid: &mut StateID,
) -> Option<usize> {
    // Without a prefilter, special states are match states (an unanchored search never dies).
    let step = |s: StateID, b: u8| dfa.next_state(Anchored::No, s, walked::<LOWER>(b));
    let mut s = *sid;
    let hay = hay.get(at..)?;
    // Four bytes a round with one test for a match among them: matches are rare next to the
    // bytes walked, and the round is redone bytewise only when one is there.
    let mut rounds = hay.chunks_exact(4);
    let mut done = at;
    for c in &mut rounds {
        let s1 = step(s, c[0]);
        let s2 = step(s1, c[1]);
        let s3 = step(s2, c[2]);
        let s4 = step(s3, c[3]);
        if dfa.is_special(s1) | dfa.is_special(s2) | dfa.is_special(s3) | dfa.is_special(s4) {
            for (k, t) in [s1, s2, s3, s4].into_iter().enumerate() {
                if dfa.is_special(t) {
                    *sid = t;
                    return Some(done + k + 1);
                }
            }
        }
        s = s4;
        done += 4;
    }
    for (k, &b) in rounds.remainder().iter().enumerate() {
        s = step(s, b);
        if dfa.is_special(s) {
            *sid = s;
            return Some(done + k + 1);
        }
    }
    None
}

const REASON_PHRASES: &[&str] = &[
    " Forbidden",
    " Bad Request",
    " Bad request",
    " Not Found",
    " Service Unavailable",
    " Too Many Requests",
    " Conflict",
];

fn anchors() -> &'static Anchors {
    static A: OnceLock<Anchors> = OnceLock::new();
    A.get_or_init(|| {
        let mut pats: Vec<String> = Vec::new();
        let mut kinds = Vec::new();
        let mut add = |p: &str, k: Kind| {
            pats.push(p.to_string());
            kinds.push(k);
        };
        add("not authorized to", Kind::Authz);
        add("Not authorized to", Kind::Authz);
        add("An error occurred (", Kind::Botocore);
        add("A client error (", Kind::Botocore);
        add(japanese::CLI_ANCHOR, Kind::Botocore);
        add(japanese::AUTHZ_ANCHOR, Kind::Authz);
        add("operation error ", Kind::GoV2);
        add("status code:", Kind::GoV1Status);
        add("Service:", Kind::Java);
        add("Status Code:", Kind::Java);
        add("<Code>", Kind::Xml);
        for p in [
            "Exception",
            "Error:",
            "Error =>",
            "Fault:",
            "NotFound:",
            "Exceeded:",
            "Denied:",
            "error:",
            "Expired:",
            "Throttling:",
            // Codes of a missing thing, which AWS spells `NoSuchX` and `XDoesNotExist`.
            "NoSuch",
            "DoesNotExist:",
            "Invalid",
            "Errors::",
            ".Model.",
        ] {
            add(p, Kind::CodeColon);
        }
        for p in [" => ", " (client): ", " (server): "] {
            add(p, Kind::CodeBefore(1));
        }
        for c in exception_bare_codes() {
            add(c, Kind::CodeColon);
        }
        add("Response Error: ", Kind::GluedCode);
        for (i, k) in keyvalue::key_names().enumerate() {
            add(k, Kind::KeyValue(i as u8));
        }
        add("HTTP/1.", Kind::HttpStatus(0));
        add("HTTP/2", Kind::HttpStatus(0));
        add("HTTP ", Kind::HttpStatus(0));
        add("Error ", Kind::HttpStatus(0));
        for p in REASON_PHRASES {
            add(p, Kind::HttpStatus(3));
        }
        add("HandlerErrorCode:", Kind::CfnHandler);
        add("Invalid request provided:", Kind::CfnProvided);
        add("Error executing \"", Kind::Php);
        add("S3 error: ", Kind::S3cmd);
        add("throttled on ", Kind::Throttled);
        // Long literals whose parsers check the whole text anyway are searched by their head:
        // the overlap of the two walks (see [`Anchors::each`]) is as long as the longest anchor.
        let head = |m: &'static str| {
            let n = (0..=m.len().min(32)).rfind(|&n| m.is_char_boundary(n));
            &m[..n.unwrap_or(0)]
        };
        add(head("Encoded authorization failure message"), Kind::Encoded);
        add("authorization id", Kind::AuthorizationId);
        add("while calling ", Kind::Coral);
        add("FullyQualifiedErrorId", Kind::PowerShell);
        add("::Client ", Kind::RubyClientLog);
        add("/client.rb:", Kind::RubyClientFrame);
        add("ServiceException [", Kind::JsServiceException);
        add("CommandError", Kind::JsDeserializerFrame);
        add("error calling ", Kind::TerraformCalling);
        for v in terraform::VERBS {
            add(v, Kind::TerraformVerb(v.len() as u8));
        }
        add("making request ", Kind::DotnetMakingRequest);
        add("</Code>", Kind::XmlCut);
        add("@aws-sdk/client-", Kind::JsClientPackage);
        for (i, known) in codeless::KNOWN.iter().enumerate() {
            add(head(known.text), Kind::Known(i as u8));
        }
        for (m, mark) in Marks::LITERALS {
            add(m, Kind::Mark(mark));
        }
        for w in misc::RESOURCE_PHRASE_WORDS {
            add(&format!(" {w}"), Kind::Mark(Marks::RESOURCE));
        }
        // A DFA: every event is searched once in full, so search speed beats build time. No
        // prefilter: anchors are dense in the events searched, and [`Anchors::each`] walks
        // every byte.
        let dfa = aho_corasick::dfa::Builder::new()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&pats)
            .expect("anchor patterns build");
        let longest = pats.iter().map(String::len).max().unwrap_or(1);
        Anchors {
            dfa,
            kinds,
            longest,
            #[cfg(test)]
            patterns: pats,
        }
    })
}

/// The bare codes (no `Exception`/`Error` suffix) that often stand alone in text
/// (`AccessDenied: Access Denied`, `SlowDown`), so each is an anchor and a trigger of its own.
/// The other codes of `exception::BARE_CODES` are taken as codes only where a wrapper
/// (`Code:`, `<Code>`, `(Code)`) says so; as triggers they would cost speed for little recall.
fn exception_bare_codes() -> &'static [&'static str] {
    &[
        "AccessDenied",
        "AuthFailure",
        "ExpiredToken",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "UnauthorizedOperation",
        "DependencyViolation",
        "NoSuchBucket",
        "NoSuchKey",
        "NoSuchEntity",
        "MalformedPolicyDocument",
        "EntityAlreadyExists",
        "RequestLimitExceeded",
        "RequestExpired",
        "InvalidAccessKeyId",
        "SlowDown",
        "ProvisionedThroughputExceeded",
        "ConditionalCheckFailed",
        "ValidationError",
        "RequestThrottled",
        "OptInRequired",
        "InternalFailure",
        "ServiceUnavailable",
        "MissingAuthenticationToken",
        "IncompleteSignature",
        "InsufficientInstanceCapacity",
        "InvalidParameterValue",
        "InvalidParameterCombination",
        "UnrecognizedClient",
        "InternalError",
        // Go v1's empty credential chain, printed as `NoCredentialProviders: no valid ...`.
        "NoCredentialProviders",
    ]
}

/// The literals whose presence makes a stretch of text worth parsing. Every error the grammar
/// recognises contains one of these; lines without any are never parsed.
pub fn trigger_literals() -> Vec<&'static str> {
    let mut v = vec![
        "not authorized to",
        "Not authorized to",
        "error occurred (",
        "client error (",
        japanese::CLI_ANCHOR,
        japanese::AUTHZ_ANCHOR,
        "operation error ",
        "status code:",
        "Status Code:",
        "Error Code",
        "<Code>",
        "</Code>",
        "Exception",
        "Error:",
        "Error =>",
        "errorType",
        "errorCode",
        "ErrorCode",
        "__type",
        "x-amzn-ErrorType",
        "x-amzn-errortype",
        "\"Code\"",
        "Code:",
        "code:",
        "\"code\"",
        "\"Error\"",
        "\"error\"",
        "Errors::",
        "Error executing",
        "S3 error",
        "Encoded authorization",
        "Fault:",
        "NotFound:",
        "Exceeded:",
        "Denied:",
        "Resource handler returned",
        "while calling ",
        "FullyQualifiedErrorId",
        "Response Error",
        "(client): ",
        "Expired:",
        "NoSuch",
        "DoesNotExist:",
    ];
    v.extend(exception_bare_codes());
    v.extend(codeless::KNOWN.iter().map(|known| known.text));
    v
}

/// Decode JSON string escapes so that errors inside escaped strings (a Step Functions `cause`,
/// a Lambda `errorMessage` in a log event) parse like plain text. Runs twice for JSON in JSON.
pub fn unescape_view(text: &str) -> Cow<'_, str> {
    if memchr::memchr(b'\\', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    let mut cur = Cow::Borrowed(text);
    for _ in 0..3 {
        if !(cur.contains("\\\"")
            || cur.contains("\\n")
            || cur.contains("\\t")
            || cur.contains("\\u"))
        {
            break;
        }
        cur = Cow::Owned(unescape_once(&cur));
    }
    cur
}

/// A lone CR (a progress line redrawn in place) ends a line for the grammar as LF does, so no
/// value runs on into the next redraw. CR and LF are one byte each: offsets do not move.
fn lone_cr_as_lf(v: Cow<'_, str>) -> Cow<'_, str> {
    let lone = |b: &[u8], i: usize| b.get(i + 1) != Some(&b'\n');
    if !memchr::memchr_iter(b'\r', v.as_bytes()).any(|i| lone(v.as_bytes(), i)) {
        return v;
    }
    let mut b = v.into_owned().into_bytes();
    for i in 0..b.len() {
        if b[i] == b'\r' && lone(&b, i) {
            b[i] = b'\n';
        }
    }
    Cow::Owned(String::from_utf8(b).expect("an ASCII byte swapped for another"))
}

fn unescape_once(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.peek().copied() {
            Some('"') => {
                out.push('"');
                it.next();
            }
            Some('\\') => {
                out.push('\\');
                it.next();
            }
            Some('/') => {
                out.push('/');
                it.next();
            }
            Some('n') => {
                out.push('\n');
                it.next();
            }
            Some('t') => {
                out.push('\t');
                it.next();
            }
            Some('b') => {
                out.push('\u{8}');
                it.next();
            }
            Some('f') => {
                out.push('\u{c}');
                it.next();
            }
            Some('r') => {
                it.next();
            }
            Some('u') => {
                let hex: String = it.clone().skip(1).take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == 4 => {
                        out.push(ch);
                        for _ in 0..5 {
                            it.next();
                        }
                    }
                    _ => out.push('\\'),
                }
            }
            _ => out.push('\\'),
        }
    }
    out
}

fn parse_piece(text: &str, at: usize, len: usize, kind: Kind) -> Option<Piece<'_>> {
    match kind {
        Kind::Authz => authz::parse_at(text, at),
        Kind::Botocore => botocore::parse_at(text, at),
        Kind::GoV2 => go::parse_v2_at(text, at),
        Kind::GoV1Status => go::parse_v1_status_at(text, at),
        Kind::Java => java::parse_at(text, at),
        Kind::Xml => xml::parse_at(text, at),
        Kind::CodeColon | Kind::CodeBefore(_) => {
            exception::parse_at(text, code_at(text, at, kind)?)
        }
        Kind::GluedCode => {
            let r = &text[at + len..];
            let word = r.split_whitespace().next()?;
            let code = exception::glued_code(word)?;
            let mut p = Piece::new(
                at + len,
                at + len + code.len(),
                Strength::Error,
                "other-sdk",
                30,
            );
            p.set(Field::ErrorCode, code);
            p.set(Field::Message, r[code.len()..].lines().next().unwrap_or(""));
            if let Some(svc) = text[..at]
                .rsplit("AWS::")
                .next()
                .and_then(|s| s.split([' ', ':']).next())
            {
                if !svc.is_empty() && svc.len() < 30 {
                    p.set(Field::Service, svc);
                }
            }
            Some(p)
        }
        Kind::KeyValue(i) => keyvalue::parse_at(text, at, i as usize),
        Kind::HttpStatus(b) => {
            let at = at.checked_sub(b as usize)?;
            if !text.is_char_boundary(at) {
                return None;
            }
            misc::http_status_at(text, at)
        }
        Kind::CfnHandler => misc::cfn_handler_code_at(text, at),
        Kind::CfnProvided => misc::provided_op_at(text, at),
        Kind::Php => misc::php_at(text, at),
        Kind::S3cmd => misc::s3cmd_at(text, at),
        Kind::Throttled => misc::throttled_on_at(text, at),
        Kind::Encoded => misc::encoded_at(text, at),
        Kind::AuthorizationId => misc::authorization_id_at(text, at),
        Kind::Coral => misc::coral_at(text, at),
        Kind::PowerShell => misc::powershell_at(text, at),
        Kind::RubyClientLog => ruby::client_log_at(text, at),
        Kind::RubyClientFrame => ruby::client_frame_at(text, at),
        Kind::JsServiceException => js::service_exception_at(text, at),
        Kind::JsDeserializerFrame => js::deserializer_frame_at(text, at),
        Kind::TerraformCalling => terraform::calling_at(text, at),
        Kind::TerraformVerb(n) => terraform::resource_verb_at(text, at, usize::from(n)),
        Kind::DotnetMakingRequest => dotnet::making_request_at(text, at),
        Kind::XmlCut => xml::parse_cut_at(text, at),
        Kind::JsClientPackage => js::client_package_at(text, at),
        Kind::Known(i) => misc::known_message_at(text, at, i as usize, true),
        Kind::Mark(_) => None,
    }
}

/// Where the `Code:` token of a code anchor at `at` is: at the anchor, or `back` bytes before a
/// `CodeBefore(back)` anchor.
fn code_at(text: &str, at: usize, kind: Kind) -> Option<usize> {
    let back = match kind {
        Kind::CodeBefore(b) => usize::from(b),
        _ => 0,
    };
    at.checked_sub(back).filter(|&at| text.is_char_boundary(at))
}

/// A parsed piece and the parser that made it.
struct Found<'a> {
    kind: Kind,
    piece: Piece<'a>,
}

/// Parsers whose second occurrence means a second error.
fn repeats_mean_new_error(f: &Found<'_>) -> bool {
    match f.kind {
        Kind::Authz | Kind::Xml | Kind::Botocore | Kind::GoV2 | Kind::Php | Kind::S3cmd => {
            f.piece.strength == Strength::Error
        }
        Kind::Java => f.piece.strength == Strength::Error,
        Kind::KeyValue(_) => f.piece.strength == Strength::Error,
        Kind::CodeColon | Kind::CodeBefore(_) => {
            f.piece.rank >= 30 || f.piece.get(Field::WrapperCode).is_some()
        }
        _ => false,
    }
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

/// Working lists of [`extract`], kept per thread between calls: an event then allocates only
/// its pieces and records.
#[derive(Default)]
struct Scratch {
    /// (class, start) of the pieces found, sorted: the same piece reached from a second anchor
    /// is kept once. An event holds few pieces; a sorted Vec beats hashing them.
    seen: Vec<(u8, usize)>,
    /// Starts of the lines already checked for a Lambda runtime head, sorted.
    lines_done: Vec<usize>,
    /// Offsets of the event's line breaks.
    newlines: Vec<usize>,
    /// The group being built and the context pieces waiting for an error, as indexes of found
    /// pieces.
    cur: Vec<usize>,
    pending: Vec<usize>,
    /// The buffer of the pieces found, empty between events: pieces are large, and a fresh
    /// list for each event was an allocation too large for the allocator's fast path.
    found: Vec<Found<'static>>,
}

impl Scratch {
    const fn new() -> Self {
        Scratch {
            seen: Vec::new(),
            lines_done: Vec::new(),
            newlines: Vec::new(),
            cur: Vec::new(),
            pending: Vec::new(),
            found: Vec::new(),
        }
    }

    /// Empty the lists for the next event; those a huge event grew are let go, so that a
    /// thread keeps little memory between events.
    fn clear(&mut self) {
        fn reset<T>(v: &mut Vec<T>) {
            if v.capacity() > 1024 {
                *v = Vec::new();
            } else {
                v.clear();
            }
        }
        reset(&mut self.seen);
        reset(&mut self.lines_done);
        reset(&mut self.newlines);
        reset(&mut self.cur);
        reset(&mut self.pending);
        if self.found.capacity() > 64 {
            self.found = Vec::new();
        }
    }
}

/// An emptied list of pieces as a list of pieces of another text, in the same buffer: the
/// in-place `collect` of a `Vec`'s own iterator into a type of the same size and alignment
/// keeps the allocation, and with no element left nothing is moved.
fn reuse<'b>(mut v: Vec<Found<'_>>) -> Vec<Found<'b>> {
    v.clear();
    v.into_iter()
        .map(|_| unreachable!("the list is empty"))
        .collect()
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = const { std::cell::RefCell::new(Scratch::new()) };
}

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
    let view = lone_cr_as_lf(view);
    let repaired = repair::repair(&view);
    let v: &str = repaired.as_ref().map_or(&view, |r| &r.text);
    let a = anchors();
    // Room for the pieces of an error or two at once: pieces are large, and growing the list
    // from four copies them and allocates again.
    let mut found: Vec<Found> = reuse(std::mem::take(&mut s.found));
    found.reserve(8);
    // The span of the last Java key list parsed.
    let mut java_list = 0..0;
    // The last `Code:` token parsed. Code anchors often share a token (`AccessDenied` and
    // `Exception` in `AccessDeniedException`); the token's parse from a second anchor is the
    // first one's again, a piece dropped below as a duplicate or again no piece, so it is not
    // parsed again.
    let mut code_token = 0..0;
    let mut marks = Marks::default();
    // A Terraform box's prefix is gone from the repaired text; its mark is the event's.
    if repaired.is_some() && lex::contains(&view, "│ Error") {
        marks.0 |= Marks::TERRAFORM.0;
    }
    // Whether the event holds an `Error: `, looked up at its first known message.
    let mut any_error_colon = None;
    // The end of the last `Error Code` key parsed and its piece's place in `found` (`None`
    // for no piece): the `Code` key ending there gives the same piece from its own start.
    let mut error_code_key: Option<(usize, Option<usize>)> = None;
    a.each(v, |m_start, m_len, kind| {
        if let Kind::Mark(m) = kind {
            marks.0 |= m.0;
            return;
        }
        // A Java list has several anchors (`Service:`, `Status Code:`). One that follows a `; `
        // or `, ` inside the list parsed last is a key of that list: every `;` and `,` there
        // separates keys. Its parse would give the list's tail, a piece dropped below as
        // contained in the whole list, so it is not parsed at all.
        if kind == Kind::Java
            && java_list.contains(&m_start)
            && matches!(v.as_bytes()[..m_start], [.., b';' | b',', b' '])
        {
            return;
        }
        let parsed = match kind {
            Kind::CodeColon | Kind::CodeBefore(_) => code_at(v, m_start, kind).and_then(|at| {
                if code_token.contains(&at) {
                    return None;
                }
                code_token = exception::token_span(v, at);
                exception::parse_token(v, code_token.clone())
            }),
            Kind::Known(i) => {
                let any = *any_error_colon.get_or_insert_with(|| lex::contains(v, "Error: "));
                misc::known_message_at(v, m_start, usize::from(i), any)
            }
            Kind::Botocore => botocore::parse_after(v, m_start, marks.has(Marks::BOTO3)),
            Kind::KeyValue(i) if usize::from(i) == keyvalue::CODE_KEY => {
                match error_code_key.filter(|&(end, _)| end == m_start + m_len) {
                    Some((_, at)) => {
                        keyvalue::code_key_within(at.map(|at| &found[at].piece), m_start)
                    }
                    None => parse_piece(v, m_start, m_len, kind),
                }
            }
            _ => parse_piece(v, m_start, m_len, kind),
        };
        let error_code = kind == Kind::KeyValue(keyvalue::ERROR_CODE_KEY as u8)
            && keyvalue::error_code_key_reads_as_code_key(v, m_start);
        let found_before = found.len();
        let some = parsed.is_some();
        if let Some(piece) = parsed {
            if kind == Kind::Java {
                java_list = piece.start..piece.end;
            }
            let key = (kind_class(kind), piece.start);
            if let Err(slot) = s.seen.binary_search(&key) {
                s.seen.insert(slot, key);
                found.push(Found { kind, piece });
            }
        }
        if error_code {
            // A piece parsed but not kept (a duplicate) is not at hand: `Code` parses again.
            let pushed = found.len() > found_before;
            error_code_key =
                (pushed || !some).then(|| (m_start + m_len, pushed.then_some(found_before)));
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
        if let Some(piece) = misc::lambda_line_at(v, ls) {
            found.push(Found {
                kind: Kind::Known(255),
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
            let mut rec = assemble(v, marks, &found, group);
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
    match k {
        Kind::CodeColon | Kind::CodeBefore(_) => 1,
        Kind::HttpStatus(_) => 2,
        Kind::Java => 3,
        _ => 0,
    }
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

/// Build the record from its pieces: for each field the most trusted piece wins.
fn assemble(text: &str, marks: Marks, found: &[Found<'_>], group: &[usize]) -> Record {
    let pieces = || group.iter().map(|&i| &found[i]);
    let mut rec = Record::default();
    // For each field, the value of the highest-ranked piece that has one (the first of equal
    // ranks), found in one pass over the pieces' values.
    let mut by_field: [Option<(u8, &str, usize)>; STRING_FIELDS.len()] =
        [None; STRING_FIELDS.len()];
    for (n, p) in pieces().enumerate() {
        for (f, v) in p.piece.values.iter() {
            let slot = &mut by_field[f as usize];
            if !matches!(slot, Some((r, _, _)) if *r >= p.piece.rank) {
                *slot = Some((p.piece.rank, v, n));
            }
        }
    }
    let best = |f: Field| by_field[f as usize].map(|(_, v, _)| v);
    let own = |v: Option<&str>| v.map(str::to_string);
    rec.error_code = own(best(Field::ErrorCode));
    rec.wrapper_code = own(best(Field::WrapperCode));
    if rec.wrapper_code == rec.error_code
        && !pieces().any(|p| matches!(p.kind, Kind::KeyValue(_) | Kind::CfnHandler))
    {
        rec.wrapper_code = None;
    }
    rec.service = own(best(Field::Service));
    rec.operation = own(best(Field::Operation));
    rec.status_code = best(Field::StatusCode).and_then(|s| s.parse().ok());
    rec.request_id = own(best(Field::RequestId));
    rec.message = own(best(Field::Message).map(|m| repair::message_end(text, m)));
    rec.principal = own(best(Field::Principal));
    rec.action = own(best(Field::Action));
    rec.resource = own(best(Field::Resource));
    rec.policy_arn = own(best(Field::PolicyArn));
    rec.encoded_message = own(best(Field::EncodedMessage));
    rec.authorization_id = own(best(Field::AuthorizationId));
    if let Some(a) = pieces().find(|p| {
        p.kind == Kind::Authz && (p.piece.deny.is_some() || p.piece.policy_type.is_some())
    }) {
        rec.deny = a.piece.deny;
        rec.policy_type = a.piece.policy_type;
    }
    if rec.resource.is_none() && marks.has(Marks::RESOURCE) {
        rec.resource = pieces()
            .filter_map(|p| p.piece.get(Field::Message))
            .find_map(misc::message_resource)
            .map(str::to_string);
    }
    // The span covers the error's own pieces and the context that gave a field: a context
    // piece nearby that gave nothing (`Key="k"` in a traceback's source line) would move the
    // record's line away from the error.
    let gave = |n: usize| {
        by_field
            .iter()
            .any(|s| matches!(s, Some((_, _, w)) if *w == n))
    };
    let spanned = || {
        pieces()
            .enumerate()
            .filter(|&(n, p)| p.piece.strength == Strength::Error || gave(n))
            .map(|(_, p)| p)
    };
    let start = spanned().map(|p| p.piece.start).min().unwrap_or(0);
    let end = spanned()
        .map(|p| p.piece.end)
        .max()
        .unwrap_or(start)
        .max(start);
    if rec.resource.is_none() && marks.has(Marks::TF_ADDRESS) {
        rec.resource = terraform_address(text, start);
    }
    if rec.resource.is_none() {
        rec.resource = rec
            .message
            .as_deref()
            .and_then(|m| sole_arn(m, rec.principal.as_deref()))
            .map(str::to_string);
    }
    rec.format = Some(format_of(marks, pieces).to_string());
    rec.span = Span {
        start: start as u64,
        end: end as u64,
    };
    rec
}

/// `* aws_security_group.x: Code: ...` — Terraform names the resource it was working on.
/// The one AWS ARN a message names besides the principal (`Value arn:aws:s3:::* for
/// DataResources.Values is invalid`, `failed to fetch secret arn:... from secrets manager`):
/// the resource the call failed on. With two or more, the message does not say which.
fn sole_arn<'m>(msg: &'m str, principal: Option<&str>) -> Option<&'m str> {
    let mut found = None;
    for (at, _) in msg.match_indices("arn:aws") {
        let tail = &msg[at..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ')' | ']' | '>'))
            .unwrap_or(tail.len());
        let a = tail[..end].trim_end_matches(['.', ':', ';']);
        if Some(a) == principal || arn::parse(a).is_none() {
            continue;
        }
        if found.is_some_and(|f| f != a) {
            return None;
        }
        found = Some(a);
    }
    found
}

fn terraform_address(text: &str, start: usize) -> Option<String> {
    let line = &text[lex::line_start(text, start)..];
    let pos = lex::find(line, "* aws_")?;
    let r = &line[pos + 2..];
    let end = lex::find(r, ": ")?;
    let addr = &r[..end];
    (addr.contains('.') && !addr.contains(' ')).then(|| addr.to_string())
}

fn format_of<'p, 'a: 'p, I>(marks: Marks, pieces: impl Fn() -> I) -> &'static str
where
    I: Iterator<Item = &'p Found<'a>>,
{
    if pieces().any(|p| p.kind == Kind::CfnHandler) || marks.has(Marks::CFN) {
        return "cloudformation";
    }
    if marks.has(Marks::TERRAFORM) || marks.has(Marks::TF_ADDRESS) {
        return "terraform";
    }
    if pieces().any(|p| p.piece.format == "sfn") {
        return "sfn";
    }
    // `plain` pieces (an authorization sentence, a bare code) say nothing about the wrapper:
    // a Lambda errorType around an authorization sentence is a Lambda error.
    pieces()
        .filter(|p| p.piece.strength == Strength::Error && p.piece.format != "plain")
        .max_by_key(|p| p.piece.rank)
        .map(|p| p.piece.format)
        .unwrap_or("plain")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_walk(text: &str) -> Vec<(usize, usize, Kind)> {
        let a = anchors();
        let mut one = Vec::new();
        let start = a.dfa.start_state(Anchored::No).unwrap();
        walk_one::<false>(&a.dfa, start, text.as_bytes(), |end, sid| {
            for k in 0..a.dfa.match_len(sid) {
                let pid = a.dfa.match_pattern(sid, k);
                let len = a.dfa.pattern_len(pid);
                one.push((end - len, len, a.kinds[pid.as_usize()]));
            }
        });
        one
    }

    fn two_walks(text: &str) -> Vec<(usize, usize, Kind)> {
        let mut two = Vec::new();
        anchors().each(text, |s, l, k| two.push((s, l, k)));
        two
    }

    /// Every anchor, ending just before, at and just past the middle of a long text.
    #[test]
    fn anchors_across_the_middle_are_reported_once() {
        let a = anchors();
        for len in [3 * a.longest, 3 * a.longest + 1, 5 * a.longest] {
            let (mid, _) = split_for_two_walks(len, a.longest).expect("a long text is split");
            for p in &a.patterns {
                for end in mid.saturating_sub(2)..mid + 3 {
                    let Some(start) = end.checked_sub(p.len()) else {
                        continue;
                    };
                    let text = format!("{}{p}{}", ".".repeat(start), ".".repeat(len - end));
                    assert_eq!(two_walks(&text), one_walk(&text), "{p:?} ending at {end}");
                    assert!(!one_walk(&text).is_empty());
                }
            }
        }
    }

    proptest::proptest! {
        /// Walking a long text as two halves at once reports what one walk reports, in the
        /// same order: anchors across the middle, overlapping ones and ones ending together.
        #[test]
        fn two_walks_report_what_one_walk_reports(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(anchors().patterns.clone()),
                    "[a-zA-Z :\n\"<>(_.=]{0,30}",
                ],
                0..40,
            )
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(two_walks(&text), one_walk(&text));
        }
    }

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
    fn unescape() {
        assert_eq!(unescape_view(r#"a\"b\\c\nd\u0041"#), "a\"b\\c\ndA");
        assert_eq!(unescape_view("C:\\x"), "C:\\x");
    }

    #[test]
    fn the_pieces_buffer_is_kept_between_events() {
        let mut v: Vec<Found<'_>> = Vec::with_capacity(8);
        let text = String::from("x");
        let piece = Piece::new(0, 1, Strength::Error, "plain", 1).with(Field::Message, Some(&text));
        v.push(Found {
            kind: Kind::Xml,
            piece,
        });
        let ptr = v.as_ptr() as usize;
        let w: Vec<Found<'static>> = reuse(v);
        assert_eq!((w.as_ptr() as usize, w.capacity(), w.len()), (ptr, 8, 0));
    }

    #[test]
    fn fields_index_their_slots() {
        for (i, f) in STRING_FIELDS.iter().enumerate() {
            assert_eq!(*f as usize, i, "{f:?}");
        }
    }

    #[test]
    fn anchored_bare_codes_are_codes() {
        for c in exception_bare_codes() {
            assert!(
                exception::is_aws_code(c),
                "{c} is an anchor but not a known code"
            );
        }
    }
}
