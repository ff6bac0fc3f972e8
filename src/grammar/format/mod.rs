//! The wrapper formats the grammar reads, one file each, and [`FORMATS`], the one table that
//! registers them. A format declares in one place its anchors (where its parser runs), its
//! trigger literals (what makes a line worth parsing), its parser and its rank rules; the
//! anchor automaton, the scanner's triggers and the grouping of pieces are built from the
//! table. `grammar/README.md` lists the steps of adding one; a test fails when a format lacks
//! its sample, its EBNF section or its place in the table.

pub mod authz;
mod authz_details;
mod botocore;
mod cloudformation;
mod codeless;
mod coral;
mod dotnet;
pub(crate) mod exception;
mod go;
mod http_status;
mod java;
pub(crate) mod js;
pub(crate) mod keyvalue;
pub(crate) mod lambda;
mod php;
mod powershell;
mod ruby;
mod rusoto;
mod rust_sdk;
mod s3cmd;
pub(crate) mod terraform;
mod xml;

// The format files name the shared lexical modules as their parent's.
use super::{arn, lex, piece};

use super::anchors::{head, Marks};
use super::Found;
use piece::{Piece, Strength};
use std::ops::Range;

/// Every format, in the order its anchors are added to the anchor automaton. Anchors that end
/// at the same byte are reported in this order, and the first piece parsed at a place wins
/// over a later one of its family: keep the order, and add a new format at the end.
pub(crate) static FORMATS: &[&Format] = &[
    &authz::FORMAT,
    &botocore::FORMAT,
    &go::V2,
    &go::V1,
    &java::FORMAT,
    &xml::FORMAT,
    &exception::FORMAT,
    &exception::GLUED,
    &keyvalue::FORMAT,
    &http_status::FORMAT,
    &cloudformation::HANDLER,
    &cloudformation::PROVIDED,
    &php::FORMAT,
    &s3cmd::FORMAT,
    &authz_details::THROTTLED,
    &authz_details::ENCODED,
    &authz_details::AUTHORIZATION_ID,
    &coral::FORMAT,
    &powershell::FORMAT,
    &ruby::FORMAT,
    &js::FORMAT,
    &terraform::FORMAT,
    &dotnet::FORMAT,
    &xml::CUT,
    &codeless::FORMAT,
    &lambda::FORMAT,
    &rusoto::FORMAT,
    &rust_sdk::FORMAT,
];

/// What a format's `anchors` calls for each anchor: `add(literal, arg)`.
pub(crate) type AddAnchor<'f> = dyn FnMut(&str, u8) + 'f;

