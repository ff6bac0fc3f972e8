//! The scanner: finds AWS errors in a byte stream or a string and yields records.

use crate::record::Record;
use std::io::Read;

/// Counters of what one scan saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanStats {
    pub bytes: u64,
    pub lines: u64,
    pub records: u64,
    /// Lines longer than the line limit; their head and tail were still scanned.
    pub oversized_lines: u64,
    /// Lines that were not valid UTF-8 (read lossily).
    pub invalid_utf8_lines: u64,
}

/// Incremental scanner: feed it bytes as they arrive, get records out.
pub struct StreamScanner {
    source_name: String,
    stats: ScanStats,
}

impl StreamScanner {
    pub fn new(source_name: &str) -> Self {
        StreamScanner { source_name: source_name.to_string(), stats: ScanStats::default() }
    }

    /// Scan `bytes`; records whose text is complete are passed to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut dyn FnMut(Record)) {
        let _ = (bytes, out, &self.source_name);
    }

    /// End of input: flush what is pending.
    pub fn finish(&mut self, out: &mut dyn FnMut(Record)) -> ScanStats {
        let _ = out;
        self.stats.clone()
    }
}

/// All AWS errors in one complete text (a pasted error, one CloudWatch event message).
pub fn scan_str(text: &str) -> Vec<Record> {
    let mut v = Vec::new();
    let mut s = StreamScanner::new("-");
    s.feed(text.as_bytes(), &mut |r| v.push(r));
    s.finish(&mut |r| v.push(r));
    v
}

/// Scan a reader to its end, passing each record to `on_record` (which may stop the scan
/// by returning an error, e.g. a broken pipe).
pub fn scan_reader<R: Read>(
    mut reader: R,
    source_name: &str,
    on_record: &mut dyn FnMut(Record) -> std::io::Result<()>,
) -> std::io::Result<ScanStats> {
    let mut s = StreamScanner::new(source_name);
    let mut buf = vec![0u8; 256 * 1024];
    let mut err = None;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        s.feed(&buf[..n], &mut |r| {
            if err.is_none() {
                if let Err(e) = on_record(r) {
                    err = Some(e);
                }
            }
        });
        if let Some(e) = err.take() {
            return Err(e);
        }
    }
    let stats = s.finish(&mut |r| {
        if err.is_none() {
            if let Err(e) = on_record(r) {
                err = Some(e);
            }
        }
    });
    match err {
        Some(e) => Err(e),
        None => Ok(stats),
    }
}
