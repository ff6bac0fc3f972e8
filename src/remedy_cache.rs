//! The remedies of records seen before, kept as the JSON the output lines hold: the one cache
//! of remedies, for both printers (the human one reads the remedies back from it). It sits
//! above [`crate::remedy`], which builds remedies, and [`crate::json`], which writes them.
//!
//! Logs repeat their errors, and building remedies (policies, commands, snippets) costs
//! several times finding the error. Records are kept by shape: their remedy inputs with each
//! account id and role session name replaced by a numbered hole. A role that fails once fails
//! again in every new session (`assumed-role/ci/1700000000`, `assumed-role/fn/i-0abc`), and an
//! organisation's accounts fail alike, so records of one shape differ only in these values;
//! the remedies only ever copy them: no selector or generator reads an account's digits or a
//! session's letters.
//!
//! A shape seen once keeps that record's rendering, written again for a record with the same
//! values. When a record of the shape comes with other values, the shape is rendered twice
//! with two different sets of stand-in values and kept as a template (the JSON cut at its
//! holes) only when both renderings split at their stand-ins into the same pieces and the
//! template filled with the first record's values gives that record's rendering: a value that
//! changed the text around it, or was written changed, shows there. A log of records that
//! never repeat a shape pays one rendering each, as without a cache.
//!
//! What could still tell values apart is ruled out per record: session names are taken as
//! holes only when they hold plain characters (no escaping anywhere) and no masking marks,
//! and a record is written from a template only when no phrase the remedies look for in the
//! message can reach into its session names (a session named `concurrent` or `jsonpath`
//! selects other remedies).

use crate::record::{Deny, PolicyType, Record, Remedy};
use crate::remedy::{remedies_for, Lang};
use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

/// Append the JSON array of `rec`'s remedies ([`crate::json::write_remedies`] of
/// [`remedies_for`]), from the cache when a record of its shape was seen before.
pub fn write_json(rec: &Record, lang: Lang, out: &mut Vec<u8>) {
    through_cache(rec, lang, out);
}

/// [`remedies_for`], through the cache.
pub fn remedies(rec: &Record, lang: Lang) -> Vec<Remedy> {
    let mut json = Vec::new();
    match through_cache(rec, lang, &mut json) {
        Some(built) => built,
        // Written by serde's rules from the same structs, so read back as they were.
        None => serde_json::from_slice(&json).expect("the cache holds remedies as JSON"),
    }
}

/// The remedies of `rec`, built and written as JSON.
fn render(rec: &Record, lang: Lang, out: &mut Vec<u8>) -> Vec<Remedy> {
    let remedies = remedies_for(rec, lang);
    crate::json::write_remedies(&remedies, out);
    remedies
}

/// The text fields remedies are built from, in [`RemedyInputs`].
const TEXTS: usize = 12;

/// Every field of a record that remedies are built from.
type RemedyInputs<'r> = (
    [Option<&'r str>; TEXTS],
    Option<u16>,
    Option<Deny>,
    Option<PolicyType>,
);

/// The fields of [`RemedyInputs`] past its texts.
type RestInputs = (Option<u16>, Option<Deny>, Option<PolicyType>);

fn remedy_inputs(r: &Record) -> RemedyInputs<'_> {
    (
        [
            r.error_code.as_deref(),
            r.wrapper_code.as_deref(),
            r.service.as_deref(),
            r.operation.as_deref(),
            r.message.as_deref(),
            r.principal.as_deref(),
            r.action.as_deref(),
            r.resource.as_deref(),
            r.policy_arn.as_deref(),
            r.encoded_message.as_deref(),
            r.authorization_id.as_deref(),
            r.oidc_issuer.as_deref(),
        ],
        r.status_code,
        r.deny,
        r.policy_type,
    )
}

/// A record with only the fields [`remedy_inputs`] reads, as `texts` (in its order) and the rest.
fn record_of(
    texts: [Option<String>; TEXTS],
    (status_code, deny, policy_type): RestInputs,
) -> Record {
    let [error_code, wrapper_code, service, operation, message, principal, action, resource, policy_arn, encoded_message, authorization_id, oidc_issuer] =
        texts;
    Record {
        error_code,
        wrapper_code,
        service,
        operation,
        message,
        principal,
        action,
        resource,
        policy_arn,
        encoded_message,
        authorization_id,
        oidc_issuer,
        status_code,
        deny,
        policy_type,
        ..Record::default()
    }
}

