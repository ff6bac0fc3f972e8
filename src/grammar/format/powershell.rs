//! AWS Tools for PowerShell: the `FullyQualifiedErrorId` line of an error record names the
//! exception and its service; the message is on the error's head line above.

use super::piece::{Field, Piece, Strength};
use super::Format;

pub(super) static FORMAT: Format = Format {
    name: "powershell",
    sample: "powershell.txt",
    ebnf: ("misc.ebnf", "AWS Tools for PowerShell"),
    anchors: |add| add("FullyQualifiedErrorId", 0),
    triggers: |add| add("FullyQualifiedErrorId"),
    parse: |ev, at, _, _| powershell_at(ev.text, at),
    ..Format::DEFAULT
};

/// AWS Tools for PowerShell: `+ FullyQualifiedErrorId : Amazon.S3.AmazonS3Exception,Amazon.PowerShell.Cmdlets.S3.GetS3ObjectCmdlet`
/// names the exception (the code, or an SDK class) and its service; the message is on the
/// error's head line above, `Get-S3Object : Access Denied`.
fn powershell_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..].strip_prefix("FullyQualifiedErrorId")?;
    let r = r.trim_start_matches(' ').strip_prefix(':')?;
    let r = r.trim_start_matches(' ');
    let comma = memchr::memchr(b',', r.as_bytes())?;
    let (class, cmdlet) = (&r[..comma], &r[comma + 1..]);
    // Only the AWS cmdlets: other modules raise their own errors.
    if !cmdlet.starts_with("Amazon.PowerShell.") {
        return None;
    }
    let (ns, code) = class.rsplit_once('.')?;
    if !super::exception::is_aws_code(code) {
        return None;
    }
    let rank = if super::exception::is_sdk_class(code) {
        15
    } else {
        30
    };
    // `r` is a tail of `text`: the class ends where its comma stands in `text`.
    let class_end = text.len() - r.len() + comma;
    let mut p = Piece::new(at, class_end, Strength::Error, "powershell", rank);
    p.set(Field::ErrorCode, code);
    if let Some(service) = ns.strip_prefix("Amazon.").and_then(|s| s.split('.').next()) {
        p.set(Field::Service, service);
    }
    if let Some(m) = powershell_head_message(&text[..at]) {
        p.set(Field::Message, m);
    }
    Some(p)
}

/// The message of the nearest PowerShell error head above: `Verb-Noun : message`.
fn powershell_head_message(above: &str) -> Option<&str> {
    above.lines().rev().take(12).find_map(|line| {
        let (cmdlet, msg) = line.split_once(" : ")?;
        let (verb, noun) = cmdlet.split_once('-')?;
        let word = |w: &str| {
            w.len() >= 2
                && w.as_bytes()[0].is_ascii_uppercase()
                && w.bytes().all(|b| b.is_ascii_alphanumeric())
        };
        (word(verb) && word(noun) && !msg.trim().is_empty()).then(|| msg.trim())
    })
}
