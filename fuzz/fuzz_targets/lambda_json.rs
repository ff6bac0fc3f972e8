//! Fuzz target: Lambda's JSON error (`errorType`, `errorMessage`), bare, after the runtime's
//! line prefix, pretty-printed, or as the escaped `message` of a JSON log line.
#![no_main]

use awsplain_fuzz::{parts, plain_message, scan_text, Input, Parts};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let Parts {
        flags,
        msg,
        code,
        rid,
    } = parts(&mut inp);
    let mut obj = serde_json::json!({"errorType": code, "errorMessage": msg});
    if flags & 1 != 0 {
        obj["trace"] = serde_json::json!([
            format!("{code}: {msg}"),
            "    at Runtime.handler (/var/task/index.js:10:11)"
        ]);
    }
    let body = if flags & 2 != 0 {
        serde_json::to_string_pretty(&obj).unwrap()
    } else {
        obj.to_string()
    };
    let prefixed = flags & 4 != 0;
    let mut text = if prefixed {
        format!("2026-11-28T07:45:12.345Z\t{rid}\tERROR\tInvoke Error \t{body}")
    } else {
        body
    };
    let escaped = flags & 8 != 0;
    if escaped {
        text = serde_json::json!({"timestamp": 1764315912345u64, "message": text}).to_string();
    }
    if flags & 16 != 0 {
        text = format!("START RequestId: {rid} Version: $LATEST\n{text}\nEND RequestId: {rid}\n");
    }
    text.push_str(&String::from_utf8_lossy(inp.rest()));
    let recs = scan_text(&text, u64::from(flags));
    if plain_message(&msg) && !escaped && flags & 0xe0 == 0 {
        assert_eq!(recs.len(), 1, "{text}\n{recs:#?}");
        let r = &recs[0];
        assert_eq!(r.error_code.as_deref(), Some(code.as_str()), "{text}");
        assert_eq!(r.message.as_deref(), Some(msg.as_str()), "{text}");
        assert_eq!(r.format.as_deref(), Some("lambda"), "{text}");
        if prefixed {
            assert_eq!(r.request_id.as_deref(), Some(rid.as_str()), "{text}");
        }
    }
});