/// Remedy inputs longer than this (all texts together) are not cached: an entry holds its
/// inputs and remedies, where every ARN shows up several times over; a record with a 200 KB
/// resource (garbage after an ARN) would make megabytes of each. Real errors are far shorter.
const MAX_CACHED_INPUTS: usize = 4 * 1024;

/// Renderings larger than this are written but not kept.
const MAX_CACHED_JSON: usize = 16 * 1024;

fn too_large_to_cache((texts, ..): &RemedyInputs) -> bool {
    texts.iter().flatten().map(|t| t.len()).sum::<usize>() > MAX_CACHED_INPUTS
}

/// What a hole stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// The account field of an ARN: twelve digits between colons.
    Account,
    /// The session of an assumed role: `assumed-role/<role>/<session>`.
    Session,
}

/// A hole in a text: its start, its end, what it stands for.
type Hole = (usize, usize, Class);

/// Bytes that never occur in UTF-8 text, to mark the structure of an encoded shape.
const NONE: u8 = 0xfc;
const FIELD: u8 = 0xfd;
const END: u8 = 0xfe;
const HOLE: u8 = 0xff;
/// Holes a shape may have: their numbers are one byte in the encoding.
const MAX_HOLES: usize = 32;

/// A record's inputs as a shape: the encoding that keys the cache and the values of its holes.
#[derive(Default)]
struct Shape<'r> {
    /// Each text field as `NONE`, or `FIELD`, its text with `HOLE n` for each hole, `END`.
    enc: Vec<u8>,
    /// Distinct hole values in order of first appearance; equal values share a hole, so a
    /// rendering that compares two (an account with another) sees what the record has.
    values: Vec<(Class, &'r str)>,
    /// The holes of the text being encoded.
    holes: Vec<Hole>,
    /// Where the message holds session names.
    message_sessions: Vec<(usize, usize)>,
}

/// The message's place among the texts of [`RemedyInputs`]: the only text phrases are
/// looked for in.
const MESSAGE: usize = 4;

impl<'r> Shape<'r> {
    /// False when the record has more distinct values than holes can number.
    fn of(&mut self, (fields, ..): &RemedyInputs<'r>) -> bool {
        self.enc.clear();
        self.values.clear();
        self.message_sessions.clear();
        for (f, field) in fields.iter().enumerate() {
            let Some(text) = field else {
                self.enc.push(NONE);
                continue;
            };
            self.enc.push(FIELD);
            let mut copied = 0;
            holes_into(text, &mut self.holes);
            for &(start, end, class) in &self.holes {
                if f == MESSAGE && class == Class::Session {
                    self.message_sessions.push((start, end));
                }
                let value = &text[start..end];
                let n = match self.values.iter().position(|&v| v == (class, value)) {
                    Some(n) => n,
                    None if self.values.len() < MAX_HOLES => {
                        self.values.push((class, value));
                        self.values.len() - 1
                    }
                    None => return false,
                };
                self.enc.extend_from_slice(&text.as_bytes()[copied..start]);
                self.enc.extend_from_slice(&[HOLE, n as u8]);
                copied = end;
            }
            self.enc.extend_from_slice(&text.as_bytes()[copied..]);
            self.enc.push(END);
        }
        true
    }

    /// The text fields with every hole filled by `fill(class, n)`, and where the message holds
    /// session names.
    fn texts(
        &self,
        fill: impl Fn(Class, usize) -> String,
    ) -> ([Option<String>; TEXTS], Vec<(usize, usize)>) {
        let mut texts: [Option<String>; TEXTS] = Default::default();
        let mut sessions = Vec::new();
        let mut i = 0;
        let mut field = 0;
        let enc = &self.enc;
        while i < enc.len() {
            match enc[i] {
                NONE => {
                    field += 1;
                    i += 1;
                }
                FIELD => {
                    let mut text = Vec::new();
                    i += 1;
                    while enc[i] != END {
                        if enc[i] == HOLE {
                            let n = usize::from(enc[i + 1]);
                            let start = text.len();
                            text.extend_from_slice(fill(self.values[n].0, n).as_bytes());
                            if field == MESSAGE && self.values[n].0 == Class::Session {
                                sessions.push((start, text.len()));
                            }
                            i += 2;
                        } else {
                            text.push(enc[i]);
                            i += 1;
                        }
                    }
                    texts[field] =
                        Some(String::from_utf8(text).expect("holes cut text at characters"));
                    field += 1;
                    i += 1;
                }
                _ => unreachable!("an encoded shape is a list of fields"),
            }
        }
        (texts, sessions)
    }
}

