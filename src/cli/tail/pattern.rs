//! The search pushed down to CloudWatch: a filter pattern (FilterLogEvents, Live Tail) and a
//! Logs Insights query, both built from the anchor terms that every recognised error contains.
//!
//! The push-down only narrows what travels over the network; every event that arrives still
//! goes through the grammar, which decides. So the terms must be a superset: each text the
//! grammar recognises has to contain at least one of them, byte for byte (CloudWatch term
//! matching is case-sensitive).

/// Terms of which at least one appears in every error text awsplain recognises: the fixed
/// words of each wrapper format, plus the words every AWS error code family carries, so that
/// bare codes inside JSON (Step Functions `"error": "ECS.AccessDeniedException"`) pass too.
pub const ANCHOR_TERMS: &[&str] = &[
    // AWS CLI / boto: "An error occurred (Code) when calling the Op operation: ..."
    "error occurred",
    // Java SDK v1 and v2: "(Service: X; Status Code: 400; ..."
    "Status Code",
    // Go SDK v2: "https response error StatusCode: 403, RequestID: ..., api error Code: ..."
    "api error",
    // IAM: "User: arn:... is not authorized to perform: s3:GetObject on resource: ..."
    "not authorized",
    // Lambda: {"errorType": "...", "errorMessage": "..."}
    "errorType",
    // Step Functions error names and bare error codes.
    "States.",
    "Exception",
    "AccessDenied",
    "Unauthorized",
    "Forbidden",
    "Throttling",
];

/// CloudWatch limits `filterPattern` to 1024 characters.
pub const MAX_PATTERN_LEN: usize = 1024;

/// One OR term of the unstructured-text filter syntax: bare when it is only letters, digits
/// and underscores, otherwise in double quotes (the syntax requires quotes around anything
/// else, spaces included).
pub fn or_term(term: &str) -> Option<String> {
    if term.is_empty()
        || term.contains('"')
        || term.contains('\\')
        || term.chars().any(char::is_control)
    {
        return None;
    }
    if term.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Some(format!("?{term}"))
    } else {
        Some(format!("?\"{term}\""))
    }
}

/// `?"error occurred" ?"Status Code" ... ?Throttling`: matches events containing any term.
pub fn anchor_pattern(terms: &[&str]) -> String {
    let mut out: Vec<String> = Vec::new();
    for t in terms {
        if let Some(p) = or_term(t) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out.join(" ")
}

/// The pattern a request carries, if any.
///
/// The filter syntax cannot AND a user's pattern with an OR group, so a user pattern is sent
/// alone: CloudWatch applies it, and the grammar applies ours on the client, which together
/// give the intersection the user asked for.
pub fn request_pattern(user: Option<&str>, all_events: bool) -> Option<String> {
    match user {
        Some(p) if !p.trim().is_empty() => Some(p.to_string()),
        _ if all_events => None,
        _ => Some(anchor_pattern(ANCHOR_TERMS)),
    }
}

/// A Logs Insights query returning the candidate events of the groups, oldest first.
pub fn insights_query(
    terms: &[&str],
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
        let alts: Vec<String> = terms.iter().map(|t| regex_escape(t)).collect();
        q.push_str(" | filter @message like /");
        q.push_str(&alts.join("|"));
        q.push('/');
    }
    q.push_str(&format!(" | sort @timestamp asc | limit {limit}"));
    q
}

/// Escape a literal for an Insights `/regex/`, including the delimiter.
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The documented unstructured filter syntax, as far as generated patterns use it:
/// space-separated terms, each optionally prefixed by `?` (OR) or `-` (NOT), each either a run
/// of letters, digits and underscores or a double-quoted phrase. Returns the terms and whether
/// each is an OR term.
#[cfg(test)]
pub fn parse_term_pattern(p: &str) -> Result<Vec<(bool, String)>, String> {
    if p.len() > MAX_PATTERN_LEN {
        return Err(format!(
            "pattern is {} characters, more than {MAX_PATTERN_LEN}",
            p.len()
        ));
    }
    let mut out = Vec::new();
    let b = p.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let or = b[i] == b'?';
        if or || b[i] == b'-' {
            i += 1;
        }
        if i < b.len() && b[i] == b'"' {
            let start = i + 1;
            let end = p[start..].find('"').ok_or("unterminated quote")? + start;
            if end == start {
                return Err("empty quoted term".into());
            }
            out.push((or, p[start..end].to_string()));
            i = end + 1;
        } else {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            if i == start {
                return Err(format!("unexpected {:?} at {i}", p[i..].chars().next()));
            }
            out.push((or, p[start..i].to_string()));
        }
        if i < b.len() {
            if b[i] != b' ' {
                return Err(format!("terms must be separated by a space at {i}"));
            }
            i += 1;
            if i == b.len() {
                return Err("trailing space".into());
            }
        }
    }
    Ok(out)
}

