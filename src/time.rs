//! Times in log text: RFC 3339 timestamps parsed to and printed from milliseconds since the
//! Unix epoch (the unit CloudWatch Logs uses), and the timestamp that opens a log line.

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

/// The time a log line starts with, when it says one with its zone: `2026-11-28T09:00:00Z`,
/// `2026-11-28 09:00:00.123+09:00`, `[ERROR] 2026-11-28T09:00:00.123Z ...` (Lambda), `time=...`.
/// A comma may stand for the decimal point and `+0900` for `+09:00`. A time without a zone is
/// not taken: the text does not say which zone it is in.
pub fn line_timestamp(line: &str) -> Option<Millis> {
    let b = line.as_bytes();
    // Timestamps open a line or follow a short level or key prefix; look only there.
    let head = &b[..b.len().min(48)];
    let mut from = 0;
    while let Some(p) = head.get(from..)?.iter().position(u8::is_ascii_digit) {
        let at = from + p;
        if at > 0 && b[at - 1].is_ascii_alphanumeric() {
            from = at + 1;
            continue;
        }
        if let Some(ms) = timestamp_at(b, at) {
            return Some(ms);
        }
        // Skip the rest of this run of digits.
        from = at + b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
    }
    None
}

/// An RFC 3339 timestamp (in the lenient forms [`line_timestamp`] takes) starting at `at`.
/// Read from the bytes in place: [`parse_rfc3339`] on a normalised copy gives the same time, but
/// the copy was the main cost of every record's timestamp.
fn timestamp_at(b: &[u8], at: usize) -> Option<Millis> {
    let r = b.get(at..at + 19)?;
    if !(r[4] == b'-'
        && r[7] == b'-'
        && matches!(r[10], b'T' | b't' | b' ')
        && r[13] == b':'
        && r[16] == b':')
    {
        return None;
    }
    let (year, month, day) = (digits(&r[..4])?, digits(&r[5..7])?, digits(&r[8..10])?);
    let (hour, min, sec) = (
        digits(&r[11..13])?,
        digits(&r[14..16])?,
        digits(&r[17..19])?,
    );
    let mut i = at + 19;
    let mut millis = 0;
    if matches!(b.get(i), Some(b'.' | b',')) {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
        // Only milliseconds matter to CloudWatch; further digits are dropped.
        let frac = &b[start..i.min(start + 3)];
        millis = digits(frac)? * 10i64.pow(3 - frac.len() as u32);
    }
    let offset_min = match b.get(i) {
        Some(b'Z' | b'z') => 0,
        Some(&sign @ (b'+' | b'-')) => {
            // `+09:00` or `+0900`.
            let (h, m) = match b.get(i + 1..)? {
                [h1, h2, b':', m1, m2, ..] | [h1, h2, m1, m2, ..] => ([*h1, *h2], [*m1, *m2]),
                _ => return None,
            };
            let (oh, om) = (digits(&h)?, digits(&m)?);
            if oh > 23 || om > 59 {
                return None;
            }
            if sign == b'-' {
                -(oh * 60 + om)
            } else {
                oh * 60 + om
            }
        }
        _ => return None,
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + min * 60 + sec.min(59) - offset_min * 60;
    Some(secs * 1000 + millis)
}

/// The number written in `s`, which must be all ASCII digits (and short enough not to overflow).
fn digits(s: &[u8]) -> Option<i64> {
    s.iter().try_fold(0i64, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
    })
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

    #[test]
    fn timestamps_that_open_log_lines() {
        let t = 1_795_856_400_000;
        for line in [
            "2026-11-28T09:00:00Z ERROR boom",
            "2026-11-28T09:00:00.000Z\tabc-123\tERROR x",
            "[ERROR] 2026-11-28T09:00:00.000Z 1b2c ClientError",
            "2026-11-28 18:00:00,000+0900 ERROR x",
            "time=2026-11-28T18:00:00+09:00 level=error msg=x",
        ] {
            assert_eq!(line_timestamp(line), Some(t), "{line}");
        }
        for (line, ms) in [
            ("2026-11-28T18:00:00.5+09:00 x", t + 500),
            ("2026-11-28t04:30:00.1239-0430 x", t + 123),
            ("2026-11-28T09:00:60z leap second", t + 59_000),
        ] {
            assert_eq!(line_timestamp(line), Some(ms), "{line}");
        }
        for line in [
            "2026-11-28 09:00:00,123 ERROR no zone, so no time",
            "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized",
            "id 12026-11-28T09:00:00Z",
            "",
            "2026-11-28",
            "1234567890123456789012345678901234567890123456789012345678",
            "[x] 20261128 2026112800000000000000000000000000000000000000000",
            "2026-11-28T09:00:00.Z empty fraction",
            "2026-11-28T09:00:00+09:0",
            "2026-11-28T09:00:00+24:00 offset out of range",
            "2026-02-29T09:00:00Z no such day",
            "2026-11-28T09:0a:00Z",
        ] {
            assert_eq!(line_timestamp(line), None, "{line}");
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
        assert_eq!(parse_rfc3339("2026-11-28T09:00:00Z"), Ok(1_795_856_400_000));
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
            assert!(parse_rfc3339(t).is_err(), "{t:?} accepted");
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