/// The holes of one text, in order, into `all` (cleared first): account fields of ARNs and
/// assumed-role session names.
fn holes_into(text: &str, all: &mut Vec<Hole>) {
    static ASSUMED: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let assumed = ASSUMED.get_or_init(|| memchr::memmem::Finder::new(b"assumed-role/"));
    all.clear();
    let b = text.as_bytes();
    let accounts = memchr::memchr_iter(b':', b).filter_map(move |p| {
        let digits = b.get(p + 1..p + 13)?;
        (digits.iter().all(u8::is_ascii_digit) && b.get(p + 13) == Some(&b':')).then_some((
            p + 1,
            p + 13,
            Class::Account,
        ))
    });
    let sessions = assumed.find_iter(b).filter_map(move |p| {
        let role_start = p + "assumed-role/".len();
        let role_len = b[role_start..]
            .iter()
            .take_while(|c| name_byte(**c))
            .count();
        let start = role_start + role_len + 1;
        if role_len == 0 || b.get(start - 1) != Some(&b'/') {
            return None;
        }
        let len = b[start..].iter().take_while(|c| name_byte(**c)).count();
        let session = &text[start..start + len];
        (len > 0 && !crate::remedy::policy::looks_masked(session)).then_some((
            start,
            start + len,
            Class::Session,
        ))
    });
    all.extend(accounts);
    let accounts = all.len();
    all.extend(sessions);
    // Accounts come before the sessions of their ARNs, but a text may hold several ARNs.
    if accounts > 0 && accounts < all.len() {
        all.sort_unstable_by_key(|h| h.0);
    }
}

/// Characters of IAM names and session names: none needs escaping in JSON, shell quotes,
/// YAML or HCL strings.
fn name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"+=,.@_-".contains(&c)
}

/// Two sets of stand-in values. Accounts stay twelve digits; sessions use every character a
/// session name may, so that a rendering that changed any of them shows.
fn stand_in(set: usize, class: Class, n: usize) -> String {
    match (class, set) {
        (Class::Account, 0) => format!("{:012}", 730_419_582_600 + n),
        (Class::Account, _) => format!("{:012}", 261_947_305_800 + n),
        (Class::Session, 0) => format!("Sq{n}+=,.@Zk_-"),
        (Class::Session, _) => format!("Wj{n}-_@.,=Yh+"),
    }
}

/// A shape's remedies: the JSON cut at its holes.
#[derive(PartialEq)]
struct Template {
    /// The JSON without the hole values.
    text: Vec<u8>,
    /// Where in `text` each hole goes, and which value fills it.
    holes: Vec<(usize, usize)>,
}

impl Template {
    fn write<V: AsRef<str>>(&self, values: &[(Class, V)], out: &mut Vec<u8>) {
        let mut copied = 0;
        for &(at, n) in &self.holes {
            out.extend_from_slice(&self.text[copied..at]);
            out.extend_from_slice(values[n].1.as_ref().as_bytes());
            copied = at;
        }
        out.extend_from_slice(&self.text[copied..]);
    }
}

/// `json` cut where the stand-ins of `set` stand, or `None` when they overlap.
fn cut(json: &[u8], shape: &Shape, set: usize) -> Option<Template> {
    let mut found = Vec::new();
    for (n, &(class, _)) in shape.values.iter().enumerate() {
        let s = stand_in(set, class, n);
        found.extend(memchr::memmem::find_iter(json, s.as_bytes()).map(|at| (at, s.len(), n)));
    }
    found.sort_unstable();
    let mut text = Vec::with_capacity(json.len());
    let mut holes = Vec::with_capacity(found.len());
    let mut copied = 0;
    for (at, len, n) in found {
        if at < copied {
            return None;
        }
        text.extend_from_slice(&json[copied..at]);
        holes.push((text.len(), n));
        copied = at + len;
    }
    text.extend_from_slice(&json[copied..]);
    Some(Template { text, holes })
}

/// Whether no phrase the remedies look for in `message` reaches into its session names at
/// `sessions`: then they can stand in for each other (digits between colons complete no
/// phrase either), and the message says the same whichever it holds.
fn inert(message: Option<&str>, sessions: &[(usize, usize)]) -> bool {
    let message = message.unwrap_or_default();
    sessions
        .iter()
        .all(|&(start, end)| !crate::remedy::phrase_reaches(message, start, end))
}

