//! Grouping of repeated errors: records that differ only in time, request id, where they were
//! found and an assumed role's session name are one error seen several times.
//!
//! Output is streamed and the input may be larger than memory, so records are never held:
//! the first of a group is printed at once, later ones only update the group's counters, and
//! the "and N more like this" lines come when the output ends. Memory grows with the number of
//! *distinct* errors, and that is capped at [`MAX_GROUPS`]; past it a new distinct error is
//! printed in full every time, as without grouping.

use super::output::Sink;
use super::words::Words;
use awsplain::sanitize::for_terminal;
use awsplain::Record;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io;

/// Distinct errors tracked; beyond this new ones are not grouped.
pub const MAX_GROUPS: usize = 10_000;

/// What identifies an error regardless of when and where it happened: 128 bits of hash of
/// the fields that say what failed, so that a group costs a few dozen bytes whatever the size
/// of its message.
pub type Key = u128;

pub fn key(rec: &Record) -> Key {
    let principal = session_less(rec.principal.as_deref());
    // The message usually repeats the principal (with its session name) and sometimes the
    // request id: both are taken out so that they do not make every message distinct. Only
    // whole values are replaced: a session name alone may be a word of the message.
    let mut message = rec.message.clone().unwrap_or_default();
    if let (Some(full), Some(base)) = (rec.principal.as_deref(), principal) {
        if full != base {
            message = message.replace(full, base);
        }
    }
    if let Some(id) = rec.request_id.as_deref().filter(|id| id.len() >= 8) {
        message = message.replace(id, "");
    }
    let mut halves = [0u64; 2];
    for (seed, half) in halves.iter_mut().enumerate() {
        let mut h = DefaultHasher::new();
        seed.hash(&mut h);
        (
            &rec.error_code,
            &rec.wrapper_code,
            &rec.service,
            &rec.operation,
            rec.status_code,
            &rec.format,
            principal,
            &rec.action,
            &rec.resource,
            rec.deny,
            rec.policy_type,
        )
            .hash(&mut h);
        (&rec.policy_arn, &message).hash(&mut h);
        *half = h.finish();
    }
    (u128::from(halves[0]) << 64) | u128::from(halves[1])
}

/// `arn:aws:sts::1:assumed-role/Role/session` → `arn:aws:sts::1:assumed-role/Role`; any other
/// principal is returned whole.
fn session_less(principal: Option<&str>) -> Option<&str> {
    let p = principal?;
    let Some(at) = p.find(":assumed-role/") else {
        return Some(p);
    };
    let role_start = at + ":assumed-role/".len();
    Some(match p[role_start..].find('/') {
        Some(slash) => &p[..role_start + slash],
        None => p,
    })
}

/// One distinct error: how often it was seen, when and where, and enough of its first
/// occurrence to name it at the end.
#[derive(Debug, Clone)]
pub struct Group {
    pub count: u64,
    /// How many of its records were printed in full.
    pub shown: u64,
    pub first_ts: Option<i64>,
    pub last_ts: Option<i64>,
    /// The source of the first record, and the range of lines seen in that source.
    pub source: String,
    pub first_line: Option<u64>,
    pub last_line: Option<u64>,
    /// Records from another source than the first's.
    pub elsewhere: u64,
    pub code: String,
    pub action: Option<String>,
    pub resource: Option<String>,
    /// Where the first occurrence was printed, as the header shows it (`app.log:12`).
    pub place: String,
}

impl Group {
    fn new(rec: &Record) -> Self {
        let mut g = Group {
            count: 0,
            shown: 0,
            first_ts: None,
            last_ts: None,
            source: rec.source.name.clone(),
            first_line: None,
            last_line: None,
            elsewhere: 0,
            code: code_of(rec).to_string(),
            action: rec.action.clone(),
            resource: rec.resource.clone(),
            place: place_of(rec),
        };
        g.add(rec);
        g
    }

    fn add(&mut self, rec: &Record) {
        self.count += 1;
        if let Some(t) = rec.source.timestamp {
            self.first_ts = Some(self.first_ts.map_or(t, |f| f.min(t)));
            self.last_ts = Some(self.last_ts.map_or(t, |l| l.max(t)));
        }
        if rec.source.name == self.source {
            if let Some(l) = rec.source.line {
                self.first_line = Some(self.first_line.map_or(l, |f| f.min(l)));
                self.last_line = Some(self.last_line.map_or(l, |m| m.max(l)));
            }
        } else {
            self.elsewhere += 1;
        }
    }

