//! The IAM authorization sentence: `User: P is not authorized to perform: A on resource: R because ...`.

use super::lex::{self, class, offset, quoted, tag_ascii_no_case, trim_trailing, ws};
use super::piece::{Field, Piece, Strength};
use super::{error_pieces, Format};
use crate::record::{Deny, PolicyType};
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while1};
use nom::combinator::opt;
use nom::sequence::preceded;
use nom::{IResult, Parser};

/// `service:Action`, optionally quoted: `iam:PassRole`, `execute-api:Invoke`, `s3:*`.
/// Read bytewise: every byte of an action is ASCII.
pub fn action(i: &str) -> IResult<&str, &str> {
    let quote = |s: &str| s.starts_with(['`', '\'', '"']);
    let i = if quote(i) { &i[1..] } else { i };
    let run = |s: &str, ok: fn(u8) -> bool| s.bytes().position(|c| !ok(c)).unwrap_or(s.len());
    fn fail(at: &str, kind: nom::error::ErrorKind) -> IResult<&str, &str> {
        Err(nom::Err::Error(nom::error::Error::new(at, kind)))
    }
    let service = run(i, |c| c.is_ascii_alphanumeric() || c == b'-');
    if service == 0 {
        return fail(i, nom::error::ErrorKind::TakeWhile1);
    }
    let Some(name) = i[service..].strip_prefix(':') else {
        return fail(&i[service..], nom::error::ErrorKind::Tag);
    };
    let name_len = run(name, |c| c.is_ascii_alphanumeric() || c == b'*');
    if name_len == 0 {
        return fail(name, nom::error::ErrorKind::TakeWhile1);
    }
    let end = service + 1 + name_len;
    let rest = &i[end..];
    let rest = if quote(rest) { &rest[1..] } else { rest };
    Ok((rest, &i[..end]))
}

/// A policy type as AWS names it in the reason clause.
pub fn policy_type(i: &str) -> IResult<&str, PolicyType> {
    // The spellings are told apart by their first letter; trying only those that start with it
    // spares the case-insensitive compare of every other spelling.
    match i.as_bytes().first().map(u8::to_ascii_lowercase) {
        Some(b'i') => alt((
            tag_ascii_no_case("identity-based policy").map(|_| PolicyType::IdentityBased),
            tag_ascii_no_case("identity based policy").map(|_| PolicyType::IdentityBased),
        ))
        .parse(i),
        Some(b'r') => alt((
            tag_ascii_no_case("resource-based policy").map(|_| PolicyType::ResourceBased),
            tag_ascii_no_case("resource based policy").map(|_| PolicyType::ResourceBased),
            tag_ascii_no_case("resource control policy").map(|_| PolicyType::ResourceControl),
            tag_ascii_no_case("role trust policy").map(|_| PolicyType::ResourceBased),
        ))
        .parse(i),
        Some(b's') => alt((
            tag_ascii_no_case("service control policy").map(|_| PolicyType::ServiceControl),
            tag_ascii_no_case("sessions policy").map(|_| PolicyType::Session),
            tag_ascii_no_case("session policy").map(|_| PolicyType::Session),
        ))
        .parse(i),
        Some(b'p') => alt((
            tag_ascii_no_case("permissions boundary").map(|_| PolicyType::PermissionsBoundary),
            tag_ascii_no_case("permission boundary").map(|_| PolicyType::PermissionsBoundary),
        ))
        .parse(i),
        Some(b'v') => tag_ascii_no_case("VPC endpoint policy")
            .map(|_| PolicyType::VpcEndpoint)
            .parse(i),
        Some(b't') => tag_ascii_no_case("trust policy")
            .map(|_| PolicyType::ResourceBased)
            .parse(i),
        _ => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Tag,
        ))),
    }
}

/// The reason clause after the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason<'a> {
    pub deny: Deny,
    pub policy_type: Option<PolicyType>,
    pub policy_arn: Option<&'a str>,
    /// The action an implicit denial names (`allows the iam:PassRole action`).
    pub action: Option<&'a str>,
}

/// `because no <type> allows the <action> action`
fn implicit_reason(i: &str) -> IResult<&str, Reason<'_>> {
    let (i, (_, _, _, _, pt, _, _, named)) = (
        tag("because"),
        ws,
        tag("no"),
        ws,
        policy_type,
        ws,
        tag("allows"),
        opt((ws, tag("the"), ws, action, ws, tag("action"))),
    )
        .parse(i)?;
    Ok((
        i,
        Reason {
            deny: Deny::Implicit,
            policy_type: Some(pt),
            policy_arn: None,
            action: named.map(|(_, _, _, a, _, _)| a),
        },
    ))
}

