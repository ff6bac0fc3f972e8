//! Counting records by error code, action and principal for `--summary`.
//!
//! A [`Summary`] keeps counters, never records, so a log of millions of lines costs memory in
//! the number of distinct codes, actions and principals only, and that is capped too: past
//! [`MAX_KEYS`] distinct values per table, new values are counted under [`OTHER`].

use crate::record::Record;
use crate::sanitize::for_terminal;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Distinct values kept per table before new ones are lumped together.
pub const MAX_KEYS: usize = 10_000;
/// The key under which values past [`MAX_KEYS`] are counted.
pub const OTHER: &str = "(other)";
/// The error-code key of records that carry no code.
pub const NO_CODE: &str = "(no code)";
/// Rows per table in the text rendering; JSON has them all.
const TEXT_ROWS: usize = 20;

/// How often one value was seen and when (milliseconds since the epoch, when known).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Entry {
    pub count: u64,
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
}

impl Entry {
    fn add(&mut self, ts: Option<i64>) {
        self.count += 1;
        if let Some(t) = ts {
            self.first_seen = Some(self.first_seen.map_or(t, |f| f.min(t)));
            self.last_seen = Some(self.last_seen.map_or(t, |l| l.max(t)));
        }
    }
}

/// Counts per distinct value of one field.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    map: HashMap<String, Entry>,
}

impl Tally {
    fn add(&mut self, key: &str, ts: Option<i64>) {
        if let Some(e) = self.map.get_mut(key) {
            e.add(ts);
            return;
        }
        let key = if self.map.len() >= MAX_KEYS {
            OTHER
        } else {
            key
        };
        self.map.entry(key.to_string()).or_default().add(ts);
    }

    /// Rows by descending count, then by key, so output is stable.
    pub fn rows(&self) -> Vec<(&str, Entry)> {
        let mut v: Vec<(&str, Entry)> = self.map.iter().map(|(k, e)| (k.as_str(), *e)).collect();
        v.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0)));
        v
    }

    fn to_json(&self) -> Value {
        Value::Array(
            self.rows()
                .into_iter()
                .map(|(k, e)| json!({"key": k, "count": e.count, "first_seen": e.first_seen, "last_seen": e.last_seen}))
                .collect(),
        )
    }
}

/// Counts of the records of one run.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    total: Entry,
    pub by_error_code: Tally,
    pub by_action: Tally,
    pub by_principal: Tally,
}

impl Summary {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, rec: &Record) {
        let ts = rec.source.timestamp;
        self.total.add(ts);
        let code = rec
            .error_code
            .as_deref()
            .or(rec.wrapper_code.as_deref())
            .unwrap_or(NO_CODE);
        self.by_error_code.add(code, ts);
        if let Some(a) = &rec.action {
            self.by_action.add(a, ts);
        }
        if let Some(p) = &rec.principal {
            self.by_principal.add(p, ts);
        }
    }

    /// Number of records counted.
    pub fn records(&self) -> u64 {
        self.total.count
    }

    /// The JSON object: `records`, `first_seen`/`last_seen` (ms or null) and one array of
    /// `{key, count, first_seen, last_seen}` per table, most frequent first.
    pub fn to_json(&self) -> Value {
        json!({
            "records": self.total.count,
            "first_seen": self.total.first_seen,
            "last_seen": self.total.last_seen,
            "by_error_code": self.by_error_code.to_json(),
            "by_action": self.by_action.to_json(),
            "by_principal": self.by_principal.to_json(),
        })
    }

    /// A plain text table, safe for a terminal (keys come from logs and are escaped).
    pub fn render_text(&self) -> String {
        self.render_text_in(crate::Lang::En)
    }

    /// [`Summary::render_text`] with its headings in `lang`.
    pub fn render_text_in(&self, lang: crate::Lang) -> String {
        let ja = lang == crate::Lang::Ja;
        let w = |en: &'static str, jp: &'static str| if ja { jp } else { en };
        // Headings are padded by display columns: a Japanese character takes two.
        let gap = |label: &str, cols: usize| {
            let width: usize = label
                .chars()
                .map(|c| if c.is_ascii() { 1 } else { 2 })
                .sum();
            " ".repeat(cols.saturating_sub(width))
        };
        let pad = |label: &str, cols: usize| format!("{label}{}", gap(label, cols));
        let mut s = String::new();
        let _ = write!(
            s,
            "{} {}",
            w("AWS errors:", "AWS エラー:"),
            self.total.count
        );
        if let (Some(f), Some(l)) = (self.total.first_seen, self.total.last_seen) {
            let _ = write!(
                s,
                " ({} {}, {} {})",
                w("first", "最初"),
                format_ms(f),
                w("last", "最後"),
                format_ms(l)
            );
        }
        s.push('\n');
        let timed = self.total.first_seen.is_some();
        for (title, tally) in [
            (w("error code", "エラーコード"), &self.by_error_code),
            (w("action", "操作"), &self.by_action),
            (w("principal", "呼び出し元"), &self.by_principal),
        ] {
            let rows = tally.rows();
            if rows.is_empty() {
                continue;
            }
            let count = w("count", "件数");
            let _ = write!(s, "\n{}{count}  ", gap(count, 8));
            if timed {
                let _ = write!(
                    s,
                    "{}  {}  ",
                    pad(w("first seen", "最初"), 24),
                    pad(w("last seen", "最後"), 24)
                );
            }
            let _ = writeln!(s, "{title}");
            for (k, e) in rows.iter().take(TEXT_ROWS) {
                let _ = write!(s, "{:>8}  ", e.count);
                if timed {
                    let f = e.first_seen.map(format_ms).unwrap_or_else(|| "-".into());
                    let l = e.last_seen.map(format_ms).unwrap_or_else(|| "-".into());
                    let _ = write!(s, "{f:<24}  {l:<24}  ");
                }
                let _ = writeln!(s, "{}", for_terminal(k));
            }
            if rows.len() > TEXT_ROWS {
                let rest: u64 = rows[TEXT_ROWS..].iter().map(|r| r.1.count).sum();
                let more = rows.len() - TEXT_ROWS;
                let line = if ja {
                    format!("{rest:>8}  ... ほかに {more} 種類")
                } else {
                    format!("{rest:>8}  ... {more} more distinct values")
                };
                let _ = writeln!(s, "{line}");
            }
        }
        s
    }
}

