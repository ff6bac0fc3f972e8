//! `tail -C N`: the raw log lines around each error, from its own event and the events next
//! to it in the same stream, to read an error where it happened (rg's `-C`).
//!
//! Events are observed in the order they are read. Each stream keeps its last N lines for the
//! lines before an error; an error still short of lines after it takes them from the next
//! events of its stream until it is printed. Memory is N lines per stream, each line cut at
//! `MAX_LINE_CHARS`. Text from logs is untrusted: the text rendering escapes control
//! characters, JSON escapes them itself.

use super::fetch::Event;
use super::time::{format_rfc3339, Millis};
use super::Hit;
use awsplain::sanitize::for_terminal;
use colored::Colorize;
use std::collections::{HashMap, VecDeque};

/// Longer lines are cut there (with `…`): a log event can be 256 KiB.
const MAX_LINE_CHARS: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub timestamp: Millis,
    pub text: String,
}

/// The lines of one error: those before it, its own, those after it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Excerpt {
    pub stream: String,
    pub before: Vec<Line>,
    pub error: Vec<Line>,
    pub after: Vec<Line>,
}

impl Excerpt {
    /// The stream, then one line each, `>` marking the error's own lines and `|` the others.
    pub fn text(&self, group: &str) -> String {
        let mut out = format!(
            "{}\n",
            format!("{} {}:", for_terminal(group), for_terminal(&self.stream)).dimmed()
        );
        let marked = [(&self.before, '|'), (&self.error, '>'), (&self.after, '|')];
        for (lines, mark) in marked {
            for l in lines {
                let text = for_terminal(&l.text);
                let head = format!("  {} {mark}", format_rfc3339(l.timestamp));
                if mark == '>' {
                    out.push_str(&format!("{} {text}\n", head.bold()));
                } else {
                    out.push_str(&format!("{}\n", format!("{head} {text}").dimmed()));
                }
            }
        }
        out
    }

    /// The excerpt with every line passed through `mask` (`--redact`).
    pub fn masked(&self, mask: impl Fn(&str) -> String) -> Excerpt {
        let each = |ls: &[Line]| -> Vec<Line> {
            ls.iter()
                .map(|l| Line {
                    timestamp: l.timestamp,
                    text: mask(&l.text),
                })
                .collect()
        };
        Excerpt {
            stream: mask(&self.stream),
            before: each(&self.before),
            error: each(&self.error),
            after: each(&self.after),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        let lines = |ls: &[Line]| -> Vec<serde_json::Value> {
            ls.iter()
                .map(|l| serde_json::json!({"timestamp": l.timestamp, "line": l.text}))
                .collect()
        };
        serde_json::json!({
            "log_stream": self.stream,
            "before": lines(&self.before),
            "error": lines(&self.error),
            "after": lines(&self.after),
        })
    }
}

/// An excerpt, `hits[hit].context[rec]`, still short of `missing` lines after its error.
struct Waiting {
    hit: usize,
    rec: usize,
    missing: usize,
}

#[derive(Default)]
struct StreamState {
    recent: VecDeque<Line>,
    waiting: Vec<Waiting>,
}

pub struct Tracker {
    n: usize,
    streams: HashMap<(usize, String), StreamState>,
}

/// The lines of a message with the byte offset each starts at; a final line break does not
/// make an empty last line.
fn lines_of(ev: &Event) -> Vec<(usize, Line)> {
    let mut out = Vec::new();
    let mut at = 0;
    let msg = ev.message.strip_suffix('\n').unwrap_or(&ev.message);
    for piece in msg.split('\n') {
        let text = piece.strip_suffix('\r').unwrap_or(piece);
        let mut cut: String = text.chars().take(MAX_LINE_CHARS).collect();
        if cut.len() < text.len() {
            cut.push('…');
        }
        out.push((
            at,
            Line {
                timestamp: ev.timestamp,
                text: cut,
            },
        ));
        at += piece.len() + 1;
    }
    out
}

impl Tracker {
    /// `n` lines on each side; 0 keeps nothing.
    pub fn new(n: usize) -> Self {
        Tracker {
            n,
            streams: HashMap::new(),
        }
    }

