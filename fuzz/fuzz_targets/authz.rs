//! Fuzz target: the IAM authorization sentence (`User: P is not authorized to perform: A on
//! resource: R because ...`). Built from parts the fuzzer picks, where the parsed fields must
//! be the parts; or arbitrary text, where every parse must stay inside the text.
#![no_main]

use awsplain::grammar::authz::parse_at;
use awsplain::grammar::piece::Field;
use awsplain::record::{Deny, PolicyType};
use awsplain_fuzz::{scan_text, Input, ALNUM, DIGITS, LOWER_DIGIT};
use libfuzzer_sys::fuzz_target;

const NAME: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=@_-";

const TYPES: &[(&str, PolicyType)] = &[
    ("identity-based policy", PolicyType::IdentityBased),
    ("resource-based policy", PolicyType::ResourceBased),
    ("service control policy", PolicyType::ServiceControl),
    ("resource control policy", PolicyType::ResourceControl),
    ("permissions boundary", PolicyType::PermissionsBoundary),
    ("session policy", PolicyType::Session),
    ("VPC endpoint policy", PolicyType::VpcEndpoint),
];

const TAILS: &[&str] = &[
    "",
    ".",
    "\n",
    " (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 0f1e2d3c-1111-2222-3333-444455556666; Proxy: null)",
    "\n\tstatus code: 403, request id: 0f1e2d3c-1111-2222-3333-444455556666",
    "\" }",
];

/// Every parse of arbitrary text stays inside it and takes its values from it.
fn raw(text: &str) {
    let lower = text.to_ascii_lowercase();
    for (at, _) in lower.match_indices("not authorized to") {
        let Some(p) = parse_at(text, at) else {
            continue;
        };
        assert!(p.start <= at && at <= p.end && p.end <= text.len(), "{p:?}");
        assert!(text.is_char_boundary(p.start) && text.is_char_boundary(p.end));
        for (_, v) in &p.values {
            assert!(text.contains(v.as_str()), "value {v:?} is not in the text");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    if flags & 0x80 != 0 {
        let text = String::from_utf8_lossy(inp.rest());
        raw(&text);
        scan_text(&text, u64::from(flags));
        return;
    }
    let choice = inp.byte();
    let account = inp.word(DIGITS, 12, "123456789012");
    let role = inp.word(NAME, 64, "deploy-role");
    let session = inp.word(NAME, 64, "ci-42");
    let principal = match choice % 3 {
        0 => format!("arn:aws:sts::{account}:assumed-role/{role}/{session}"),
        1 => format!("arn:aws:iam::{account}:user/{role}"),
        _ => format!("arn:aws:iam::{account}:role/service-role/{role}"),
    };
    let service = inp.word(LOWER_DIGIT, 20, "iam");
    let op = format!(
        "{}{}",
        inp.word(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1, "P"),
        inp.word(ALNUM, 40, "assRole")
    );
    let action = format!("{service}:{op}");
    let region = inp.word(LOWER_DIGIT, 12, "us-east-1");
    let rname = inp.word(NAME, 60, "ecsTaskExecutionRole");
    let resource = match (choice / 3) % 4 {
        0 => Some(format!("arn:aws:iam::{account}:role/{rname}")),
        1 => Some(format!(
            "arn:aws:{service}:{region}:{account}:table/{rname}/index/*"
        )),
        2 => Some(format!(
            "arn:aws:s3:::{}/{rname}",
            rname.to_ascii_lowercase()
        )),
        _ => None,
    };
    let (ptype, pname) = TYPES[usize::from(inp.byte()) % TYPES.len()];
    let reason = inp.byte() % 4;
    let policy_arn = format!(
        "arn:aws:organizations::{account}:policy/o-abc/service_control_policy/p-{}",
        inp.word(LOWER_DIGIT, 8, "x1")
    );
    let (deny, because, want_type, want_arn) = match reason {
        0 => (None, String::new(), None, None),
        1 => (
            Some(Deny::Implicit),
            format!(" because no {ptype} allows the {action} action"),
            Some(pname),
            None,
        ),
        2 => (
            Some(Deny::Explicit),
            format!(" with an explicit deny in a {ptype}"),
            Some(pname),
            None,
        ),
        _ => (
            Some(Deny::Explicit),
            format!(" with an explicit deny in a {ptype}: {policy_arn}"),
            Some(pname),
            Some(policy_arn.as_str()),
        ),
    };
    let on = match &resource {
        Some(r) => format!(" on resource: {r}"),
        None => String::new(),
    };
    let mut sentence =
        format!("User: {principal} is not authorized to perform: {action}{on}{because}");
    if flags & 1 != 0 {
        // Terminals and consoles hard-wrap long lines anywhere between words.
        sentence = sentence.replace(" is ", "\nis ").replace(" on ", "\non ");
    }
    let tail = TAILS[usize::from(flags >> 1) % TAILS.len()];
    let lead = if flags & 16 != 0 {
        "An error occurred (AccessDenied) when calling the PutItem operation: "
    } else {
        ""
    };
    let text = format!("{lead}{sentence}{tail}");
    let at = text.find("not authorized to").unwrap();
    let p = parse_at(&text, at).expect("the sentence parses");
    assert_eq!(p.get(Field::Principal), Some(principal.as_str()), "{text}");
    assert_eq!(p.get(Field::Action), Some(action.as_str()), "{text}");
    assert_eq!(p.get(Field::Resource), resource.as_deref(), "{text}");
    assert_eq!(p.deny, deny, "{text}");
    assert_eq!(p.policy_type, want_type, "{text}");
    assert_eq!(p.get(Field::PolicyArn), want_arn, "{text}");
    let recs = scan_text(&text, u64::from(flags));
    assert_eq!(recs.len(), 1, "{text}\n{recs:#?}");
    assert_eq!(
        recs[0].principal.as_deref(),
        Some(principal.as_str()),
        "{text}"
    );
    assert_eq!(recs[0].action.as_deref(), Some(action.as_str()), "{text}");
    assert_eq!(recs[0].resource, resource, "{text}");
    raw(&text);
    raw(&String::from_utf8_lossy(inp.rest()));
});