/// `with an explicit deny [in a|an|the <type>[: <policy arn>]]`
fn explicit_reason(i: &str) -> IResult<&str, Reason<'_>> {
    let (i, _) = (
        tag("with"),
        ws,
        tag("an"),
        ws,
        tag("explicit"),
        ws,
        tag("deny"),
    )
        .parse(i)?;
    let (i, pt) = opt(preceded(
        (
            ws,
            tag("in"),
            ws,
            alt((tag("an"), tag("a"), tag("the"))),
            ws,
        ),
        policy_type,
    ))
    .parse(i)?;
    let (i, parn) = if pt.is_some() {
        opt(preceded(
            (tag(":"), ws),
            take_while1(|c: char| !c.is_whitespace()),
        ))
        .parse(i)?
    } else {
        (i, None)
    };
    let parn = parn.map(trim_trailing).filter(|a| a.starts_with("arn:"));
    Ok((
        i,
        Reason {
            deny: Deny::Explicit,
            policy_type: pt,
            policy_arn: parn,
            action: None,
        },
    ))
}

pub fn reason(i: &str) -> IResult<&str, Reason<'_>> {
    alt((implicit_reason, explicit_reason)).parse(i)
}

/// The resource after `on resource:`; an ARN is one token, other forms (`role X`) run to the reason.
fn resource(i: &str) -> (&str, Option<&str>) {
    if let Some(r) = i.strip_prefix('`') {
        // SES quotes like `this'.
        if let Some(e) = r.find(['\'', '`']) {
            return (&r[e + 1..], Some(&r[..e]));
        }
    }
    if let Ok((rest, q)) = quoted(i) {
        return (rest, Some(q));
    }
    if i.starts_with("arn:") {
        let end = token_end(i);
        let end = end + spaced_parts(&i[end..], &[" because ", " with an explicit deny"]);
        return (&i[end..], Some(trim_trailing(&i[..end])));
    }
    let line_end = memchr::memchr2(b'\n', b'"', i.as_bytes()).unwrap_or(i.len());
    let mut end = line_end;
    for stop in [
        " because ",
        " with an explicit deny",
        " (Service:",
        " status code",
        " - ",
    ] {
        if let Some(p) = i[..line_end].find(stop) {
            end = end.min(p);
        }
    }
    let r = trim_trailing(i[..end].trim());
    (&i[end..], if r.is_empty() { None } else { Some(r) })
}

/// How much of `rest` (the text after an ARN's first token) still belongs to the ARN: parts
/// that a pasted wrap parted from it with a space (`role/app-ser vice-role`), when the
/// sentence's next fixed words (`stops`) follow them. A part is printable ASCII opening with
/// neither a bracket nor a quote, and there are four at most (a wrap every 40 columns leaves
/// no more in an ARN); 0 when none follow or the words do not come after them. An empty stop
/// stands for the end of `rest`.
fn spaced_parts(rest: &str, stops: &[&str]) -> usize {
    let (mut end, mut parts) = (0, 0);
    loop {
        let here = &rest[end..];
        if stops.iter().any(|s| {
            if s.is_empty() {
                here.is_empty()
            } else {
                here.starts_with(s)
            }
        }) {
            return end;
        }
        let Some(part) = rest[end..].strip_prefix(' ') else {
            return 0;
        };
        let len = part.find(char::is_whitespace).unwrap_or(part.len());
        let tok = &part[..len];
        let arn_like = !tok.is_empty()
            && !tok.starts_with(['(', '[', '{', '"', '\'', '`'])
            && tok.bytes().all(|b| b.is_ascii_graphic());
        parts += 1;
        if !arn_like || parts > 4 {
            return 0;
        }
        end += 1 + len;
    }
}

