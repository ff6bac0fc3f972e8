//! The search pushed down to CloudWatch: a filter pattern (FilterLogEvents, Live Tail) and a
//! Logs Insights query, both built from the scanner's cover literals: every recognised error
//! contains a trigger literal, and every trigger literal contains a cover. The covers are fewer
//! and shorter than the triggers, which keeps the pattern within CloudWatch's length limit.
//!
//! The push-down only narrows what travels over the network; every event that arrives still
//! goes through the grammar, which decides. So the pattern must match a superset of what the
//! grammar recognises. Plain filter terms (`?ERROR ?"api error"`) are matched by CloudWatch as
//! whole terms, so `?Exception` would miss `AccessDeniedException`; the regex form `%...%` is
//! a substring match, which is what the trigger literals need. Its documented limits shape the
//! pattern: letters, digits and `: _ # = @ / ; , -` as literals, the operators
//! `^ $ ? [ ] { } | \ * + .`, no parentheses, no multi-byte characters, at most two regexes
//! per pattern, and 1024 characters in all. So the Japanese sentences' own words cannot be
//! pushed down: their events arrive by the error code they name, which holds a cover word.

/// CloudWatch limits `filterPattern` to 1024 characters.
pub const MAX_PATTERN_LEN: usize = 1024;

fn literal_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || ":_#=@/;,-".contains(c)
}

/// Alternatives longer than this are cut, to keep the pattern within its length limit.
const MAX_ALT_LEN: usize = 16;

/// One literal as a regex alternative: allowed characters kept, every other ASCII character
/// turned into `.` (any character: still a superset), cut at non-ASCII characters keeping the
/// longest piece, and cut to [`MAX_ALT_LEN`]. Every step keeps a piece of the literal, and a
/// piece occurs wherever the literal does. Leading and trailing wildcards are dropped for the
/// same reason.
pub fn alternative(literal: &str) -> String {
    literal
        .split(|c: char| !c.is_ascii())
        .map(|piece| {
            let mapped: String = piece
                .chars()
                .map(|c| if literal_ok(c) { c } else { '.' })
                .collect();
            let mapped = mapped.trim_matches('.');
            mapped[..mapped.len().min(MAX_ALT_LEN)]
                .trim_end_matches('.')
                .to_string()
        })
        .max_by_key(|alt| alt.len())
        .unwrap_or_default()
}

/// The fewest alternatives matching everything the literals match: an alternative that
/// contains another one is redundant, since the shorter one matches wherever it does.
pub fn alternatives(literals: &[&str]) -> Vec<String> {
    let mut alts: Vec<String> = literals
        .iter()
        .map(|l| alternative(l))
        .filter(|a| !a.is_empty())
        .collect();
    alts.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    alts.dedup();
    let mut kept: Vec<String> = Vec::new();
    for a in alts {
        if !kept.iter().any(|k| a.contains(k.as_str())) {
            kept.push(a);
        }
    }
    kept.sort();
    kept
}

/// `%Exception|error|not.authorized.to|...%`: matches events containing any literal.
pub fn anchor_pattern(literals: &[&str]) -> String {
    format!("%{}%", alternatives(literals).join("|"))
}

/// The literals the pushed-down search looks for: the scanner's covers.
pub fn grammar_literals() -> Vec<&'static str> {
    awsplain::scan::cover_literals().to_vec()
}

/// The pattern a request carries, if any, and whether awsplain generated it.
///
/// The filter syntax cannot AND a user's pattern with the anchor regex in general, so a user
/// pattern is sent alone: CloudWatch applies it, and the grammar applies the anchors on the
/// client, which together give the intersection the user asked for.
pub fn request_pattern(user: Option<&str>, all_events: bool) -> Option<(String, bool)> {
    match user {
        Some(p) if !p.trim().is_empty() => Some((p.to_string(), false)),
        _ if all_events => None,
        _ => Some((anchor_pattern(&grammar_literals()), true)),
    }
}

