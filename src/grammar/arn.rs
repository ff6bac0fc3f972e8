//! Amazon Resource Names: `arn:partition:service:region:account:resource`.

use nom::bytes::complete::{tag, take_till, take_while1};
use nom::character::complete::char;
use nom::{IResult, Parser};

/// The parts of an ARN, borrowed from the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// Everything after the account: `role/x`, `table/t`, `function:f`.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// `(role, session)` of an STS `assumed-role/<role>/<session>` principal.
    pub fn assumed_role(&self) -> Option<(&'a str, Option<&'a str>)> {
        let rest = self.resource.strip_prefix("assumed-role/")?;
        match rest.split_once('/') {
            Some((role, session)) => Some((role, Some(session))),
            None => Some((rest, None)),
        }
    }

    /// The resource type (`role`, `user`, `table`, `function`), when the resource has one.
    pub fn resource_type(&self) -> Option<&'a str> {
        let end = self.resource.find(['/', ':'])?;
        Some(&self.resource[..end])
    }

    /// The name after the resource type, with IAM paths removed (`role/path/x` -> `x`).
    pub fn resource_name(&self) -> &'a str {
        match self.resource.rfind(['/', ':']) {
            Some(i) => &self.resource[i + 1..],
            None => self.resource,
        }
    }
}

fn part(i: &str) -> IResult<&str, &str> {
    take_till(|c| c == ':')(i)
}

/// Parse an ARN; the resource part runs to the end of the input.
pub fn arn(i: &str) -> IResult<&str, Arn<'_>> {
    let (i, (_, partition, _, service, _, region, _, account, _)) = (
        tag("arn:"),
        take_while1(|c: char| c != ':'),
        char(':'),
        part,
        char(':'),
        part,
        char(':'),
        part,
        char(':'),
    )
        .parse(i)?;
    Ok((
        "",
        Arn {
            partition,
            service,
            region,
            account,
            resource: i,
        },
    ))
}

/// Parse a whole string as an ARN.
pub fn parse(s: &str) -> Option<Arn<'_>> {
    arn(s).ok().map(|(_, a)| a)
}

/// True when an ARN is complete enough to put in a policy: no masks or placeholders.
pub fn is_clean(s: &str) -> bool {
    match parse(s) {
        Some(a) => {
            !s.contains(['*', '<', '>', '{', '}', '[', ']', ' '])
                && !a.service.is_empty()
                && !a.resource.is_empty()
                && (a.account.is_empty()
                    || a.account.bytes().all(|b| b.is_ascii_digit()) && a.account.len() == 12)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumed_role() {
        let a = parse("arn:aws:sts::123456789012:assumed-role/sfn-role/x").unwrap();
        assert_eq!(a.service, "sts");
        assert_eq!(a.account, "123456789012");
        assert_eq!(a.assumed_role(), Some(("sfn-role", Some("x"))));
    }

    #[test]
    fn resource_parts() {
        let a = parse("arn:aws:iam::123456789012:role/service-role/ecsTaskExecutionRole").unwrap();
        assert_eq!(a.resource_type(), Some("role"));
        assert_eq!(a.resource_name(), "ecsTaskExecutionRole");
        let l = parse("arn:aws:lambda:us-east-1:123456789012:function:f").unwrap();
        assert_eq!(l.region, "us-east-1");
        assert_eq!(l.resource_type(), Some("function"));
    }

    #[test]
    fn cleanliness() {
        assert!(is_clean("arn:aws:iam::123456789012:role/r"));
        assert!(!is_clean("arn:aws:iam::XXXXXXXX:role/r"));
        assert!(!is_clean("arn:aws:ssm:eu-west-2:<account id>:parameter/x"));
        assert!(is_clean("arn:aws:s3:::my-bucket"));
        assert!(!is_clean("not an arn"));
    }
}