/// Parse the sentence whose `not authorized to` starts at `at` in `text`.
pub fn parse_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let after = &text[at..];
    if after.starts_with(super::super::japanese::AUTHZ_ANCHOR) {
        return super::super::japanese::authz_at(text, at);
    }
    let (mut rest, _) = tag_ascii_no_case("not authorized to").parse(after).ok()?;
    let mut piece = Piece::new(at, at, Strength::Context, "plain", 50);
    let (principal, start) = principal_before(text, at);
    if let Some((p, s)) = principal.zip(start) {
        piece.set(Field::Principal, p);
        piece.start = s;
    }
    if let Ok((r, _)) = (
        ws,
        tag::<_, _, nom::error::Error<&str>>("perform"),
        opt(tag(":")),
        ws,
    )
        .parse(rest)
    {
        rest = r;
        let parsed = match action(rest) {
            Ok((r, a)) => {
                piece.set(Field::Action, a);
                Some(r)
            }
            // `perform API action on resource: ...`: no action named, but the rest still parses.
            Err(_) => {
                let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
                line.find(" on resource")
                    .filter(|p| *p < 60)
                    .map(|p| &rest[p..])
            }
        };
        if let Some(r) = parsed {
            rest = r;
            if let Ok((r, _)) = (ws, tag::<_, _, nom::error::Error<&str>>("on"), ws).parse(rest) {
                if let Ok((r2, _)) = (tag::<_, _, nom::error::Error<&str>>(
                    "the resource associated with this ciphertext",
                ),)
                    .parse(r)
                {
                    rest = r2;
                } else if let Ok((r2, _)) = (
                    tag::<_, _, nom::error::Error<&str>>("resource"),
                    opt(tag(":")),
                    ws,
                )
                    .parse(r)
                {
                    let (r3, res) = resource(r2);
                    if let Some(res) = res {
                        piece.set(Field::Resource, res);
                    }
                    rest = r3;
                }
            }
            if let Ok((r, (_, why))) = (ws, reason).parse(rest) {
                piece.deny = Some(why.deny);
                piece.policy_type = why.policy_type;
                if let Some(p) = why.policy_arn {
                    piece.set(Field::PolicyArn, p);
                }
                // An action the sentence spelt apart (`perform: iam: PassRole`, a wrap pasted
                // back) is the one its reason names.
                if let Some(a) = why.action.filter(|_| piece.get(Field::Action).is_none()) {
                    piece.set(Field::Action, a);
                }
                rest = r;
            }
        }
    }
    piece.end = offset(text, rest);
    if piece.get(Field::Principal).is_some()
        || piece.get(Field::Action).is_some()
        || piece.deny.is_some()
    {
        piece.strength = Strength::Error;
    }
    Some(piece)
}

/// Where the last token of `s` starts; spaces inside `<...>`, `[...]`, `{...}` (redaction
/// placeholders such as `<account id>`) do not end a token.
fn token_start(s: &str) -> usize {
    // Bytewise, decoding only the characters that are not ASCII (they may be whitespace).
    let b = s.as_bytes();
    let mut depth = 0i32;
    let mut end = b.len();
    while end > 0 {
        if !class::is(
            b[end - 1],
            class::WHITE | class::OPEN | class::CLOSE | class::WIDE,
        ) {
            end -= 1;
            continue;
        }
        let (i, white) = if b[end - 1].is_ascii() {
            (end - 1, char::from(b[end - 1]).is_whitespace())
        } else {
            let c = s[..end]
                .chars()
                .next_back()
                .expect("a character before `end`");
            (end - c.len_utf8(), c.is_whitespace())
        };
        match b[i] {
            b'>' | b']' | b'}' => depth += 1,
            b'<' | b'[' | b'{' => depth -= 1,
            _ if white && depth <= 0 => return end,
            _ => {}
        }
        end = i;
    }
    0
}

/// Where the first token of `s` ends, with the same bracket rule as [`token_start`].
fn token_end(s: &str) -> usize {
    // Bytewise, decoding only the characters that are not ASCII (they may be whitespace).
    let b = s.as_bytes();
    let mut depth = 0i32;
    let mut i = 0;
    while i < b.len() {
        if !class::is(
            b[i],
            class::WHITE | class::OPEN | class::CLOSE | class::WIDE,
        ) {
            i += 1;
            continue;
        }
        let (next, white) = if b[i].is_ascii() {
            (i + 1, char::from(b[i]).is_whitespace())
        } else {
            let c = s[i..].chars().next().expect("a character at `i`");
            (i + c.len_utf8(), c.is_whitespace())
        };
        match b[i] {
            // A closing tag ends an ARN in a compact XML body (`...role/admin</Message>`);
            // `<` otherwise opens a placeholder (`arn:aws:iam::<account-id>:role/x`).
            b'<' if depth <= 0 && b.get(i + 1) == Some(&b'/') => return i,
            b'<' | b'[' | b'{' => depth += 1,
            b'>' | b']' | b'}' => depth -= 1,
            _ if white && depth <= 0 => return i,
            _ => {}
        }
        if depth < 0 {
            depth = 0;
        }
        i = next;
    }
    s.len()
}

