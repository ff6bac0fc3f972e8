//! Shared by the fuzz targets: reading structured values out of fuzz bytes, running the
//! scanner in chunks, and the invariants every record must keep whatever the input.

use awsplain::record::Record;
use awsplain::redact::Redactor;
use awsplain::remedy::remedies_for;
use awsplain::sanitize::for_terminal;
use awsplain::scan::StreamScanner;
use awsplain::summary::Summary;
use awsplain::Lang;

/// A cursor over the fuzz bytes: single bytes for choices, `\0`-separated fields for text.
/// A sample file used as a seed has no `\0`, so its text becomes the first field whole.
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Input { data }
    }

    /// One byte of choice, 0 when the input is used up.
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    /// The bytes up to the next `\0` (or the end), which is consumed.
    pub fn field(&mut self) -> &'a [u8] {
        match self.data.iter().position(|&b| b == 0) {
            Some(p) => {
                let f = &self.data[..p];
                self.data = &self.data[p + 1..];
                f
            }
            None => std::mem::take(&mut self.data),
        }
    }

    /// The next field as text (invalid UTF-8 replaced).
    pub fn text(&mut self) -> String {
        String::from_utf8_lossy(self.field()).into_owned()
    }

    /// The next field mapped onto `alphabet`, at most `max` characters; `fallback` if empty.
    pub fn word(&mut self, alphabet: &[u8], max: usize, fallback: &str) -> String {
        let f = self.field();
        if f.is_empty() {
            return fallback.to_string();
        }
        f.iter()
            .take(max)
            .map(|b| alphabet[*b as usize % alphabet.len()] as char)
            .collect()
    }

    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.data)
    }
}

pub const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
pub const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const LOWER_DIGIT: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
pub const DIGITS: &[u8] = b"0123456789";
pub const HEX: &[u8] = b"0123456789abcdef";

/// An error code as AWS spells them: `A<alnum>Exception`.
pub fn error_code(inp: &mut Input) -> String {
    format!("A{}Exception", inp.word(ALNUM, 24, "ccessDenied"))
}

/// A request id shaped like a UUID.
pub fn request_id(inp: &mut Input) -> String {
    let h = inp.word(HEX, 32, "0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a");
    let h: String = h.chars().chain(std::iter::repeat('0')).take(32).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// What every structured target reads first: choice bits, the message (a seed sample's
/// whole text), an error code and a request id.
pub struct Parts {
    pub flags: u8,
    pub msg: String,
    pub code: String,
    pub rid: String,
}

pub fn parts(inp: &mut Input) -> Parts {
    let flags = inp.byte();
    let msg = inp.text();
    let code = error_code(inp);
    let rid = request_id(inp);
    Parts {
        flags,
        msg,
        code,
        rid,
    }
}

/// A message that says nothing an AWS error grammar reacts to: lower-case words only, no
/// trigger literal. For such a message the record must carry exactly the fields the
/// structure around it gave.
pub fn plain_message(msg: &str) -> bool {
    let m = msg.trim();
    !m.is_empty()
        && msg == m
        && m.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b" ,-".contains(&b))
        && !awsplain::grammar::trigger_literals()
            .iter()
            .any(|t| m.contains(t))
        && !m.contains("not authorized")
        && !m.contains("status")
        && !m.contains("error")
        && awsplain::grammar::extract(m).is_empty()
}

/// Scan `data` fed in pieces of the given sizes (cycled), the way a pipe delivers it.
pub fn scan_chunks(data: &[u8], sizes: &[usize]) -> Vec<Record> {
    let mut v = Vec::new();
    let mut s = StreamScanner::new("-");
    let mut at = 0;
    let mut k = 0;
    while at < data.len() {
        let n = sizes
            .get(k % sizes.len().max(1))
            .copied()
            .unwrap_or(data.len())
            .max(1);
        let end = (at + n).min(data.len());
        s.feed(&data[at..end], &mut |r| v.push(r));
        at = end;
        k += 1;
    }
    s.finish(&mut |r| v.push(r));
    v
}