/// A template for `shape`, or `None` when its renderings tell the stand-ins apart.
fn template_for(shape: &Shape, inputs: &RemedyInputs, lang: Lang) -> Option<Template> {
    let (_, status, deny, policy_type) = *inputs;
    let mut made = Vec::with_capacity(2);
    for set in 0..2 {
        let (texts, sessions) = shape.texts(|class, n| stand_in(set, class, n));
        if !inert(texts[MESSAGE].as_deref(), &sessions) {
            return None;
        }
        let rec = record_of(texts, (status, deny, policy_type));
        let mut json = Vec::new();
        render(&rec, lang, &mut json);
        made.push(cut(&json, shape, set)?);
    }
    let (b, a) = (made.pop()?, made.pop()?);
    (a == b).then_some(a)
}

/// What the cache holds for a shape.
struct Entry {
    lang: Lang,
    enc: Vec<u8>,
    rest: RestInputs,
    kept: Kept,
    used: bool,
}

enum Kept {
    /// The rendering of the last record of the shape, with the values of its holes.
    Last {
        values: Vec<(Class, String)>,
        json: Vec<u8>,
        /// A template was tried and could not be made: the renderings depend on the values.
        tried: bool,
        /// No phrase the remedies look for reaches into the record's session names.
        inert: bool,
    },
    Template(Template),
}

#[cfg(test)]
thread_local! {
    /// The renderings of records with holes filled from templates, on this thread.
    static FILLED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Entry {
    /// Write `rec`'s remedies from what the entry keeps, rendering them when it cannot; the
    /// remedies when they were built.
    fn write(
        &mut self,
        shape: &Shape,
        inputs: &RemedyInputs,
        rec: &Record,
        out: &mut Vec<u8>,
    ) -> Option<Vec<Remedy>> {
        let inert_here = || inert(rec.message.as_deref(), &shape.message_sessions);
        match &mut self.kept {
            Kept::Template(t) if inert_here() => {
                t.write(&shape.values, out);
                #[cfg(test)]
                FILLED.with(|n| n.set(n.get() + 1));
                return None;
            }
            Kept::Template(_) => return Some(render(rec, self.lang, out)),
            Kept::Last { values, json, .. } if shape.has_values(values) => {
                out.extend_from_slice(json);
                return None;
            }
            // A template is tried once, and proven against a rendering that no phrase could
            // have changed: the last record's, or else this record's.
            Kept::Last {
                values,
                json,
                tried,
                inert: last_inert,
            } if !*tried && (*last_inert || inert_here()) => {
                *tried = true;
                if let Some(t) = template_for(shape, inputs, self.lang) {
                    let proven_by = |rendering: &[u8], values: &[(Class, &str)]| {
                        let mut check = Vec::with_capacity(rendering.len());
                        t.write(values, &mut check);
                        check == rendering && t.text.len() <= MAX_CACHED_JSON
                    };
                    if *last_inert {
                        let last: Vec<(Class, &str)> =
                            values.iter().map(|(c, v)| (*c, v.as_str())).collect();
                        if proven_by(json, &last) {
                            self.kept = Kept::Template(t);
                            return self.write(shape, inputs, rec, out);
                        }
                    } else {
                        let from = out.len();
                        let built = render(rec, self.lang, out);
                        if proven_by(&out[from..], &shape.values) {
                            self.kept = Kept::Template(t);
                        }
                        return Some(built);
                    }
                }
            }
            Kept::Last { .. } => {}
        }
        let from = out.len();
        let built = render(rec, self.lang, out);
        if let Kept::Last {
            values,
            json,
            inert: last_inert,
            ..
        } = &mut self.kept
        {
            if out.len() - from <= MAX_CACHED_JSON {
                *last_inert = inert_here();
                *values = shape.values_owned();
                json.clear();
                json.extend_from_slice(&out[from..]);
            }
        }
        Some(built)
    }
}

impl Shape<'_> {
    /// Whether the shape's hole values are `values`.
    fn has_values(&self, values: &[(Class, String)]) -> bool {
        values.len() == self.values.len()
            && values
                .iter()
                .zip(&self.values)
                .all(|((c, v), (class, value))| c == class && v == value)
    }

    fn values_owned(&self) -> Vec<(Class, String)> {
        self.values
            .iter()
            .map(|&(c, v)| (c, v.to_string()))
            .collect()
    }
}

