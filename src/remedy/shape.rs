//! Remedy JSON by shape: records whose remedy inputs differ only in account ids and role
//! session names share one rendering with holes, and each is written by filling the holes.
//!
//! A role that fails once fails again in every new session (`assumed-role/ci/1700000000`,
//! `assumed-role/fn/i-0abc`), and an organisation's accounts fail alike: the exact-input cache
//! misses on each, and building a remedy (policies, commands, snippets) costs several times
//! finding the error. The remedies only ever copy these values: no selector or generator
//! reads an account's digits or a session's letters. So a shape (the inputs with each such
//! value replaced by a numbered hole) is rendered twice with two different sets of stand-in
//! values, and kept as a template only when both renderings split at their stand-ins into
//! the same pieces: a value that changed the text around it, or was written changed, shows
//! there. The first record of a shape is also checked against its own full rendering.
//!
//! What could still tell values apart is ruled out per record: session names are taken as
//! holes only when they hold plain characters (no escaping anywhere) and no masking marks,
//! and a record is written from a template only when no phrase the remedies look for in the
//! message can reach into its session names (a session named `concurrent` or `jsonpath`
//! selects other remedies).

use super::{render_json, Lang, MessageSays, RemedyInputs, RestInputs};
use crate::record::Record;
use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

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
    ) -> ([Option<String>; 11], Vec<(usize, usize)>) {
        let mut texts: [Option<String>; 11] = Default::default();
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
        (len > 0 && !super::policy::looks_masked(session)).then_some((
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
    fn write(&self, values: &[(Class, &str)], out: &mut Vec<u8>) {
        let mut copied = 0;
        for &(at, n) in &self.holes {
            out.extend_from_slice(&self.text[copied..at]);
            out.extend_from_slice(values[n].1.as_bytes());
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
        .all(|&(start, end)| !MessageSays::touches(message, start, end))
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
        let rec = super::record_of(texts, (status, deny, policy_type));
        let mut json = Vec::new();
        render_json(&rec, lang, &mut json);
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
    /// `None`: the shape's renderings depend on its values; such records use the exact cache.
    template: Option<Template>,
    /// The template was checked against a record's own full rendering.
    proven: bool,
    used: bool,
}

impl Entry {
    /// Write `rec`'s remedies from the template; false when the exact path must write them.
    fn write(&mut self, shape: &Shape, rec: &Record, out: &mut Vec<u8>) -> bool {
        let Some(t) = &self.template else {
            return false;
        };
        if !inert(rec.message.as_deref(), &shape.message_sessions) {
            return false;
        }
        let from = out.len();
        t.write(&shape.values, out);
        if !self.proven {
            let mut full = Vec::with_capacity(out.len() - from);
            render_json(rec, self.lang, &mut full);
            if out[from..] != full[..] {
                out.truncate(from);
                self.template = None;
                return false;
            }
            self.proven = true;
        }
        #[cfg(test)]
        if !shape.values.is_empty() {
            tests::FILLED.with(|n| n.set(n.get() + 1));
        }
        true
    }
}

/// Append the JSON array of `rec`'s remedies, from its shape's template when it has one.
pub(super) fn write(rec: &Record, lang: Lang, out: &mut Vec<u8>) {
    type Map = std::collections::HashMap<u64, Entry, rustc_hash::FxBuildHasher>;
    thread_local! {
        static CACHE: RefCell<Map> = RefCell::new(Map::default());
        /// The encoding buffers, reused: most records are answered without allocating.
        static BUFFERS: RefCell<(Vec<u8>, Vec<Hole>)> =
            const { RefCell::new((Vec::new(), Vec::new())) };
    }
    // Templates are a few KiB each, on each scanning thread.
    const MAX_ENTRIES: usize = 64;
    let inputs = super::remedy_inputs(rec);
    if super::too_large_to_cache(&inputs) {
        return render_json(rec, lang, out);
    }
    let rest = (inputs.1, inputs.2, inputs.3);
    let (enc, holes) = BUFFERS.with(|b| std::mem::take(&mut *b.borrow_mut()));
    let mut shape = Shape {
        enc,
        holes,
        ..Shape::default()
    };
    let written = shape.of(&inputs)
        && CACHE.with(|cache| {
            let mut h = rustc_hash::FxHasher::default();
            lang.hash(&mut h);
            rest.hash(&mut h);
            shape.enc.hash(&mut h);
            let key = h.finish();
            let mut cache = cache.borrow_mut();
            if let Some(e) = cache.get_mut(&key) {
                if e.lang == lang && e.rest == rest && e.enc == shape.enc {
                    e.used = true;
                    return e.write(&shape, rec, out);
                }
            }
            if cache.len() >= MAX_ENTRIES && !cache.contains_key(&key) {
                // Shapes that recur keep their entries; when most recur, all go.
                cache.retain(|_, e| std::mem::take(&mut e.used));
                if cache.len() >= MAX_ENTRIES / 2 {
                    cache.clear();
                }
            }
            let (template, proven) = if shape.values.is_empty() {
                let mut text = Vec::new();
                render_json(rec, lang, &mut text);
                let t = Template {
                    text,
                    holes: Vec::new(),
                };
                (Some(t), true)
            } else {
                (template_for(&shape, &inputs, lang), false)
            };
            let mut entry = Entry {
                lang,
                enc: shape.enc.clone(),
                rest,
                template,
                proven,
                used: false,
            };
            let written = entry.write(&shape, rec, out);
            // A large template is not kept: the shape's records are written in full.
            if entry
                .template
                .as_ref()
                .is_some_and(|t| t.text.len() > super::MAX_CACHED_JSON)
            {
                entry.template = None;
            }
            cache.insert(key, entry);
            written
        });
    BUFFERS.with(|b| *b.borrow_mut() = (shape.enc, shape.holes));
    if !written {
        super::write_exact(rec, lang, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    thread_local! {
        /// Records written by filling a template's holes, on this thread.
        pub(super) static FILLED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    fn rendered(rec: &Record, lang: Lang) -> String {
        let mut v = Vec::new();
        render_json(rec, lang, &mut v);
        String::from_utf8(v).unwrap()
    }

    fn written(rec: &Record, lang: Lang) -> String {
        let mut v = Vec::new();
        write(rec, lang, &mut v);
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
                s.of(&super::super::remedy_inputs(r)) && !s.values.is_empty()
            });
            records
        })
    }

    /// `rec` with the values of its holes replaced: accounts by `accounts[n]`, sessions by
    /// `sessions[n]`.
    fn varied(rec: &Record, accounts: &[String], sessions: &[String]) -> Record {
        let inputs = super::super::remedy_inputs(rec);
        let mut s = Shape::default();
        assert!(s.of(&inputs));
        let (texts, _) = s.texts(|class, n| match class {
            Class::Account => accounts[n % accounts.len()].clone(),
            Class::Session => sessions[n % sessions.len()].clone(),
        });
        super::super::record_of(texts, (inputs.1, inputs.2, inputs.3))
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
        assert_eq!(super::super::remedy_inputs(&rec).0[MESSAGE], Some("m"));
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
            // Plain values of the same classes: the records are written from the template.
            let plain = varied(rec, &["111122223333".into(), "444455556666".into()], &["run-1".into(), "run-2".into()]);
            let before = FILLED.with(|n| n.get());
            proptest::prop_assert_eq!(written(&plain, Lang::En), rendered(&plain, Lang::En));
            proptest::prop_assert!(FILLED.with(|n| n.get()) > before,
                "a plain variant of a sample was written in full: {rec:?}");
        }
    }
}