/// A Logs Insights query returning the candidate events of the groups, oldest first.
pub fn insights_query(
    literals: &[&str],
    extra_filter: Option<&str>,
    all_events: bool,
    limit: u32,
) -> String {
    let mut q = String::from("fields @timestamp, @message, @logStream, @log");
    if let Some(f) = extra_filter.filter(|f| !f.trim().is_empty()) {
        q.push_str(" | filter ");
        q.push_str(f);
    }
    if !all_events {
        let alts: Vec<String> = alternatives(literals)
            .iter()
            .map(|a| a.replace('/', "\\/"))
            .collect();
        q.push_str(" | filter @message like /");
        q.push_str(&alts.join("|"));
        q.push('/');
    }
    q.push_str(&format!(" | sort @timestamp asc | limit {limit}"));
    q
}

/// Check a generated pattern against the documented regex filter syntax, returning its
/// alternatives.
#[cfg(test)]
pub fn parse_regex_pattern(p: &str) -> Result<Vec<String>, String> {
    if p.len() > MAX_PATTERN_LEN {
        return Err(format!(
            "pattern is {} characters, more than {MAX_PATTERN_LEN}",
            p.len()
        ));
    }
    let body = p
        .strip_prefix('%')
        .and_then(|r| r.strip_suffix('%'))
        .ok_or("a regex pattern is enclosed in %")?;
    if body.contains('%') {
        return Err("one regex only".into());
    }
    if let Some(c) = body
        .chars()
        .find(|&c| !(literal_ok(c) || "^$?[]{}|\\*+.".contains(c)))
    {
        return Err(format!("{c:?} is not allowed in a regex filter pattern"));
    }
    let alts: Vec<String> = body.split('|').map(str::to_string).collect();
    if alts.iter().any(String::is_empty) {
        return Err("empty alternative".into());
    }
    Ok(alts)
}