/// Append the JSON array of `rec`'s remedies, from its shape's entry when it has one; the
/// remedies when they were built for it.
fn through_cache(rec: &Record, lang: Lang, out: &mut Vec<u8>) -> Option<Vec<Remedy>> {
    type Map = std::collections::HashMap<u64, Entry, rustc_hash::FxBuildHasher>;
    thread_local! {
        static CACHE: RefCell<Map> = RefCell::new(Map::default());
        /// The encoding buffers, reused: most records are answered without allocating.
        static BUFFERS: RefCell<(Vec<u8>, Vec<Hole>)> =
            const { RefCell::new((Vec::new(), Vec::new())) };
    }
    // A few KiB an entry, on each scanning thread: memory stays small.
    const MAX_ENTRIES: usize = 128;
    let inputs = remedy_inputs(rec);
    if disabled() || too_large_to_cache(&inputs) {
        return Some(render(rec, lang, out));
    }
    let rest = (inputs.1, inputs.2, inputs.3);
    let (enc, holes) = BUFFERS.with(|b| std::mem::take(&mut *b.borrow_mut()));
    let mut shape = Shape {
        enc,
        holes,
        ..Shape::default()
    };
    let built = if !shape.of(&inputs) {
        Some(render(rec, lang, out))
    } else {
        CACHE.with(|cache| {
            let mut h = rustc_hash::FxHasher::default();
            lang.hash(&mut h);
            rest.hash(&mut h);
            shape.enc.hash(&mut h);
            let key = h.finish();
            let mut cache = cache.borrow_mut();
            if let Some(e) = cache.get_mut(&key) {
                if e.lang == lang && e.rest == rest && e.enc == shape.enc {
                    e.used = true;
                    return e.write(&shape, &inputs, rec, out);
                }
            }
            if cache.len() >= MAX_ENTRIES && !cache.contains_key(&key) {
                // Shapes that recur keep their entries; those seen once (a unique role or
                // resource in the message) make room. When most recur, all go.
                cache.retain(|_, e| std::mem::take(&mut e.used));
                if cache.len() >= MAX_ENTRIES / 2 {
                    cache.clear();
                }
            }
            let from = out.len();
            let built = render(rec, lang, out);
            if out.len() - from <= MAX_CACHED_JSON {
                let kept = Kept::Last {
                    values: shape.values_owned(),
                    json: out[from..].to_vec(),
                    tried: false,
                    inert: inert(rec.message.as_deref(), &shape.message_sessions),
                };
                // A hash shared with other inputs (rare): the new record takes their place.
                cache.insert(
                    key,
                    Entry {
                        lang,
                        enc: shape.enc.clone(),
                        rest,
                        kept,
                        used: false,
                    },
                );
            }
            Some(built)
        })
    };
    BUFFERS.with(|b| *b.borrow_mut() = (shape.enc, shape.holes));
    built
}