/// The principal before `is not authorized`: `User: P`, `User \`P'`, or a bare ARN.
fn principal_before(text: &str, at: usize) -> (Option<&str>, Option<usize>) {
    let before = text[..at].trim_end();
    let Some(before) = before.strip_suffix("is") else {
        return (None, None);
    };
    let before = before.trim_end();
    let tok_start = token_start(before);
    let tok = &before[tok_start..];
    let unq = tok.trim_matches(['\'', '`', '"']);
    let lead = before[..tok_start].trim_end();
    let has_user = lead.ends_with("User:") || lead.ends_with("User");
    if unq.is_empty() || unq == "User:" {
        return (None, None);
    }
    // `User: arn:...:assumed-role/app-ser vice/s is not`: an ARN a pasted wrap parted with a
    // space runs from `User: ` to `is`.
    if !(lead.ends_with("User:") || lead.ends_with("User")) {
        // The parts are spaced apart on one line: the search stays in it.
        let line = lex::line_start(before, tok_start);
        if let Some(u) = lex::rfind(&before[line..tok_start], "User: arn:").map(|u| line + u) {
            let from = u + "User: ".len();
            let first = from + token_end(&before[from..]);
            if spaced_parts(&before[first..], &[""]) > 0 {
                return (Some(&before[from..]), Some(u));
            }
        }
    }
    if has_user {
        // The last `User` of the lead is the one it ends with (before its colon, if any).
        let s = lead.len() - "User".len() - usize::from(lead.ends_with(':'));
        return (Some(unq), Some(s));
    }
    if unq.starts_with("arn:") {
        return (Some(unq), Some(tok_start));
    }
    (None, None)
}

