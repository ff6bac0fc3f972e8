//! The Japanese forms of the AWS CLI sentence and of the authorization sentence, as AWS's
//! Japanese documentation and localised consoles print them:
//! `RunInstances オペレーションを呼び出すときにエラーが発生 (AccessDenied) しました: ...` and
//! `ユーザー: P は実行する権限がありません: リソースの A: R (明示的な拒否)`.
//!
//! The wording is that of AWS's Japanese Knowledge Center article on explicit deny errors
//! (<https://repost.aws/ja/knowledge-center/iam-explicit-deny-errors>); the names of the
//! policy types and of the two denials are those of the IAM User Guide in Japanese
//! (<https://docs.aws.amazon.com/ja_jp/IAM/latest/UserGuide/troubleshoot_access-denied.html>,
//! "明示的な拒否と暗黙的な拒否の違い"), which also says the message keeps AWS's English reason
//! clauses (`with an explicit deny in a ...`, `because no ... allows ...`).

use super::authz;
use super::lex;
use super::piece::{Field, Piece, Strength};
use crate::record::{Deny, PolicyType};

/// "when calling the ... operation, an error (C) occurred": the CLI sentence's anchor.
pub const CLI_ANCHOR: &str = "オペレーションを呼び出すときにエラーが発生";
/// "is not authorized to perform": the authorization sentence's anchor.
pub const AUTHZ_ANCHOR: &str = "は実行する権限がありません";

/// The policy types as the IAM User Guide in Japanese names them.
const POLICY_TYPES: [(&str, PolicyType); 9] = [
    (
        "アイデンティティベースのポリシー",
        PolicyType::IdentityBased,
    ),
    ("ID ベースのポリシー", PolicyType::IdentityBased),
    ("リソースベースのポリシー", PolicyType::ResourceBased),
    ("サービスコントロールポリシー", PolicyType::ServiceControl),
    ("リソースコントロールポリシー", PolicyType::ResourceControl),
    ("アクセス許可の境界", PolicyType::PermissionsBoundary),
    ("セッションポリシー", PolicyType::Session),
    ("VPC エンドポイントポリシー", PolicyType::VpcEndpoint),
    ("信頼ポリシー", PolicyType::ResourceBased),
];

/// A colon, ASCII or full-width, and the spaces around it.
fn colon(i: &str) -> Option<&str> {
    let i = i.trim_start_matches([' ', '\t']);
    let r = i.strip_prefix(':').or_else(|| i.strip_prefix('：'))?;
    Some(r.trim_start_matches([' ', '\t']))
}

/// The text inside parentheses, ASCII or full-width, and the rest after them.
fn parens(i: &str) -> Option<(&str, &str)> {
    let r = i.strip_prefix('(').or_else(|| i.strip_prefix('（'))?;
    let end = r.find([')', '）', '\n'])?;
    let close = r[end..].chars().next()?;
    (close != '\n').then(|| (&r[..end], &r[end + close.len_utf8()..]))
}

/// `Op オペレーションを呼び出すときにエラーが発生 (C) しました: message`, whose anchor starts at
/// `at` in `text`.
pub fn cli_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let before = text[..at].trim_end_matches([' ', '\t']);
    let op_start = before
        .rfind(|c: char| !c.is_ascii_alphanumeric())
        .map_or(0, |p| p + 1);
    let op = &before[op_start..];
    let rest = text[at + CLI_ANCHOR.len()..].trim_start_matches([' ', '\t']);
    let (code, rest) = parens(rest)?;
    let code = code.trim();
    lex::error_code(code).ok().filter(|(r, _)| r.is_empty())?;
    let mut p = Piece::new(
        if op.is_empty() { at } else { op_start },
        at,
        Strength::Error,
        "aws-cli",
        60,
    );
    p.set(Field::ErrorCode, code);
    if op.bytes().next().is_some_and(|b| b.is_ascii_uppercase()) {
        p.set(Field::Operation, op);
    }
    let rest = rest.trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix("しました").unwrap_or(rest);
    match colon(rest) {
        Some(msg) => {
            let line = &msg[..msg.find('\n').unwrap_or(msg.len())];
            p.set(Field::Message, lex::trim(line));
            p.end = lex::offset(text, msg) + line.len();
        }
        None => p.end = lex::offset(text, rest),
    }
    Some(p)
}