/// A wrapper format: what finds it, what reads it, and how its pieces rank and group.
pub(crate) struct Format {
    /// The format's name in tests and messages.
    pub name: &'static str,
    #[cfg_attr(not(test), allow(dead_code))]
    /// The file in `samples/formats/` that shows the format: scanning it gives a piece of it.
    pub sample: &'static str,
    #[cfg_attr(not(test), allow(dead_code))]
    /// The file in `grammar/` and the heading of its section (`(* ---- heading ----`) that
    /// describe the format in EBNF, with examples.
    pub ebnf: (&'static str, &'static str),
    /// Call `add(literal, arg)` for each anchor: where an anchor stands, `parse` runs with
    /// `arg` (which literal it was, when the parser needs to know).
    pub anchors: fn(&mut AddAnchor<'_>),
    /// Literals whose presence in an event the anchor walk notes for later checks.
    pub marks: &'static [(&'static str, Marks)],
    /// Call `add(literal)` for each trigger: a line holding none of the formats' triggers is
    /// never parsed. A format of context pieces only (a status line, a stack frame) may have
    /// none: it adds fields to errors that other formats trigger on.
    pub triggers: fn(&mut dyn FnMut(&'static str)),
    /// The parser, run at an anchor: `parse(event, at, len, arg)`.
    pub parse: for<'a> fn(&mut Event<'a, '_>, usize, usize, u8) -> Option<Piece<'a>>,
    /// Whether a second piece of this format (of the same anchor `arg`) that says something
    /// else is a second error.
    pub repeats: fn(&Piece<'_>) -> bool,
    /// Pieces of one family (non-zero) are one piece where they start together, and a piece
    /// inside an earlier piece of its family is dropped; with 0, those rules apply between
    /// pieces of the same format and arg, and pieces of every family-0 format that start at
    /// one place are one piece.
    pub family: u8,
    /// Whether a piece has a shape only AWS prints (`grammar/README.md`, *Evidence*).
    pub aws_shape: fn(&Piece<'_>) -> bool,
    /// Whether a piece is a sentence that, opening its own line under an error, is an error
    /// of its own (see `neighbours.rs`).
    pub sentence: fn(&Piece<'_>) -> bool,
    /// Pieces are sentences of AWS's list of known messages.
    pub listed: bool,
    /// A wrapper code from this format stays even when it equals the error code.
    pub keeps_wrapper_code: bool,
    /// A piece of this format makes the record's format this format's, whatever outranks it.
    pub names_record_format: bool,
}

impl Format {
    /// The rules of most formats; a format's declaration names what differs.
    pub const DEFAULT: Format = Format {
        name: "",
        sample: "",
        ebnf: ("", ""),
        anchors: |_| {},
        marks: &[],
        triggers: |_| {},
        parse: |_, _, _, _| None,
        repeats: |_| false,
        family: 0,
        aws_shape: |_| false,
        sentence: |_| false,
        listed: false,
        keeps_wrapper_code: false,
        names_record_format: false,
    };

    /// The trigger literals, listed.
    pub fn trigger_list(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        (self.triggers)(&mut |t| v.push(t));
        v
    }
}

/// A rule shared by the formats whose every error piece, repeated, is a second error.
pub(crate) fn error_pieces(p: &Piece<'_>) -> bool {
    p.strength == Strength::Error
}

/// Which parser made a piece: a format and the `arg` of its anchor.
#[derive(Clone, Copy)]
pub(crate) struct Kind {
    pub format: &'static Format,
    pub arg: u8,
}

impl Kind {
    pub const fn of(format: &'static Format, arg: u8) -> Kind {
        Kind { format, arg }
    }

    /// Whether the piece was made by `format`.
    pub fn is(self, format: &'static Format) -> bool {
        std::ptr::eq(self.format, format)
    }
}

impl PartialEq for Kind {
    fn eq(&self, other: &Kind) -> bool {
        self.is(other.format) && self.arg == other.arg
    }
}

impl Eq for Kind {}

impl std::fmt::Debug for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({})", self.format.name, self.arg)
    }
}

/// What a parser sees of the event it runs in: the text, the marks the anchor walk has
/// noted so far, the pieces found so far, and what the formats remember between their
/// anchors in this event.
pub(crate) struct Event<'a, 'e> {
    pub text: &'a str,
    pub marks: Marks,
    pub found: &'e [Found<'a>],
    pub memo: &'e mut Memo,
}

/// What a format remembers from one of its anchors to the next within an event, to spare
/// parsing the same text twice.
#[derive(Default)]
pub(crate) struct Memo {
    /// The span of the last Java key list parsed.
    pub java_list: Range<usize>,
    /// The last `Code:` token parsed.
    pub code_token: Range<usize>,
    /// Whether the event holds an `Error: `, looked up at its first known message.
    pub any_error_colon: Option<bool>,
    /// The end of the last `Error Code` key parsed and its piece's place in the pieces found
    /// (`None` for no piece).
    pub error_code_key: Option<(usize, Option<usize>)>,
    /// Set by a parser that wants its piece's place in [`Memo::error_code_key`]: the end of
    /// its anchor.
    pub place_wanted: Option<usize>,
}

/// Every format's trigger literals.
pub(crate) fn trigger_literals() -> Vec<&'static str> {
    FORMATS.iter().flat_map(|f| f.trigger_list()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    fn anchors_of(f: &Format) -> Vec<(String, u8)> {
        let mut v = Vec::new();
        (f.anchors)(&mut |a, arg| v.push((a.to_string(), arg)));
        v
    }

    /// Whether a piece of `f` is parsed somewhere in `text`, at one of its anchors or, for a
    /// format without anchors, at a line start.
    fn parses_in(f: &'static Format, text: &str) -> bool {
        let text = crate::grammar::view::unescape_view(text);
        let mut memo = Memo::default();
        let mut ev = Event {
            text: &text,
            marks: Marks::default(),
            found: &[],
            memo: &mut memo,
        };
        let anchors = anchors_of(f);
        if anchors.is_empty() {
            let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1));
            return starts
                .filter(|&s| s < text.len())
                .any(|s| (f.parse)(&mut ev, s, 0, 0).is_some());
        }
        anchors.iter().any(|(a, arg)| {
            text.match_indices(a.as_str())
                .any(|(at, _)| (f.parse)(&mut ev, at, a.len(), *arg).is_some())
        })
    }

    /// The parity of formats: each has a name, a sample it parses, an EBNF section with an
    /// example, and its place in the table. Every problem is listed at once.
    #[test]
    fn every_format_has_its_sample_ebnf_section_and_table_entry() {
        let mut problems = Vec::new();
        let mut names = std::collections::HashSet::new();
        for f in FORMATS {
            if f.name.is_empty() || !names.insert(f.name) {
                problems.push(format!("{:?}: no name, or another format's", f.name));
            }
            let sample = root().join("samples/formats").join(f.sample);
            let expected = sample.with_extension("expected.jsonl");
            match std::fs::read_to_string(&sample) {
                Err(e) => problems.push(format!("{}: sample {}: {e}", f.name, sample.display())),
                Ok(_) if !expected.exists() => problems.push(format!(
                    "{}: no expected records {}",
                    f.name,
                    expected.display()
                )),
                Ok(text) if !parses_in(f, &text) => problems.push(format!(
                    "{}: no piece of the format in its sample {}",
                    f.name, f.sample
                )),
                Ok(_) => {}
            }
            let (file, heading) = f.ebnf;
            let ebnf =
                std::fs::read_to_string(root().join("grammar").join(file)).unwrap_or_default();
            let head = format!("(* ---- {heading} ----");
            let Some(at) = ebnf.find(&head) else {
                problems.push(format!("{}: no section {head:?} in grammar/{file}", f.name));
                continue;
            };
            let section = &ebnf[at + head.len()..];
            let section = &section[..section.find("(* ---- ").unwrap_or(section.len())];
            if !(section.contains("(* example: ") || section.contains("(* fragment: ")) {
                problems.push(format!(
                    "{}: the section {heading:?} of grammar/{file} shows no example",
                    f.name
                ));
            }
        }
        // Each format file is in the table.
        let dir = root().join("src/grammar/format");
        let registered = std::fs::read_to_string(dir.join("mod.rs")).expect("format/mod.rs");
        let registered = &registered[registered.find("static FORMATS").expect("the table")..];
        for e in std::fs::read_dir(&dir).expect("format dir") {
            let name = e
                .expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            match name.strip_suffix(".rs") {
                Some("mod") | None => {}
                Some(stem) if !registered.contains(&format!("&{stem}::")) => problems.push(
                    format!("src/grammar/format/{name} has no format in FORMATS"),
                ),
                Some(_) => {}
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// Each trigger contains a cover of the prefilter, and reaches an anchor or a mark of its
    /// format (the one holds the other): a line it triggers reaches the parser. Each cover is
    /// in some trigger: a cover no trigger holds only costs search time.
    #[test]
    fn triggers_covers_and_anchors_agree() {
        let covers = crate::scan::PREFILTER_LITERALS;
        let all = trigger_literals();
        let mut problems = Vec::new();
        for f in FORMATS {
            let mut reached: Vec<String> = anchors_of(f).into_iter().map(|(a, _)| a).collect();
            reached.extend(f.marks.iter().map(|(m, _)| m.to_string()));
            for t in f.trigger_list() {
                if !covers.iter().any(|c| t.contains(c)) {
                    problems.push(format!(
                        "{}: trigger {t:?} contains no cover literal; add one to scan/trigger.rs COVER",
                        f.name
                    ));
                }
                if !reached
                    .iter()
                    .any(|a| t.contains(a.as_str()) || a.contains(t))
                {
                    problems.push(format!(
                        "{}: trigger {t:?} reaches no anchor of its format",
                        f.name
                    ));
                }
            }
        }
        for c in covers {
            if !all.iter().any(|t| t.contains(c)) {
                problems.push(format!("cover {c:?} is in no trigger literal"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