pub(crate) static FORMAT: Format = Format {
    name: "authorization sentence",
    sample: "scp-deny.txt",
    ebnf: ("authorization.ebnf", "The authorization sentence"),
    anchors: |add| {
        add("not authorized to", 0);
        add("Not authorized to", 0);
        add(super::super::japanese::AUTHZ_ANCHOR, 0);
    },
    triggers: |add| {
        add("not authorized to");
        add("Not authorized to");
        add(super::super::japanese::AUTHZ_ANCHOR);
    },
    parse: |ev, at, _, _| parse_at(ev.text, at),
    repeats: error_pieces,
    // With its IAM action, an ARN principal or a deny clause: the sentence of IAM.
    aws_shape: |p| {
        p.deny.is_some()
            || p.get(Field::Action).is_some_and(|a| a.contains(':'))
            || p.get(Field::Principal)
                .is_some_and(|a| a.starts_with("arn:"))
    },
    sentence: |p| p.get(Field::ErrorCode).is_none(),
    ..Format::DEFAULT
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::PolicyType::*;

    fn p(s: &str) -> Piece<'_> {
        let at = s
            .find("not authorized to")
            .or_else(|| s.find("Not authorized to"))
            .unwrap();
        parse_at(s, at).unwrap()
    }

    #[test]
    fn an_arn_ends_at_a_closing_tag_but_keeps_placeholders() {
        let x = p("<Message>User: arn:aws:iam::123456789012:user/bob is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::bucket/key</Message><RequestId>ABC</RequestId>");
        assert_eq!(x.get(Field::Resource), Some("arn:aws:s3:::bucket/key"));
        let x = p("User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:PassRole on resource: arn:aws:iam::<account-id>:role/x</Message>");
        assert_eq!(
            x.get(Field::Resource),
            Some("arn:aws:iam::<account-id>:role/x")
        );
    }

    #[test]
    fn implicit_identity() {
        let x = p("User: arn:aws:sts::123456789012:assumed-role/sfn-role/x is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/ecsTaskExecutionRole because no identity-based policy allows the iam:PassRole action");
        assert_eq!(
            x.get(Field::Principal),
            Some("arn:aws:sts::123456789012:assumed-role/sfn-role/x")
        );
        assert_eq!(x.get(Field::Action), Some("iam:PassRole"));
        assert_eq!(
            x.get(Field::Resource),
            Some("arn:aws:iam::123456789012:role/ecsTaskExecutionRole")
        );
        assert_eq!(x.deny, Some(Deny::Implicit));
        assert_eq!(x.policy_type, Some(IdentityBased));
        assert_eq!(x.start, 0);
    }

    #[test]
    fn explicit_with_policy_arn() {
        let x = p("User: arn:aws:iam::1:user/u is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k with an explicit deny in a service control policy: arn:aws:organizations::1:policy/o-a/service_control_policy/p-b.");
        assert_eq!(x.deny, Some(Deny::Explicit));
        assert_eq!(x.policy_type, Some(ServiceControl));
        assert_eq!(
            x.get(Field::PolicyArn),
            Some("arn:aws:organizations::1:policy/o-a/service_control_policy/p-b")
        );
    }

    #[test]
    fn wrapped_and_old_forms() {
        let x = p("User:\narn:aws:sts::1:assumed-role/r/s\nis not authorized to perform: cloudtrail:LookupEvents");
        assert_eq!(
            x.get(Field::Principal),
            Some("arn:aws:sts::1:assumed-role/r/s")
        );
        assert_eq!(x.deny, None);
        let y = p("User: arn:aws:iam::1:user/u is not authorized to perform: iam:GetRole on resource: role now-default-role");
        assert_eq!(y.get(Field::Resource), Some("role now-default-role"));
        let z = p(
            "Not authorized to perform sts:AssumeRoleWithSAML (Service: AWSSecurityTokenService)",
        );
        assert_eq!(z.get(Field::Action), Some("sts:AssumeRoleWithSAML"));
    }

    #[test]
    fn placeholders_with_spaces() {
        let x = p("User: arn:aws:sts::<account id>:assumed-role/r/s is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:eu-west-2:<account id>:parameter/X because no identity-based policy allows the ssm:GetParameters action");
        assert_eq!(
            x.get(Field::Principal),
            Some("arn:aws:sts::<account id>:assumed-role/r/s")
        );
        assert_eq!(
            x.get(Field::Resource),
            Some("arn:aws:ssm:eu-west-2:<account id>:parameter/X")
        );
        let y = p("The IAM Entity is not authorized to perform API action on resource: arn:aws:iam::1:role/Admin with an explicit deny in a service control policy");
        assert_eq!(y.get(Field::Resource), Some("arn:aws:iam::1:role/Admin"));
        assert_eq!(y.policy_type, Some(ServiceControl));
    }

    #[test]
    fn ses_quoted_and_kms() {
        let x = p("User `arn:aws:iam::1:user/u' is not authorized to perform `ses:SendRawEmail' on resource `arn:aws:ses:us-east-1:1:identity/a@b.c'");
        assert_eq!(x.get(Field::Principal), Some("arn:aws:iam::1:user/u"));
        assert_eq!(x.get(Field::Action), Some("ses:SendRawEmail"));
        assert_eq!(
            x.get(Field::Resource),
            Some("arn:aws:ses:us-east-1:1:identity/a@b.c")
        );
        let k = p("User: arn:aws:iam::1:user/u is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext because no identity-based policy allows the kms:Decrypt action");
        assert_eq!(k.get(Field::Resource), None);
        assert_eq!(k.deny, Some(Deny::Implicit));
    }

    #[test]
    fn arns_and_actions_a_pasted_wrap_spaced_apart() {
        let x = p("Message returned: User: arn:aws:sts::123456789012:assumed-role/app-ser vice-role/fn-wor ker is not authorized to perform: iam: PassRole on resource: arn:aws:iam::123456789012:role/deploy-exe cution-role because no identity-based policy allows the iam:PassRole action");
        assert_eq!(
            x.get(Field::Principal),
            Some("arn:aws:sts::123456789012:assumed-role/app-ser vice-role/fn-wor ker")
        );
        assert_eq!(x.get(Field::Action), Some("iam:PassRole"));
        assert_eq!(
            x.get(Field::Resource),
            Some("arn:aws:iam::123456789012:role/deploy-exe cution-role")
        );
        // Without the reason after it, a token after the ARN is not the ARN's.
        let y = p("User: arn:aws:iam::1:user/u is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k (Service: Amazon S3; Status Code: 403)");
        assert_eq!(y.get(Field::Resource), Some("arn:aws:s3:::b/k"));
        let z = p("User: arn:aws:iam::1:user/u (via the job runner) is not authorized to perform: s3:GetObject");
        assert_eq!(z.get(Field::Principal), None);
    }

    #[test]
    fn policy_type_spellings() {
        for (s, t) in [
            ("sessions policy", Session),
            ("role trust policy", ResourceBased),
            ("VPC endpoint policy", VpcEndpoint),
            ("permissions boundary", PermissionsBoundary),
            ("resource control policy", ResourceControl),
        ] {
            assert_eq!(policy_type(s).unwrap().1, t);
        }
    }
}