/// `AWSPLAIN_REMEDY_CACHE=0` builds every record's remedies anew: for measuring what the cache
/// saves.
fn disabled() -> bool {
    static OFF: OnceLock<bool> = OnceLock::new();
    *OFF.get_or_init(|| std::env::var_os("AWSPLAIN_REMEDY_CACHE").is_some_and(|v| v == "0"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Deny, PolicyType};
    use proptest::prelude::*;

    fn rendered(rec: &Record, lang: Lang) -> String {
        let mut v = Vec::new();
        render(rec, lang, &mut v);
        String::from_utf8(v).unwrap()
    }

    fn written(rec: &Record, lang: Lang) -> String {
        let mut v = Vec::new();
        write_json(rec, lang, &mut v);
        String::from_utf8(v).unwrap()
    }

    /// The records of the samples that have holes.
    fn sample_records() -> &'static [Record] {
        static R: OnceLock<Vec<Record>> = OnceLock::new();
        R.get_or_init(|| {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
            let mut records = Vec::new();
            for dir in ["formats", "remedies"] {
                for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                    let path = entry.unwrap().path();
                    if path.extension().is_some_and(|e| e == "txt") {
                        let text = std::fs::read(&path).unwrap();
                        records.extend(crate::scan_str(&String::from_utf8_lossy(&text)));
                    }
                }
            }
            records.retain(|r| {
                let mut s = Shape::default();
                s.of(&remedy_inputs(r)) && !s.values.is_empty()
            });
            records
        })
    }

    /// `rec` with the values of its holes replaced: accounts by `accounts[n]`, sessions by
    /// `sessions[n]`.
    fn varied(rec: &Record, accounts: &[String], sessions: &[String]) -> Record {
        let inputs = remedy_inputs(rec);
        let mut s = Shape::default();
        assert!(s.of(&inputs));
        let (texts, _) = s.texts(|class, n| match class {
            Class::Account => accounts[n % accounts.len()].clone(),
            Class::Session => sessions[n % sessions.len()].clone(),
        });
        record_of(texts, (inputs.1, inputs.2, inputs.3))
    }

    #[test]
    fn cached_remedies_follow_every_input_field() {
        let base = crate::remedy::tests::sfn_pass_role();
        let mut variants = vec![base.clone()];
        let other = |s: &Option<String>| Some(format!("{}-other", s.as_deref().unwrap_or("x")));
        type Field = fn(&mut Record) -> &mut Option<String>;
        let fields: [Field; TEXTS] = [
            |r| &mut r.error_code,
            |r| &mut r.wrapper_code,
            |r| &mut r.service,
            |r| &mut r.operation,
            |r| &mut r.message,
            |r| &mut r.principal,
            |r| &mut r.action,
            |r| &mut r.resource,
            |r| &mut r.policy_arn,
            |r| &mut r.encoded_message,
            |r| &mut r.authorization_id,
            |r| &mut r.oidc_issuer,
        ];
        for f in fields {
            let mut v = base.clone();
            let changed = other(f(&mut v));
            *f(&mut v) = changed;
            variants.push(v);
        }
        variants.push(Record {
            status_code: Some(403),
            ..base.clone()
        });
        variants.push(Record {
            deny: Some(Deny::Explicit),
            ..base.clone()
        });
        variants.push(Record {
            policy_type: Some(PolicyType::ServiceControl),
            ..base.clone()
        });
        // Twice over, so that the second round is answered from the cache.
        for _ in 0..2 {
            for v in &variants {
                for lang in [Lang::En, Lang::Ja] {
                    assert_eq!(remedies(v, lang), remedies_for(v, lang), "{v:?}");
                }
            }
        }
        // Fields remedies do not read share an entry.
        let same = Record {
            request_id: Some("r-1".into()),
            format: Some("java-sdk".into()),
            ..base.clone()
        };
        assert_eq!(remedies(&same, Lang::En), remedies_for(&base, Lang::En));
    }

    /// The cache writes what the remedies built anew write, for every record of the samples, in
    /// both languages, whatever it holds: the second round is answered from it, and the human
    /// printer's remedies read back from it are the remedies built anew.
    #[test]
    fn the_cache_writes_the_remedies_built_anew() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut records = Vec::new();
        for dir in ["formats", "remedies"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "txt") {
                    let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                    records.extend(crate::scan_str(&text));
                }
            }
        }
        assert!(records.len() > 100, "samples missing: {}", records.len());
        for round in 0..2 {
            for (i, r) in records.iter().enumerate() {
                for lang in [Lang::En, Lang::Ja] {
                    let built = remedies_for(r, lang);
                    let mut want = Vec::new();
                    crate::json::write_remedies(&built, &mut want);
                    if round == 1 && i % 2 == 0 {
                        assert_eq!(remedies(r, lang), built, "{r:?}");
                    }
                    let mut cached = b"[0,".to_vec();
                    write_json(r, lang, &mut cached);
                    assert_eq!(
                        String::from_utf8_lossy(&cached[3..]),
                        String::from_utf8_lossy(&want),
                        "{r:?}"
                    );
                }
            }
        }
    }

    fn holes_in(text: &str) -> impl Iterator<Item = (usize, usize, Class)> {
        let mut all = Vec::new();
        holes_into(text, &mut all);
        all.into_iter()
    }

    #[test]
    fn the_message_is_where_shapes_look_for_it() {
        let rec = Record {
            message: Some("m".into()),
            ..Record::default()
        };
        assert_eq!(remedy_inputs(&rec).0[MESSAGE], Some("m"));
    }

    #[test]
    fn holes_are_arn_accounts_and_assumed_role_sessions() {
        let text =
            "User: arn:aws:sts::123456789012:assumed-role/deploy/session-7 is not authorized \
                    on arn:aws:dynamodb:us-east-1:210987654321:table/T (account 123456789012)";
        let holes: Vec<_> = holes_in(text).map(|(s, e, c)| (&text[s..e], c)).collect();
        assert_eq!(
            holes,
            [
                ("123456789012", Class::Account),
                ("session-7", Class::Session),
                ("210987654321", Class::Account),
            ]
        );
        // Eleven or thirteen digits are no account; a masked session is no hole.
        assert_eq!(holes_in("arn:aws:iam::12345678901:role/x").count(), 0);
        assert_eq!(holes_in("arn:aws:iam::1234567890123:role/x").count(), 0);
        assert_eq!(
            holes_in("arn:aws:sts::X:assumed-role/r/xxxx-run").count(),
            0
        );
        assert_eq!(holes_in("assumed-role/r/").count(), 0);
        assert!(sample_records().len() > 20, "{}", sample_records().len());
    }

    #[test]
    fn values_that_change_the_remedies_are_written_in_full() {
        let base = Record {
            error_code: Some("AccessDeniedException".into()),
            message: Some(
                "User: arn:aws:sts::123456789012:assumed-role/fn/s1 is not authorized to perform: \
                 dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/T"
                    .into(),
            ),
            principal: Some("arn:aws:sts::123456789012:assumed-role/fn/s1".into()),
            action: Some("dynamodb:PutItem".into()),
            resource: Some("arn:aws:dynamodb:us-east-1:123456789012:table/T".into()),
            ..Record::default()
        };
        assert_eq!(written(&base, Lang::En), rendered(&base, Lang::En));
        // Another session in another account: the template's holes filled.
        let other = varied(&base, &["999988887777".into()], &["i-0abc".into()]);
        let filled = FILLED.with(|n| n.get());
        assert_eq!(written(&other, Lang::En), rendered(&other, Lang::En));
        assert_eq!(FILLED.with(|n| n.get()), filled + 1);
        assert!(written(&other, Lang::En).contains("999988887777"));
        // A session named after a telling phrase selects another remedy as well.
        let jsonpath = varied(&base, &["123456789012".into()], &["jsonpath".into()]);
        assert_ne!(
            rendered(&jsonpath, Lang::En),
            rendered(&base, Lang::En).replace("s1", "jsonpath")
        );
        for rec in [&jsonpath, &base, &jsonpath] {
            assert_eq!(written(rec, Lang::En), rendered(rec, Lang::En));
        }
    }

    proptest::proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever accounts and sessions fill a sample's holes (phrases, masking marks and
        /// the stand-ins themselves included), the JSON is the full rendering's, byte for byte,
        /// whether its shape's template was made now or before.
        #[test]
        fn templates_write_what_full_renderings_write(
            pick in any::<proptest::sample::Index>(),
            accounts in proptest::collection::vec(
                proptest::prop_oneof!["[0-9]{12}", Just("730419582600".to_string())],
                1..4,
            ),
            sessions in proptest::collection::vec(
                proptest::prop_oneof![
                    "[A-Za-z0-9+=,.@_-]{1,20}",
                    proptest::sample::select(vec![
                        "concurrent", "jsonpath", "ExpiredToken", "xxxx", "runXXXXz",
                        "Sq0+=,.@_-Zk", "is-disabled", "i-0abc",
                    ]).prop_map(String::from),
                ],
                1..4,
            ),
        ) {
            let records = sample_records();
            let rec = &records[pick.index(records.len())];
            let other = varied(rec, &accounts, &sessions);
            for lang in [Lang::En, Lang::Ja] {
                for r in [rec, &other, &other] {
                    proptest::prop_assert_eq!(written(r, lang), rendered(r, lang));
                }
            }
            // Plain values of the same classes: once a shape came with two sets of values, its
            // records are written from the template.
            let plain = |a: &str, b: &str, c: &str, d: &str| {
                varied(rec, &[a.into(), b.into(), c.into()], &[d.into(), "run-2".into()])
            };
            let first = plain("111122223333", "444455556666", "555566667777", "run-1");
            let second = plain("888899990000", "121212121212", "343434343434", "run-3");
            proptest::prop_assert_eq!(written(&first, Lang::En), rendered(&first, Lang::En));
            let before = FILLED.with(|n| n.get());
            proptest::prop_assert_eq!(written(&second, Lang::En), rendered(&second, Lang::En));
            proptest::prop_assert!(FILLED.with(|n| n.get()) > before,
                "a plain variant of a sample was written in full: {rec:?}");
        }
    }
}