    /// Records not printed in full.
    pub fn hidden(&self) -> u64 {
        self.count - self.shown
    }

    /// `first 09:00:01, last 09:14:55, lines 12-480` (what the records had), escaped, in the
    /// words of `--lang`.
    pub fn span_in(&self, w: &Words) -> String {
        let mut parts = Vec::new();
        if let (Some(f), Some(l)) = (self.first_ts, self.last_ts) {
            let (f, l) = (
                awsplain::summary::format_ms(f),
                awsplain::summary::format_ms(l),
            );
            // The time of day alone when both are on the same day.
            if f[..10] == l[..10] {
                parts.push(w.first_last(&f[11..19], &l[11..19]));
            } else {
                parts.push(w.first_last(&f[..19], &l[..19]));
            }
        }
        if let (Some(f), Some(l)) = (self.first_line, self.last_line) {
            parts.push(w.lines(f, l));
        }
        if self.elsewhere > 0 {
            parts.push(w.elsewhere(self.elsewhere));
        }
        for_terminal(&parts.join(w.comma())).into_owned()
    }

    /// `AccessDeniedException iam:PassRole at app.log:12`, escaped, in the words of `--lang`.
    pub fn label_in(&self, w: &Words) -> String {
        let mut s = w.code(&self.code).to_string();
        if let Some(a) = &self.action {
            s.push(' ');
            s.push_str(a);
        }
        if !self.place.is_empty() && self.place != "-" {
            s = w.at(&s, &self.place);
        }
        for_terminal(&s).into_owned()
    }
}

/// The code a reader knows the error by.
pub fn code_of(rec: &Record) -> &str {
    rec.error_code
        .as_deref()
        .or(rec.wrapper_code.as_deref())
        .unwrap_or(if rec.action.is_some() {
            "AccessDenied"
        } else {
            "AWS error"
        })
}

/// Where a record was found, as one short string: `file:line`, `<stdout>:3`, or the log group
/// and stream.
pub fn place_of(rec: &Record) -> String {
    if let Some(g) = &rec.source.log_group {
        return match &rec.source.log_stream {
            Some(s) => format!("{g} {s}"),
            None => g.clone(),
        };
    }
    match rec.source.line {
        Some(l) => format!("{}:{l}", rec.source.name),
        None => rec.source.name.clone(),
    }
}

/// The groups of one output, in the order their first records came.
#[derive(Debug, Default)]
pub struct Groups {
    map: HashMap<Key, usize>,
    list: Vec<Group>,
    /// Records counted, grouped or not.
    pub records: u64,
    /// Records printed in full, over all groups.
    shown_total: u64,
    last_shown: Option<usize>,
    /// Records past the cap on distinct errors that were not printed (past the total).
    pub ungrouped_hidden: u64,
}

impl Groups {
    /// Count `rec`; true when it should be printed in full: while fewer than `per_group` of
    /// its group and fewer than `total` records in all were printed.
    pub fn admit(&mut self, rec: &Record, per_group: u64, total: u64) -> bool {
        self.records += 1;
        let room = self.shown_total < total;
        let k = key(rec);
        let i = match self.map.get(&k) {
            Some(&i) => {
                self.list[i].add(rec);
                i
            }
            None if self.list.len() >= MAX_GROUPS => {
                if room {
                    self.shown_total += 1;
                    self.last_shown = None;
                } else {
                    self.ungrouped_hidden += 1;
                }
                return room;
            }
            None => {
                self.map.insert(k, self.list.len());
                self.list.push(Group::new(rec));
                self.list.len() - 1
            }
        };
        let g = &mut self.list[i];
        if room && g.shown < per_group {
            g.shown += 1;
            self.shown_total += 1;
            self.last_shown = Some(i);
            true
        } else {
            false
        }
    }

    /// The index of the group whose record was printed last, if that record had one.
    pub fn last_shown(&self) -> Option<usize> {
        self.last_shown
    }

    /// Groups with records that were not printed in full, in order of first appearance.
    pub fn repeated(&self) -> impl Iterator<Item = &Group> {
        self.list.iter().filter(|g| g.hidden() > 0)
    }

    /// Every group, in order of first appearance.
    pub fn all(&self) -> &[Group] {
        &self.list
    }

