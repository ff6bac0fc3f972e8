//! Time arguments of `tail`: relative durations (`90s`, `1h30m`) and RFC 3339 timestamps.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, the unit CloudWatch Logs uses for event times.
pub type Millis = i64;

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

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; a space may stand for `T`, and a bare date means
/// midnight UTC.
pub fn parse_rfc3339(text: &str) -> Result<Millis, String> {
    let bad = |why: &str| {
        format!("`{text}` is not an RFC 3339 time ({why}); example: 2026-11-28T09:00:00Z")
    };
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Result<i64, String> {
        let s = text.get(from..from + len).ok_or_else(|| bad("too short"))?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad("expected digits"));
        }
        s.parse::<i64>().map_err(|_| bad("expected digits"))
    };
    let expect = |at: usize, chars: &[u8]| -> Result<(), String> {
        match b.get(at) {
            Some(c) if chars.contains(c) => Ok(()),
            _ => Err(bad("unexpected character")),
        }
    };
    let year = num(0, 4)?;
    expect(4, b"-")?;
    let month = num(5, 2)?;
    expect(7, b"-")?;
    let day = num(8, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(bad("no such date"));
    }
    let days = days_from_civil(year, month, day);
    if b.len() == 10 {
        return Ok(days * 86_400_000);
    }
    expect(10, b"Tt ")?;
    let hour = num(11, 2)?;
    expect(13, b":")?;
    let min = num(14, 2)?;
    expect(16, b":")?;
    let sec = num(17, 2)?;
    if hour > 23 || min > 59 || sec > 60 {
        return Err(bad("time of day out of range"));
    }
    let mut i = 19;
    let mut millis = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(bad("empty fraction"));
        }
        // Only milliseconds matter to CloudWatch; further digits are dropped.
        let frac = &text[start..i.min(start + 3)];
        millis =
            frac.parse::<i64>().map_err(|_| bad("fraction"))? * 10i64.pow(3 - frac.len() as u32);
    }
    let offset_min = match b.get(i) {
        Some(b'Z') | Some(b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() => {
            let oh = num(i + 1, 2)?;
            expect(i + 3, b":")?;
            let om = num(i + 4, 2)?;
            if oh > 23 || om > 59 {
                return Err(bad("offset out of range"));
            }
            let m = oh * 60 + om;
            if sign == b'-' {
                -m
            } else {
                m
            }
        }
        _ => return Err(bad("needs a zone: Z or ±HH:MM")),
    };
    let secs = days * 86_400 + hour * 3600 + min * 60 + sec.min(59) - offset_min * 60;
    Ok(secs * 1000 + millis)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `2026-11-28T09:00:00.123Z`, for messages and warnings.
pub fn format_rfc3339(ms: Millis) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s, frac) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{frac:03}Z")
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

    #[test]
    fn rfc3339_times() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_rfc3339("2026-11-28T09:00:00Z"), Ok(1_795_856_400_000));
        assert_eq!(
            parse_rfc3339("2026-11-28T09:00:00.5Z"),
            Ok(1_795_856_400_500)
        );
        assert_eq!(
            parse_rfc3339("2026-11-28T09:00:00.123456789Z"),
            Ok(1_795_856_400_123)
        );
        assert_eq!(
            parse_rfc3339("2026-11-28T18:00:00+09:00"),
            Ok(1_795_856_400_000)
        );
        assert_eq!(
            parse_rfc3339("2026-11-28 04:30:00-04:30"),
            Ok(1_795_856_400_000)
        );
        assert_eq!(parse_rfc3339("2024-02-29"), Ok(1_709_164_800_000));
        assert_eq!(
            parse_time("2026-11-28T09:00:00Z", NOW),
            Ok(1_795_856_400_000)
        );
    }

    #[test]
    fn bad_rfc3339_is_rejected() {
        for t in [
            "2026-11-28T09:00:00",
            "2026-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-11-28T24:00:00Z",
            "2026-11-28T09:00Z",
            "2026-11-28T09:00:00+0900",
            "2026-11-28T09:00:00.Z",
            "2026-11-28X09:00:00Z",
            "2026-11-28T09:00:00Zjunk",
        ] {
            assert!(parse_time(t, NOW).is_err(), "{t:?} accepted");
        }
    }

    #[test]
    fn format_round_trips() {
        for ms in [0, 1_795_856_400_123, 951_782_400_000, 4_102_444_799_999] {
            assert_eq!(parse_rfc3339(&format_rfc3339(ms)), Ok(ms));
        }
        assert_eq!(
            format_rfc3339(1_795_856_400_500),
            "2026-11-28T09:00:00.500Z"
        );
    }
}
