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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let a = parse("arn:aws:sts::123456789012:assumed-role/sfn-role/x").unwrap();
        assert_eq!(a.service, "sts");
        assert_eq!(a.account, "123456789012");
        assert_eq!(a.resource, "assumed-role/sfn-role/x");
        let l = parse("arn:aws:lambda:us-east-1:123456789012:function:f").unwrap();
        assert_eq!(l.region, "us-east-1");
        assert!(parse("not an arn").is_none());
    }
}