    /// Records not printed in full, over all groups.
    pub fn hidden(&self) -> u64 {
        self.list.iter().map(Group::hidden).sum::<u64>() + self.ungrouped_hidden
    }
}

/// How a printer shows the records its collapse held back.
pub trait Repeats {
    fn repeats(&mut self, groups: &Groups) -> io::Result<()>;
}

/// Prints the first `per_group` records of each distinct error through `inner`, counts the
/// rest, and has `inner` report them when the output ends.
pub struct CollapseSink<S: Sink + Repeats> {
    pub inner: S,
    pub groups: Groups,
    per_group: u64,
    total: u64,
}

impl<S: Sink + Repeats> CollapseSink<S> {
    pub fn new(inner: S, per_group: u64, total: u64) -> Self {
        CollapseSink {
            inner,
            groups: Groups::default(),
            per_group,
            total,
        }
    }
}

impl<S: Sink + Repeats> Sink for CollapseSink<S> {
    fn record(&mut self, rec: &Record) -> io::Result<()> {
        if self.groups.admit(rec, self.per_group, self.total) {
            self.inner.record(rec)
        } else {
            Ok(())
        }
    }
    fn finish(&mut self) -> io::Result<()> {
        self.inner.repeats(&self.groups)?;
        self.inner.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::words::words;
    use awsplain::Lang;

    fn denial(principal: &str, request: &str, line: u64) -> Record {
        // As the SDKs print it: the request id inside the message.
        let mut r = Record {
            error_code: Some("AccessDenied".into()),
            principal: Some(principal.into()),
            action: Some("s3:GetObject".into()),
            request_id: Some(request.into()),
            message: Some(format!(
                "User: {principal} is not authorized to perform: s3:GetObject (Request ID: {request})"
            )),
            ..Default::default()
        };
        r.source.name = "app.log".into();
        r.source.line = Some(line);
        r
    }

    #[test]
    fn session_name_and_request_id_do_not_split_a_group() {
        // A session name that is also a word of the message ("s3") is not taken out of it.
        let a = denial("arn:aws:sts::1:assumed-role/Deploy/s1", "REQUEST-1", 3);
        let b = denial("arn:aws:sts::1:assumed-role/Deploy/s3", "REQUEST-2", 9);
        let c = denial("arn:aws:sts::1:assumed-role/Other/s1", "REQUEST-3", 12);
        assert_eq!(key(&a), key(&b));
        assert_ne!(key(&a), key(&c));
        let mut g = Groups::default();
        assert!(g.admit(&a, 1, u64::MAX));
        assert!(!g.admit(&b, 1, u64::MAX));
        assert!(g.admit(&c, 1, u64::MAX));
        let rep: Vec<_> = g.repeated().collect();
        assert_eq!(rep.len(), 1);
        assert_eq!(rep[0].hidden(), 1);
        assert_eq!(rep[0].span_in(words(Lang::En)), "lines 3-9");
        assert_eq!(
            rep[0].label_in(words(Lang::En)),
            "AccessDenied s3:GetObject at app.log:3"
        );
    }

    #[test]
    fn span_prefers_time_of_day_on_one_day() {
        let mut a = denial("arn:aws:iam::1:user/u", "R1", 1);
        a.source.timestamp = Some(32_401_000);
        let mut b = a.clone();
        b.source.timestamp = Some(33_295_000);
        b.source.line = Some(480);
        let mut g = Groups::default();
        g.admit(&a, 1, u64::MAX);
        g.admit(&b, 1, u64::MAX);
        assert_eq!(
            g.all()[0].span_in(words(Lang::En)),
            "first 09:00:01, last 09:14:55, lines 1-480"
        );
    }

    #[test]
    fn caps_per_group_and_in_all() {
        let a = denial("arn:aws:iam::1:user/a", "REQUEST-1", 1);
        let b = denial("arn:aws:iam::1:user/b", "REQUEST-2", 2);
        let mut g = Groups::default();
        let shown: Vec<bool> = [&a, &a, &a, &b, &b, &a]
            .iter()
            .map(|r| g.admit(r, 2, 3))
            .collect();
        assert_eq!(shown, [true, true, false, true, false, false]);
        assert_eq!(g.hidden(), 3);
        assert_eq!(g.records, 6);
        assert_eq!(g.last_shown(), Some(1));
    }
}
