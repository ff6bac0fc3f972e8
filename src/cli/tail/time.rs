//! Time arguments of `tail`: relative durations (`90s`, `1h30m`) and RFC 3339 timestamps.

pub use awsplain::time::{format_rfc3339, parse_rfc3339, Millis};
use std::time::{SystemTime, UNIX_EPOCH};

pub fn now_millis() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Parse `--since` / `--until`: a duration back from `now` or an absolute RFC 3339 time.
pub fn parse_time(text: &str, now: Millis) -> Result<Millis, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty time".into());
    }
    if t.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if t.as_bytes()[0].is_ascii_digit() && t.len() > 4 && t.as_bytes()[4] == b'-' {
        return parse_rfc3339(t);
    }
    let d = parse_duration(t)?;
    Ok(now - d)
}

/// `90s`, `30m`, `2h`, `1d`, `1w`, `500ms` and concatenations such as `1h30m`.
pub fn parse_duration(text: &str) -> Result<Millis, String> {
    let bad = || {
        format!("`{text}` is neither a duration (90s, 30m, 2h, 1d, 1h30m) nor an RFC 3339 time (2026-11-28T09:00:00Z)")
    };
    let b = text.as_bytes();
    let mut i = 0;
    let mut total: i64 = 0;
    if b.is_empty() {
        return Err(bad());
    }
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(bad());
        }
        let n: i64 = text[start..i].parse().map_err(|_| bad())?;
        let ustart = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit: i64 = match &text[ustart..i] {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 7 * 86_400_000,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_800_000_000_000;

    #[test]
    fn relative_durations() {
        assert_eq!(parse_time("90s", NOW), Ok(NOW - 90_000));
        assert_eq!(parse_time("30m", NOW), Ok(NOW - 30 * 60_000));
        assert_eq!(parse_time("2h", NOW), Ok(NOW - 2 * 3_600_000));
        assert_eq!(parse_time("1d", NOW), Ok(NOW - 86_400_000));
        assert_eq!(parse_time("1h30m", NOW), Ok(NOW - 90 * 60_000));
        assert_eq!(parse_time("1w2d", NOW), Ok(NOW - 9 * 86_400_000));
        assert_eq!(parse_time("250ms", NOW), Ok(NOW - 250));
        assert_eq!(parse_time(" now ", NOW), Ok(NOW));
        assert_eq!(
            parse_time("2026-11-28T09:00:00Z", NOW),
            Ok(1_795_856_400_000)
        );
    }

    #[test]
    fn bad_durations_are_rejected() {
        for t in [
            "",
            "h",
            "10",
            "10x",
            "1h 30m",
            "-5m",
            "1.5h",
            "99999999999999999999s",
            "m30",
        ] {
            assert!(parse_time(t, NOW).is_err(), "{t:?} accepted");
        }
    }
}
