//! Fuzz target: Step Functions `error`/`cause`, where the cause is plain text, a Java SDK
//! error, or JSON (a Lambda error) escaped inside the JSON event, in a history event or as
//! the escaped `message` of a JSON log line.
#![no_main]

use awsplain_fuzz::{parts, plain_message, scan_text, Input, Parts, UPPER};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let Parts {
        flags,
        msg,
        code,
        rid,
    } = parts(&mut inp);
    let svc = inp.word(UPPER, 8, "ECS");
    let shape = flags & 3;
    let cause = match shape {
        0 => msg.clone(),
        1 => serde_json::json!({"errorMessage": msg, "errorType": code, "stackTrace": ["  File \"/var/task/app.py\", line 3, in handler"]}).to_string(),
        2 => serde_json::json!({"errorType": code, "errorMessage": msg}).to_string(),
        _ => format!("{msg} (Service: Amazon{svc}; Status Code: 400; Error Code: {code}; Request ID: {rid}; Proxy: null)"),
    };
    let error = format!("{svc}.{code}");
    let details = serde_json::json!({"error": error, "cause": cause});
    let mut event = if flags & 4 != 0 {
        serde_json::json!({"id": 7, "type": "TaskFailed", "previousEventId": 6, "taskFailedEventDetails": {"resourceType": "ecs", "resource": "runTask.sync", "error": error, "cause": cause}})
    } else {
        details
    };
    if flags & 8 != 0 {
        // The history event as a log line's message: JSON in JSON in JSON.
        event = serde_json::json!({"level": "ERROR", "message": event.to_string()});
    }
    let mut text = if flags & 16 != 0 {
        serde_json::to_string_pretty(&event).unwrap()
    } else {
        event.to_string()
    };
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(inp.rest()));
    let recs = scan_text(&text, u64::from(flags));
    if plain_message(&msg) && flags & 0xe0 == 0 {
        assert_eq!(recs.len(), 1, "{text}\n{recs:#?}");
        let r = &recs[0];
        // A plain cause names no code of its own: the wrapper is the code too.
        let want = if shape == 0 { &error } else { &code };
        assert_eq!(r.error_code.as_deref(), Some(want.as_str()), "{text}");
        assert_eq!(r.wrapper_code.as_deref(), Some(error.as_str()), "{text}");
        assert_eq!(r.format.as_deref(), Some("sfn"), "{text}");
        if shape != 0 {
            assert_eq!(r.message.as_deref(), Some(msg.as_str()), "{text}");
        }
        if shape == 3 {
            assert_eq!(r.request_id.as_deref(), Some(rid.as_str()), "{text}");
            assert_eq!(r.status_code, Some(400), "{text}");
        }
    }
});