    /// Take in the next event read from the `group`-th group, and its hit if it held errors,
    /// which goes to the end of `hits` with an excerpt for each of its records.
    pub fn observe(&mut self, group: usize, ev: &Event, hit: Option<Hit>, hits: &mut Vec<Hit>) {
        if self.n == 0 {
            hits.extend(hit);
            return;
        }
        let n = self.n;
        let lines = lines_of(ev);
        let state = self.streams.entry((group, ev.stream.clone())).or_default();
        state.waiting.retain_mut(|w| {
            let Some(ex) = hits
                .get_mut(w.hit)
                .and_then(|h| h.context.get_mut(w.rec))
                .and_then(Option::as_mut)
            else {
                return false;
            };
            let take = w.missing.min(lines.len());
            ex.after.extend(lines[..take].iter().map(|l| l.1.clone()));
            w.missing -= take;
            w.missing > 0
        });
        if let Some(mut hit) = hit {
            let at = hits.len();
            hit.context = hit
                .records
                .iter()
                .enumerate()
                .map(|(ri, rec)| {
                    let (start, end) = (rec.span.start as usize, rec.span.end as usize);
                    // The lines the error's text overlaps (all of them if it has no span).
                    let covers = |i: usize| {
                        let from = lines[i].0;
                        let to = lines.get(i + 1).map_or(usize::MAX, |l| l.0);
                        end <= start || (from < end && to > start)
                    };
                    let first = (0..lines.len()).find(|&i| covers(i)).unwrap_or(0);
                    let last = (first..lines.len())
                        .rev()
                        .find(|&i| covers(i))
                        .unwrap_or(first);
                    let mut before: Vec<Line> = state
                        .recent
                        .iter()
                        .cloned()
                        .chain(lines[..first].iter().map(|l| l.1.clone()))
                        .collect();
                    before.drain(..before.len().saturating_sub(n));
                    let after: Vec<Line> = lines[last + 1..]
                        .iter()
                        .take(n)
                        .map(|l| l.1.clone())
                        .collect();
                    if after.len() < n {
                        state.waiting.push(Waiting {
                            hit: at,
                            rec: ri,
                            missing: n - after.len(),
                        });
                    }
                    Some(Excerpt {
                        stream: ev.stream.clone(),
                        before,
                        error: lines[first..=last].iter().map(|l| l.1.clone()).collect(),
                        after,
                    })
                })
                .collect();
            hits.push(hit);
        }
        for (_, l) in lines {
            if state.recent.len() == n {
                state.recent.pop_front();
            }
            state.recent.push_back(l);
        }
    }

    /// The hits were printed (or dropped): excerpts still short of lines after them stay so.
    pub fn printed(&mut self) {
        for s in self.streams.values_mut() {
            s.waiting.clear();
        }
    }

    /// The `group`-th group is read again from its start: forget what it had seen.
    pub fn restart(&mut self, group: usize) {
        self.streams.retain(|k, _| k.0 != group);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(stream: &str, ts: Millis, msg: &str) -> Event {
        Event {
            timestamp: ts,
            stream: stream.into(),
            id: format!("{stream}-{ts}"),
            message: msg.into(),
        }
    }

    fn hit_of(ev: &Event) -> Option<Hit> {
        let records = awsplain::scan_str(&ev.message);
        (!records.is_empty()).then(|| Hit {
            timestamp: ev.timestamp,
            group: 0,
            id: ev.id.clone(),
            records,
            context: Vec::new(),
        })
    }

    fn texts(ls: &[Line]) -> Vec<&str> {
        ls.iter().map(|l| l.text.as_str()).collect()
    }

    const ERR: &str =
        "An error occurred (AccessDeniedException) when calling the ListTables operation: denied";

    #[test]
    fn lines_come_from_the_event_and_its_neighbours_in_the_same_stream() {
        let mut t = Tracker::new(2);
        let mut hits = Vec::new();
        let events = [
            ev("a", 1, "one"),
            ev("b", 2, "other stream"),
            ev("a", 3, "two\nthree"),
            ev("a", 4, &format!("four\n{ERR}\nfive")),
            ev("b", 5, "other again"),
            ev("a", 6, "six"),
            ev("a", 7, "seven"),
        ];
        for e in &events {
            t.observe(0, e, hit_of(e), &mut hits);
        }
        assert_eq!(hits.len(), 1);
        let ex = hits[0].context[0].as_ref().unwrap();
        assert_eq!(texts(&ex.before), ["three", "four"]);
        assert_eq!(texts(&ex.error), [ERR]);
        assert_eq!(texts(&ex.after), ["five", "six"]);
        assert_eq!(ex.before[0].timestamp, 3);
        assert_eq!(ex.after[1].timestamp, 6);
    }

    #[test]
    fn lines_after_stop_at_what_was_read_before_printing() {
        let mut t = Tracker::new(3);
        let mut hits = Vec::new();
        let e = ev("a", 1, ERR);
        t.observe(0, &e, hit_of(&e), &mut hits);
        t.printed();
        let later = ev("a", 2, "later");
        t.observe(0, &later, None, &mut hits);
        let ex = hits[0].context[0].as_ref().unwrap();
        assert!(ex.before.is_empty() && ex.after.is_empty(), "{ex:?}");
        assert_eq!(texts(&ex.error), [ERR]);
    }

    #[test]
    fn text_escapes_log_text_and_long_lines_are_cut() {
        colored::control::set_override(false);
        let long = "x".repeat(MAX_LINE_CHARS + 10);
        let mut t = Tracker::new(1);
        let mut hits = Vec::new();
        let a = ev("s\x1b[2J", 1, &format!("\x1b]0;title\x07{long}"));
        let e = ev("s\x1b[2J", 2, ERR);
        t.observe(0, &a, None, &mut hits);
        t.observe(0, &e, hit_of(&e), &mut hits);
        let ex = hits[0].context[0].as_ref().unwrap();
        assert!(ex.before[0].text.ends_with('…'));
        let shown = ex.text("/g");
        assert!(
            !shown.contains('\x1b') && !shown.contains('\x07'),
            "{shown:?}"
        );
        assert!(shown.starts_with("/g s\\u{1b}[2J:\n"), "{shown:?}");
        assert!(shown.contains(&format!("> {ERR}")), "{shown}");
    }

    #[test]
    fn nothing_is_kept_without_context() {
        let mut t = Tracker::new(0);
        let mut hits = Vec::new();
        let e = ev("a", 1, ERR);
        t.observe(0, &e, hit_of(&e), &mut hits);
        assert!(hits[0].context.is_empty());
        assert!(t.streams.is_empty());
    }
}