/// Milliseconds since the epoch as UTC `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn format_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Civil-from-days (proleptic Gregorian), after Howard Hinnant's published algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(code: Option<&str>, action: Option<&str>, ts: Option<i64>) -> Record {
        let mut r = Record {
            error_code: code.map(str::to_string),
            action: action.map(str::to_string),
            ..Default::default()
        };
        r.source.timestamp = ts;
        r
    }

    #[test]
    fn counts_and_times() {
        let mut s = Summary::new();
        s.add(&rec(
            Some("AccessDenied"),
            Some("s3:GetObject"),
            Some(2_000),
        ));
        s.add(&rec(
            Some("AccessDenied"),
            Some("s3:GetObject"),
            Some(1_000),
        ));
        s.add(&rec(Some("ThrottlingException"), None, None));
        s.add(&rec(None, None, Some(5_000)));
        let j = s.to_json();
        assert_eq!(j["records"], 4);
        assert_eq!(j["first_seen"], 1_000);
        assert_eq!(j["last_seen"], 5_000);
        assert_eq!(
            j["by_error_code"][0],
            json!({"key": "AccessDenied", "count": 2, "first_seen": 1000, "last_seen": 2000})
        );
        assert_eq!(j["by_error_code"][1]["key"], NO_CODE);
        assert_eq!(j["by_error_code"][2]["first_seen"], Value::Null);
        assert_eq!(j["by_action"].as_array().unwrap().len(), 1);
        assert_eq!(j["by_principal"], json!([]));
        let t = s.render_text();
        assert!(
            t.starts_with(
                "AWS errors: 4 (first 1970-01-01T00:00:01.000Z, last 1970-01-01T00:00:05.000Z)"
            ),
            "{t}"
        );
        assert!(
            t.contains(
                "       2  1970-01-01T00:00:01.000Z  1970-01-01T00:00:02.000Z  AccessDenied"
            ),
            "{t}"
        );
    }

    #[test]
    fn distinct_values_are_capped() {
        let mut s = Summary::new();
        for i in 0..MAX_KEYS + 5 {
            s.add(&rec(Some(&format!("Code{i}")), None, None));
        }
        s.add(&rec(Some("Code0"), None, None));
        let rows = s.by_error_code.rows();
        assert_eq!(rows.len(), MAX_KEYS + 1);
        assert_eq!(
            rows[0],
            (
                OTHER,
                Entry {
                    count: 5,
                    first_seen: None,
                    last_seen: None
                }
            )
        );
        assert_eq!(rows[1].0, "Code0");
        assert_eq!(rows[1].1.count, 2);
    }

    #[test]
    fn dates() {
        assert_eq!(format_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_ms(1_709_251_199_999), "2024-02-29T23:59:59.999Z");
        assert_eq!(format_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(format_ms(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn keys_from_logs_are_escaped() {
        let mut s = Summary::new();
        s.add(&rec(Some("Bad\x1b[2J"), None, None));
        assert!(s.render_text().contains("Bad\\u{1b}[2J"));
    }
}