/// How CloudWatch evaluates a pattern of OR terms: any term occurs (case-sensitively).
#[cfg(test)]
pub fn or_pattern_matches(p: &str, message: &str) -> bool {
    parse_term_pattern(p)
        .expect("valid pattern")
        .iter()
        .any(|(_, t)| message.contains(t.as_str()))
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
        let p = anchor_pattern(ANCHOR_TERMS);
        let terms = parse_term_pattern(&p).expect("generated pattern parses");
        assert_eq!(terms.len(), ANCHOR_TERMS.len());
        assert!(
            terms.iter().all(|(or, _)| *or),
            "every term is an OR term: {p}"
        );
        assert!(p.len() <= MAX_PATTERN_LEN);
        assert!(p.contains(r#"?"error occurred""#), "{p}");
        assert!(p.contains("?errorType"), "{p}");
        assert!(p.contains(r#"?"States.""#), "{p}");
    }

    #[test]
    fn terms_are_quoted_exactly_when_needed() {
        assert_eq!(or_term("Exception").as_deref(), Some("?Exception"));
        assert_eq!(or_term("snake_case9").as_deref(), Some("?snake_case9"));
        assert_eq!(or_term("api error").as_deref(), Some(r#"?"api error""#));
        assert_eq!(or_term("ECS.Access").as_deref(), Some(r#"?"ECS.Access""#));
        assert_eq!(or_term(""), None);
        assert_eq!(or_term(r#"say "hi""#), None);
        assert_eq!(anchor_pattern(&["a", "a", "b c"]), r#"?a ?"b c""#);
    }

    #[test]
    fn validator_rejects_malformed_patterns() {
        for bad in [r#"?"open"#, "?a  ?b", "?a ", r#"?"""#, "?a,?b", "a.b"] {
            assert!(parse_term_pattern(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn every_shape_passes_the_pushed_down_pattern() {
        let p = anchor_pattern(ANCHOR_TERMS);
        for s in SHAPES {
            assert!(or_pattern_matches(&p, s), "pattern {p} would drop: {s}");
        }
        assert!(!or_pattern_matches(&p, "INFO request served in 12 ms"));
    }

    #[test]
    fn grammar_hits_in_samples_pass_the_pushed_down_pattern() {
        // Whatever the grammar recognises in the sample texts must not be filtered away by
        // CloudWatch: each record's own text has to contain an anchor term.
        let p = anchor_pattern(ANCHOR_TERMS);
        let mut texts: Vec<String> = SHAPES.iter().map(|s| s.to_string()).collect();
        let mut dirs = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let path = e.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if let Ok(t) = std::fs::read_to_string(&path) {
                    texts.push(t);
                }
            }
        }
        for t in &texts {
            for rec in awsplain::scan_str(t) {
                let (s, e) = (rec.span.start as usize, rec.span.end as usize);
                let text = t.get(s..e).unwrap_or(t);
                assert!(
                    or_pattern_matches(&p, text),
                    "pattern {p} would drop: {text}"
                );
            }
        }
    }

    #[test]
    fn user_pattern_and_all_events() {
        assert_eq!(
            request_pattern(None, false),
            Some(anchor_pattern(ANCHOR_TERMS))
        );
        assert_eq!(request_pattern(None, true), None);
        assert_eq!(
            request_pattern(Some("ERROR"), false).as_deref(),
            Some("ERROR")
        );
        assert_eq!(
            request_pattern(Some("ERROR"), true).as_deref(),
            Some("ERROR")
        );
        assert_eq!(
            request_pattern(Some("  "), false),
            Some(anchor_pattern(ANCHOR_TERMS))
        );
    }

    #[test]
    fn insights_query_shape() {
        let q = insights_query(&["api error", "States.", "a/b"], None, false, 10_000);
        assert_eq!(
            q,
            r"fields @timestamp, @message, @logStream, @log | filter @message like /api error|States\.|a\/b/ | sort @timestamp asc | limit 10000"
        );
        let q = insights_query(ANCHOR_TERMS, Some("@logStream like /web/"), true, 50);
        assert_eq!(
            q,
            "fields @timestamp, @message, @logStream, @log | filter @logStream like /web/ | sort @timestamp asc | limit 50"
        );
    }
}
