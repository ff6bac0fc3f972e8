//! JSON text of generated documents, byte for byte as serde_json prints them, written with
//! fewer and larger copies than serde_json's `io::Write` path. (Identity policies are written
//! without a `Value` at all, by `policy::Allow`, from these pieces.)

use serde_json::Value;

/// `v` as `serde_json::to_string_pretty` writes it.
pub fn pretty(v: &Value) -> String {
    let mut out = String::with_capacity(384);
    write_pretty(&mut out, v, 0);
    out
}

fn write_pretty(out: &mut String, v: &Value, depth: usize) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // Number's Display is the form serde_json writes (itoa / ryu).
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => push_quoted(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                separator(out, i == 0, depth + 1);
                write_pretty(out, item, depth + 1);
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                separator(out, i == 0, depth + 1);
                push_quoted(out, k);
                out.push_str(": ");
                write_pretty(out, item, depth + 1);
            }
            newline(out, depth);
            out.push('}');
        }
    }
}

/// Before an array item or object key: a comma unless first, then the line break.
fn separator(out: &mut String, first: bool, depth: usize) {
    if !first {
        out.push(',');
    }
    newline(out, depth);
}

fn newline(out: &mut String, depth: usize) {
    push_line_break(out, 2 * depth);
}

/// A line break and `indent` spaces, in one copy when they fit, as they do for policies.
pub fn push_line_break(out: &mut String, indent: usize) {
    const BREAK: &str = "\n                                ";
    match BREAK.get(..1 + indent) {
        Some(b) => out.push_str(b),
        None => {
            out.push('\n');
            out.extend(std::iter::repeat(' ').take(indent));
        }
    }
}

/// [`push_quoted`] into a new string.
pub fn quoted(s: &str) -> String {
    // Escaped straight into bytes: quoting into a `String` costs another buffer.
    let mut bytes = Vec::new();
    crate::json_string::write_str(s, &mut bytes);
    String::from_utf8(bytes).expect("escaped text is UTF-8")
}

/// `s` as a JSON string, escaped as serde_json escapes it (the output lines' escaper).
pub fn push_quoted(out: &mut String, s: &str) {
    crate::json_string::write_str(s, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: &Value) {
        assert_eq!(pretty(v), serde_json::to_string_pretty(v).unwrap());
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
            "Deep": [[[[[[[[[[[[[[[[[[["deeper than the indent buffer"]]]]]]]]]]]]]]]]]]],
        }));
        check(&json!("plain"));
        check(&json!([]));
        check(&json!({}));
    }
}
