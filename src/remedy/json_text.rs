//! JSON text of generated documents, written straight into the text that embeds it.
//!
//! A policy appears three times in a remedy: compact in the `put-*-policy` command and
//! pretty-printed, at two different indents, in the Terraform and CloudFormation snippets.
//! [`write`] prints each shape byte for byte as `serde_json::to_string` /
//! `to_string_pretty` would, already indented and escaped for HCL where asked, so that no
//! text is printed and then reshaped line by line.

use serde_json::Value;

/// How to lay out the text.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    /// One line, as `serde_json::to_string`.
    Compact,
    /// As `serde_json::to_string_pretty`, each line after the first indented by `pad` more
    /// spaces. With `hcl`, `${` and `%{` inside strings become `$${` and `%%{`, so that
    /// Terraform's `jsonencode(...)` does not read them as template sequences.
    Pretty { pad: usize, hcl: bool },
}

/// `v` as `serde_json::to_string_pretty` writes it.
pub fn pretty(v: &Value) -> String {
    let mut out = String::with_capacity(256);
    write(&mut out, v, Style::Pretty { pad: 0, hcl: false });
    out
}

/// Append the JSON text of `v` to `out`.
pub fn write(out: &mut String, v: &Value, style: Style) {
    write_value(out, v, style, 0);
}

fn write_value(out: &mut String, v: &Value, style: Style, depth: usize) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // Number's Display is the form serde_json writes (itoa / ryu).
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_str(out, s, style),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                separator(out, i == 0, style, depth + 1);
                write_value(out, item, style, depth + 1);
            }
            newline(out, style, depth);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                separator(out, i == 0, style, depth + 1);
                write_str(out, k, style);
                out.push_str(match style {
                    Style::Compact => ":",
                    Style::Pretty { .. } => ": ",
                });
                write_value(out, item, style, depth + 1);
            }
            newline(out, style, depth);
            out.push('}');
        }
    }
}

/// Before an array item or object key: a comma unless first, then the line break.
fn separator(out: &mut String, first: bool, style: Style, depth: usize) {
    if !first {
        out.push(',');
    }
    newline(out, style, depth);
}

fn newline(out: &mut String, style: Style, depth: usize) {
    if let Style::Pretty { pad, .. } = style {
        // A line break and the indent in one copy when they fit, as they do for policies.
        const BREAK: &str = "\n                                                                ";
        let len = 1 + pad + 2 * depth;
        match BREAK.get(..len) {
            Some(b) => out.push_str(b),
            None => {
                out.push('\n');
                out.extend(std::iter::repeat(' ').take(len - 1));
            }
        }
    }
}

fn write_str(out: &mut String, s: &str, style: Style) {
    if matches!(style, Style::Pretty { hcl: true, .. }) && s.contains('{') {
        let escaped = s.replace("${", "$${").replace("%{", "%%{");
        push_quoted(out, &escaped);
    } else {
        push_quoted(out, s);
    }
}

/// `s` as a JSON string, escaped as serde_json escapes it: quote, backslash and control
/// characters only.
pub fn push_quoted(out: &mut String, s: &str) {
    let needs_escape = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    out.reserve(s.len() + 2);
    out.push('"');
    // Generated texts almost never need escapes: check without branching per byte first.
    if !s.bytes().fold(false, |any, b| any | needs_escape(b)) {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        out.push_str(&s[start..i]);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0xf)] as char);
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn indent(s: &str, pad: &str) -> String {
        let lines: Vec<String> = s
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    l.to_string()
                } else {
                    format!("{pad}{l}")
                }
            })
            .collect();
        lines.join("\n")
    }

    fn check(v: &Value) {
        let text = |style| {
            let mut s = String::new();
            write(&mut s, v, style);
            s
        };
        assert_eq!(text(Style::Compact), v.to_string());
        let pretty_text = serde_json::to_string_pretty(v).unwrap();
        assert_eq!(pretty(v), pretty_text);
        let padded = Style::Pretty { pad: 4, hcl: false };
        assert_eq!(text(padded), indent(&pretty_text, "    "));
        let deep = Style::Pretty {
            pad: 70,
            hcl: false,
        };
        assert_eq!(text(deep), indent(&pretty_text, &" ".repeat(70)));
        let hcl = Style::Pretty { pad: 2, hcl: true };
        let want = indent(&pretty_text, "  ")
            .replace("${", "$${")
            .replace("%{", "%%{");
        assert_eq!(text(hcl), want);
    }

    #[test]
    fn same_text_as_serde_json() {
        check(&json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "AllowIamPassRole",
                "Action": ["iam:PassRole", "s3:GetObject"],
                "Resource": "arn:aws:iam::123456789012:role/a\"b\\c\u{1}\u{1f}\t\n\r\u{8}\u{c}\u{7f}é日本",
                "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
                "Empty": {}, "None": [], "Null": null, "Flags": [true, false]
            }],
            "Numbers": [0, 6, -3, 2.0, 0.5, 1e300, u64::MAX],
        }));
        check(&json!("plain"));
        check(&json!([]));
        check(&json!({}));
    }

    #[test]
    fn hcl_escapes_template_sequences_in_keys_and_values() {
        check(&json!({"a${b}": "x${y} %{z} $%{w} %${v} $${u} {", "k": ["${"]}));
    }
}
