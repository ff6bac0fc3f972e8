//! Fuzz target: CloudTrail records with `errorCode`/`errorMessage`, alone, in a `Records`
//! list, pretty-printed, keys in either order.
#![no_main]

use awsplain_fuzz::{parts, plain_message, scan_text, Input, Parts, ALNUM, LOWER_DIGIT};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let Parts {
        flags,
        msg,
        code,
        rid,
    } = parts(&mut inp);
    let svc = inp.word(LOWER_DIGIT, 20, "kms");
    let op = format!("D{}", inp.word(ALNUM, 30, "ecrypt"));
    let account = inp.word(b"0123456789", 12, "123456789012");
    let role = inp.word(ALNUM, 30, "analytics");
    let arn = format!("arn:aws:sts::{account}:assumed-role/{role}/jo");
    // serde_json keeps insertion order only with its `preserve_order` feature; build the
    // text by hand so that the order of the keys is the fuzzer's choice.
    let q = |s: &str| serde_json::Value::from(s).to_string();
    let mut fields = [
        "\"eventVersion\":\"1.09\"".to_string(),
        format!(
            "\"userIdentity\":{{\"type\":\"AssumedRole\",\"arn\":{},\"accountId\":{}}}",
            q(&arn),
            q(&account)
        ),
        "\"eventTime\":\"2026-11-28T06:30:00Z\"".to_string(),
        format!("\"eventSource\":{}", q(&format!("{svc}.amazonaws.com"))),
        format!("\"eventName\":{}", q(&op)),
        format!("\"errorCode\":{}", q(&code)),
        format!("\"errorMessage\":{}", q(&msg)),
        format!("\"requestID\":{}", q(&rid)),
    ];
    if flags & 1 != 0 {
        fields.reverse();
    }
    let sep = if flags & 2 != 0 { ",\n  " } else { "," };
    let mut event = format!("{{{}}}", fields.join(sep));
    let listed = flags & 4 != 0;
    if listed {
        event = format!("{{\"Records\":[{event}]}}");
    }
    event.push('\n');
    event.push_str(&String::from_utf8_lossy(inp.rest()));
    let recs = scan_text(&event, u64::from(flags));
    if plain_message(&msg) && flags & 0xf8 == 0 {
        assert_eq!(recs.len(), 1, "{event}\n{recs:#?}");
        let r = &recs[0];
        assert_eq!(r.error_code.as_deref(), Some(code.as_str()), "{event}");
        assert_eq!(r.message.as_deref(), Some(msg.as_str()), "{event}");
        assert_eq!(r.operation.as_deref(), Some(op.as_str()), "{event}");
        assert_eq!(r.request_id.as_deref(), Some(rid.as_str()), "{event}");
        assert_eq!(r.format.as_deref(), Some("cloudtrail"), "{event}");
    }
});