/// How CloudWatch evaluates the generated regex: some alternative occurs somewhere, with `.`
/// standing for any one character.
#[cfg(test)]
pub fn regex_pattern_matches(p: &str, message: &str) -> bool {
    let alts = parse_regex_pattern(p).expect("valid pattern");
    let text: Vec<char> = message.chars().collect();
    alts.iter().any(|a| {
        let pat: Vec<char> = a.chars().collect();
        text.windows(pat.len())
            .any(|w| w.iter().zip(&pat).all(|(t, p)| *p == '.' || t == p))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real-shaped messages of every wrapper format awsplain recognises.
    pub const SHAPES: &[&str] = &[
        "An error occurred (AccessDeniedException) when calling the ListTables operation: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: dynamodb:ListTables",
        "com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: 4B1D9E3B2A; Proxy: null)",
        "operation error S3: GetObject, https response error StatusCode: 403, RequestID: 7Q9T, HostID: abc=, api error AccessDenied: Access Denied",
        "User: arn:aws:sts::123456789012:assumed-role/app/i-0abc is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:123456789012:q because no identity-based policy allows the sqs:SendMessage action",
        r#"{"errorType": "AccessDeniedException", "errorMessage": "no", "trace": []}"#,
        r#"{"errorType":"Runtime.ImportModuleError","errorMessage":"Unable to import module"}"#,
        r#"{"id":"7","type":"TaskFailed","details":{"cause":"ECS.AccessDeniedException: denied (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 1a2b; Proxy: null)","error":"ECS.AccessDeniedException","resource":"runTask.sync","resourceType":"ecs"}}"#,
        r#"{"error": "States.TaskFailed", "cause": "something broke"}"#,
        "software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException: Requested resource not found (Service: DynamoDb, Status Code: 400, Request ID: ABCD)",
    ];

    #[test]
    fn generated_pattern_follows_the_documented_syntax() {
        let p = anchor_pattern(&grammar_literals());
        let alts = parse_regex_pattern(&p).unwrap_or_else(|e| panic!("{e}: {p}"));
        assert!(!alts.is_empty());
        assert!(p.len() <= MAX_PATTERN_LEN, "{} characters: {p}", p.len());
        assert!(
            !p.contains('(') && !p.contains(')') && !p.contains(' ') && !p.contains('"'),
            "{p}"
        );
        assert!(p.is_ascii());
    }

    #[test]
    fn every_trigger_literal_passes_the_pattern() {
        // Each literal matching the pattern means every text containing it does: the
        // push-down can never hide an error the grammar would have found.
        let p = anchor_pattern(&grammar_literals());
        for l in &awsplain::grammar::trigger_literals() {
            // A pattern holds no multi-byte character: the Japanese sentences' own words
            // cannot be pushed down (the test below).
            if alternative(l).is_empty() && !l.is_ascii() {
                continue;
            }
            assert!(
                regex_pattern_matches(&p, l),
                "pattern drops texts containing {l:?}: {p}"
            );
        }
    }

    #[test]
    fn japanese_errors_pass_the_pattern_by_their_code() {
        // Their own words cannot stand in a pattern; the code in parentheses holds a cover
        // word, as the codes of AWS's errors do.
        let p = anchor_pattern(&grammar_literals());
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("samples/formats/japanese.txt")).unwrap();
        let errors: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("エラーが発生"))
            .collect();
        assert!(errors.len() >= 4);
        for line in errors {
            assert!(regex_pattern_matches(&p, line), "{line}");
        }
    }

    #[test]
    fn alternatives_are_literal_pieces_without_redundancy() {
        assert_eq!(alternative("\"error\""), "error");
        assert_eq!(alternative("An error occurred ("), "An.error.occurre");
        assert_eq!(alternative("x-amzn-ErrorType"), "x-amzn-ErrorType");
        assert_eq!(alternative("Status Code:"), "Status.Code:");
        assert_eq!(alternative("ab\u{e9}cdef"), "cdef");
        assert_eq!(
            alternative("Essential container in task exited"),
            "Essential.contai"
        );
        assert_eq!(alternative("(\"\")"), "");
        assert_eq!(
            alternatives(&["errorType", "\"error\"", "operation error ", "Exception"]),
            ["Exception", "error"]
        );
        assert_eq!(anchor_pattern(&["b c", "a"]), "%a|b.c%");
    }

    #[test]
    fn validator_rejects_malformed_patterns() {
        for bad in [
            "%a||b%",
            "%a(b)%",
            "a|b",
            "%a b%",
            "%a%b%",
            "%caf\u{e9}%",
            "%a\"b%",
        ] {
            assert!(parse_regex_pattern(bad).is_err(), "{bad:?} accepted");
        }
        assert!(regex_pattern_matches("%a.c|zz%", "xxabcxx"));
        assert!(!regex_pattern_matches("%a.c|zz%", "xxacxz"));
    }

    #[test]
    fn every_shape_passes_the_pushed_down_pattern() {
        let p = anchor_pattern(&grammar_literals());
        for s in SHAPES {
            assert!(regex_pattern_matches(&p, s), "pattern {p} would drop: {s}");
            assert!(
                !awsplain::scan_str(s).is_empty(),
                "the grammar finds nothing in {s}"
            );
        }
        assert!(!regex_pattern_matches(&p, "INFO request served in 12 ms"));
    }

    #[test]
    fn user_pattern_and_all_events() {
        let ours = anchor_pattern(&grammar_literals());
        assert_eq!(request_pattern(None, false), Some((ours.clone(), true)));
        assert_eq!(request_pattern(None, true), None);
        assert_eq!(
            request_pattern(Some("ERROR"), false),
            Some(("ERROR".into(), false))
        );
        assert_eq!(
            request_pattern(Some("ERROR"), true),
            Some(("ERROR".into(), false))
        );
        assert_eq!(request_pattern(Some("  "), false), Some((ours, true)));
    }

    #[test]
    fn insights_query_shape() {
        let q = insights_query(&["api error", "States.", "a/b"], None, false, 10_000);
        assert_eq!(
            q,
            r"fields @timestamp, @message, @logStream, @log | filter @message like /States|a\/b|api.error/ | sort @timestamp asc | limit 10000"
        );
        let q = insights_query(&["x"], Some("@logStream like /web/"), true, 50);
        assert_eq!(
            q,
            "fields @timestamp, @message, @logStream, @log | filter @logStream like /web/ | sort @timestamp asc | limit 50"
        );
    }
}
