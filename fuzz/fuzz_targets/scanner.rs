//! Fuzz target: the scanner and grammar on arbitrary bytes, fed whole and in arbitrary pieces.
#![no_main]

use awsplain_fuzz::scan_and_check;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let seed = data.iter().take(8).fold(data.len() as u64, |h, b| {
        h.wrapping_mul(31).wrapping_add(u64::from(*b))
    });
    scan_and_check(data, seed);
    // `extract` on one event directly, as `tail` calls it on a CloudWatch message.
    let text = String::from_utf8_lossy(data);
    for r in awsplain::grammar::extract(&text) {
        let (s, e) = (r.span.start as usize, r.span.end as usize);
        assert!(s <= e && e <= text.len(), "span {s}..{e} of {}", text.len());
        assert!(text.get(s..e).is_some(), "span {s}..{e} cuts a character");
    }
});