/// Scan `data` whole and in pieces derived from `seed`; the records must agree, and every
/// record must keep the invariants of [`check_records`].
pub fn scan_and_check(data: &[u8], seed: u64) -> Vec<Record> {
    let whole = scan_chunks(data, &[data.len().max(1)]);
    let mut sizes = Vec::new();
    let mut x = seed | 1;
    for _ in 0..8 {
        // xorshift: cheap, deterministic piece sizes from 1 to 64.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sizes.push((x % 64) as usize + 1);
    }
    let pieces = scan_chunks(data, &sizes);
    // The scanner keeps 64 KiB of look-behind once it compacts its buffer, so only
    // shorter inputs must give the very same records however they are cut.
    if data.len() < 200 * 1024 {
        assert_eq!(whole, pieces, "records depend on how the input was cut");
    }
    check_records(data, &whole);
    whole
}

/// Characters that must never reach a terminal from the input.
pub fn unsafe_for_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn assert_terminal_safe(s: &str) {
    let shown = for_terminal(s);
    if let Some(c) = shown.chars().find(|c| unsafe_for_terminal(*c)) {
        panic!("for_terminal let {c:?} through in {shown:?}");
    }
}

/// Every string a printer may show from a record and its remedies.
fn strings(rec: &Record) -> Vec<String> {
    let mut v: Vec<String> = [
        &rec.error_code,
        &rec.wrapper_code,
        &rec.service,
        &rec.operation,
        &rec.request_id,
        &rec.message,
        &rec.format,
        &rec.principal,
        &rec.action,
        &rec.resource,
        &rec.policy_arn,
        &rec.encoded_message,
        &rec.authorization_id,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    v.push(rec.source.name.clone());
    for r in &rec.remedies {
        v.push(r.title.clone());
        v.push(r.explanation.clone());
        v.extend(r.steps.iter().cloned());
        v.extend(r.apply.iter().cloned());
        v.extend(r.snippets.values().cloned());
        if let Some(p) = &r.policy {
            v.extend(
                serde_json::to_string_pretty(p)
                    .expect("policy serialises")
                    .lines()
                    .map(str::to_string),
            );
        }
    }
    v
}

/// What must hold for the records of a scan of `input`: spans inside the input (and on
/// character boundaries when the input is UTF-8), a line number, a JSON form with every
/// contract key, remedies in both languages, redaction, and terminal-safe text.
pub fn check_records(input: &[u8], recs: &[Record]) {
    let utf8 = std::str::from_utf8(input).is_ok();
    let lines = input.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let mut summary = Summary::new();
    for rec in recs {
        let (s, e) = (rec.span.start as usize, rec.span.end as usize);
        assert!(
            s <= e && e <= input.len(),
            "span {s}..{e} of {}",
            input.len()
        );
        if utf8 {
            assert!(
                std::str::from_utf8(&input[s..e]).is_ok(),
                "span {s}..{e} cuts a character"
            );
        }
        let line = rec.source.line.expect("a scanned record has a line");
        assert!((1..=lines).contains(&line), "line {line} of {lines}");
        for lang in [Lang::En, Lang::Ja] {
            let mut r = rec.clone();
            r.remedies = remedies_for(&r, lang);
            let v = serde_json::to_value(&r).expect("record serialises");
            for key in awsplain::record::JSON_KEYS {
                assert!(v.get(key).is_some(), "key {key} missing");
            }
            let line = serde_json::to_string(&r).expect("record serialises");
            assert!(!line.contains('\n'), "JSON record is one line");
            // The printer's fast path: remedies from the per-thread cache of shapes, which
            // earlier inputs filled, written by filling a template's holes.
            let mut fast = Vec::new();
            awsplain::json::write_record_with(rec, &mut fast, |out| {
                awsplain::remedy_cache::write_json(rec, lang, out)
            });
            assert_eq!(String::from_utf8_lossy(&fast), line, "fast JSON path");
            for s in strings(&r) {
                assert_terminal_safe(&s);
            }
            let mut masked = r.clone();
            Redactor::new().redact_record(&mut masked);
            serde_json::to_string(&masked).expect("masked record serialises");
            summary.add(&r);
        }
    }
    let table = summary.render_text();
    if let Some(c) = table.chars().find(|c| unsafe_for_terminal(*c)) {
        panic!("summary shows {c:?}: {table:?}");
    }
    serde_json::to_string(&summary.to_json()).expect("summary serialises");
}

/// Scan `text` (a structured input built by a target) and check the records.
pub fn scan_text(text: &str, seed: u64) -> Vec<Record> {
    scan_and_check(text.as_bytes(), seed)
}