/// `ユーザー: P は実行する権限がありません: リソースの A: R (明示的な拒否)`, whose anchor starts at
/// `at` in `text`.
pub fn authz_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let mut p = Piece::new(at, at, Strength::Context, "plain", 50);
    let before = text[..at].trim_end_matches([' ', '\t']);
    let tok_start = before
        .rfind(|c: char| c.is_whitespace())
        .map_or(0, |s| s + 1);
    let principal = before[tok_start..].trim_matches(['\'', '"', '`', '「', '」']);
    let lead = before[..tok_start].trim_end();
    let user = ["ユーザー:", "ユーザー：", "ユーザー", "User:"]
        .iter()
        .find_map(|u| lead.strip_suffix(u));
    if !principal.is_empty() && (user.is_some() || principal.starts_with("arn:")) {
        p.set(Field::Principal, principal);
        p.start = user.map_or(tok_start, str::len);
    }
    let mut rest = &text[at + AUTHZ_ANCHOR.len()..];
    if let Some(r) = colon(rest) {
        rest = r;
        let on_resource = rest.strip_prefix("リソースの");
        rest = on_resource.map_or(rest, |r| r.trim_start_matches([' ', '\t']));
        if let Ok((r, a)) = authz::action(rest) {
            p.set(Field::Action, a);
            rest = r;
            if let Some(r) = colon(rest).filter(|_| on_resource.is_some()) {
                let (r, res) = resource(r);
                if let Some(res) = res {
                    p.set(Field::Resource, res);
                }
                rest = r;
            }
        }
    }
    let trimmed = rest.trim_start_matches([' ', '\t']);
    if let Some((inside, r)) = parens(trimmed) {
        let deny = if inside.contains("明示的な拒否") {
            Some(Deny::Explicit)
        } else if inside.contains("暗黙的な拒否") {
            Some(Deny::Implicit)
        } else {
            None
        };
        if deny.is_some() {
            p.deny = deny;
            p.policy_type = POLICY_TYPES
                .iter()
                .find(|(name, _)| inside.contains(name))
                .map(|&(_, t)| t);
            rest = r;
        }
    } else if let Ok((r, why)) = authz::reason(trimmed) {
        p.deny = Some(why.deny);
        p.policy_type = why.policy_type;
        if let Some(a) = why.policy_arn {
            p.set(Field::PolicyArn, a);
        }
        rest = r;
    }
    p.end = lex::offset(text, rest);
    if p.get(Field::Principal).is_some() || p.get(Field::Action).is_some() || p.deny.is_some() {
        p.strength = Strength::Error;
    }
    Some(p)
}

/// The resource after `リソースの A:`: an ARN is one token; other forms (`ロール TestReadOnly`)
/// run to the deny clause or the end of the line.
fn resource(i: &str) -> (&str, Option<&str>) {
    let line_end = i.find('\n').unwrap_or(i.len());
    let end = if i.starts_with("arn:") {
        i[..line_end].find(char::is_whitespace).unwrap_or(line_end)
    } else {
        [" (", "（", " because ", " with an explicit deny"]
            .iter()
            .filter_map(|s| i[..line_end].find(s))
            .min()
            .unwrap_or(line_end)
    };
    let r = lex::trim_trailing(i[..end].trim());
    (&i[end..], (!r.is_empty()).then_some(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(t: &str) -> Piece<'_> {
        cli_at(t, t.find(CLI_ANCHOR).unwrap()).unwrap()
    }

    fn authz(t: &str) -> Piece<'_> {
        authz_at(t, t.find(AUTHZ_ANCHOR).unwrap()).unwrap()
    }

    #[test]
    fn the_cli_sentence() {
        let p = cli("エラー: GetObject オペレーションを呼び出すときにエラーが発生 (NoSuchKey) しました: The specified key does not exist.");
        assert_eq!(p.get(Field::ErrorCode), Some("NoSuchKey"));
        assert_eq!(p.get(Field::Operation), Some("GetObject"));
        assert_eq!(
            p.get(Field::Message),
            Some("The specified key does not exist.")
        );
        let q = cli("ListBuckets オペレーションを呼び出すときにエラーが発生（AccessDenied）しました：Access Denied");
        assert_eq!(q.get(Field::ErrorCode), Some("AccessDenied"));
        assert_eq!(q.get(Field::Message), Some("Access Denied"));
        assert!(cli_at("オペレーションを呼び出すときにエラーが発生 (not a code)", 0).is_none());
    }

    #[test]
    fn the_authorization_sentence() {
        let p = authz("ユーザー: arn:aws:iam::123456789012:user/tester は実行する権限がありません: リソースの ec2:RunInstances: ロール TestReadOnly (明示的な拒否)");
        assert_eq!(
            p.get(Field::Principal),
            Some("arn:aws:iam::123456789012:user/tester")
        );
        assert_eq!(p.get(Field::Action), Some("ec2:RunInstances"));
        assert_eq!(p.get(Field::Resource), Some("ロール TestReadOnly"));
        assert_eq!(p.deny, Some(Deny::Explicit));
        assert_eq!(p.policy_type, None);
        assert_eq!(p.start, 0);
        let q = authz("ユーザー: arn:aws:sts::123456789012:assumed-role/r/s は実行する権限がありません: リソースの s3:PutObject: arn:aws:s3:::b/k (サービスコントロールポリシーによる明示的な拒否)");
        assert_eq!(q.get(Field::Resource), Some("arn:aws:s3:::b/k"));
        assert_eq!(q.policy_type, Some(PolicyType::ServiceControl));
        let r = authz("ユーザー: arn:aws:iam::123456789012:user/u は実行する権限がありません: リソースの kms:Decrypt: arn:aws:kms:us-east-1:123456789012:key/k because no identity-based policy allows the kms:Decrypt action");
        assert_eq!(r.deny, Some(Deny::Implicit));
        assert_eq!(r.policy_type, Some(PolicyType::IdentityBased));
        assert_eq!(
            authz("は実行する権限がありません").strength,
            Strength::Context
        );
    }
}
