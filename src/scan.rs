//! The scanner: finds AWS errors in a byte stream or a string and yields records.

use crate::record::{Record, Source};
use memchr::{memchr, memrchr};
use std::io::Read;

#[cfg(unix)]
mod file;
mod parallel;
mod trigger;

/// The scanner's cover literals: every trigger literal of the grammar contains one, so text
/// without any of them holds no error the grammar recognises.
pub fn cover_literals() -> &'static [&'static str] {
    trigger::COVER
}

#[cfg(unix)]
pub use file::scan_file_parallel;
pub use parallel::{scan_reader_parallel, Prepare, PARTS_AHEAD};
pub use trigger::COVER as PREFILTER_LITERALS;

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

/// The longest event (a line with its continuation lines) parsed as one; longer input is cut
/// into pieces of this size, which keeps memory bounded whatever the input.
pub const MAX_EVENT: usize = 1 << 20;
/// Continuation lines gathered around an anchor, at most.
const MAX_EVENT_LINES: usize = 200;

/// A line that starts a new log record: a timestamp, a level, a JSON object, a Lambda marker;
/// behind a box, quote or container prefix too.
fn is_header(line: &[u8]) -> bool {
    is_bare_header(line) || is_bare_header(bare(line))
}

fn is_bare_header(line: &[u8]) -> bool {
    let l = line;
    // A date: `2026-11-28`, `2026/11/28` (not any four digits and a dash: `0817-4f6e-...`,
    // an id a wrap put at a line's start).
    if l.len() >= 8
        && l[..4].iter().all(u8::is_ascii_digit)
        && matches!(l[4], b'-' | b'/')
        && l[5..7].iter().all(u8::is_ascii_digit)
        && l[7] == l[4]
    {
        return true;
    }
    // A time: `09:00:00` (not `12:role/x`, an ARN's account a wrap put at a line's start).
    if l.len() >= 8
        && l[0].is_ascii_digit()
        && l[1].is_ascii_digit()
        && l[2] == b':'
        && l[5] == b':'
    {
        return true;
    }
    if l.starts_with(b"{\"")
        || l.starts_with(b"[20")
        || l.starts_with(b"[Mon")
        || l.starts_with(b"[Tue")
        || l.starts_with(b"[Wed")
        || l.starts_with(b"[Thu")
        || l.starts_with(b"[Fri")
        || l.starts_with(b"[Sat")
        || l.starts_with(b"[Sun")
    {
        return true;
    }
    let lambda = [
        &b"START RequestId"[..],
        b"END RequestId",
        b"REPORT RequestId",
    ];
    if lambda.iter().any(|p| l.starts_with(p))
        || crate::grammar::lex::LOG_LEVELS
            .iter()
            .any(|v| l.starts_with(v.as_bytes()))
    {
        return true;
    }
    const MONTHS: [&[u8]; 12] = [
        b"Jan ", b"Feb ", b"Mar ", b"Apr ", b"May ", b"Jun ", b"Jul ", b"Aug ", b"Sep ", b"Oct ",
        b"Nov ", b"Dec ",
    ];
    MONTHS.iter().any(|m| l.starts_with(m))
}

/// A line of whitespace, or of a box, quote or container prefix and whitespace.
fn is_blank(line: &[u8]) -> bool {
    let blank = |l: &[u8]| l.iter().all(|b| b.is_ascii_whitespace());
    blank(line) || blank(bare(line))
}

/// Whether `line`, after one blank line below `above`, still belongs to the event of `above`:
/// a body (`{`, `<`) under a head, the `Code:` block async-aws (PHP) prints under its
/// `HTTP 403 returned for "<url>".` line, or the next element of an R list print (`$name`
/// under the `[1] value` line of the element before).
fn joins_across_blank(above: &[u8], line: &[u8]) -> bool {
    let (above, line) = (bare(above), bare(line));
    let http_status_head = above.len() > 9
        && above.starts_with(b"HTTP ")
        && above[5..8].iter().all(u8::is_ascii_digit)
        && above[8] == b' ';
    (line.first().is_some_and(|c| *c == b'{' || *c == b'<') && !is_blank(above))
        || (line.starts_with(b"Code:") && http_status_head)
        || (line.starts_with(b"$") && above.starts_with(b"[1] "))
}

/// Whether `line` continues the event of the line before it (`prev`).
fn continues(prev: &[u8], line: &[u8]) -> bool {
    if is_header(line) {
        return false;
    }
    if is_blank(line) {
        return false;
    }
    !is_blank(prev) || bare(line).first().is_some_and(|c| *c == b'{' || *c == b'<')
}

/// `line` without the box, quote or container prefix it may have.
fn bare(line: &[u8]) -> &[u8] {
    &line[crate::grammar::repair::prefix_len(line).unwrap_or(0)..]
}

/// Incremental scanner: feed it bytes as they arrive, get records out.
///
/// The fast path searches the whole buffer for trigger literals; only around a hit does it
/// find line boundaries, gather continuation lines, and run the grammar.
pub struct StreamScanner {
    source_name: String,
    stats: ScanStats,
    /// Input in `buf[..end]`: unprocessed bytes; `buf[..done]` is kept only as look-behind
    /// context. Past `end`, room already initialised, which reads fill without a copy.
    buf: Vec<u8>,
    end: usize,
    done: usize,
    /// End of the last event parsed; a new event never reaches back before it.
    floor: usize,
    /// Absolute offset of `buf[0]` in the input, and the line number there (0-based).
    base: u64,
    base_line: u64,
    /// Line counting has reached this position of `buf`.
    counted: usize,
    /// The input starts inside a line whose start someone else scanned (a segment of a
    /// parallel scan), so an overlong line there has been counted already.
    mid_line: bool,
}

impl StreamScanner {
    pub fn new(source_name: &str) -> Self {
        StreamScanner {
            source_name: source_name.to_string(),
            stats: ScanStats::default(),
            buf: Vec::new(),
            end: 0,
            done: 0,
            floor: 0,
            base: 0,
            base_line: 0,
            counted: 0,
            mid_line: false,
        }
    }

    /// A scanner for input that continues a line begun before it.
    pub(crate) fn starting_mid_line(mut self) -> Self {
        self.mid_line = true;
        self
    }

    /// Scan `bytes`; records whose text is complete are passed to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut dyn FnMut(Record)) {
        self.stats.bytes += bytes.len() as u64;
        self.room(bytes.len());
        self.buf[self.end..self.end + bytes.len()].copy_from_slice(bytes);
        self.end += bytes.len();
        self.process(false, out);
    }

    /// One read of at most `max` bytes from `reader` straight into the scanner's buffer, then
    /// [`Self::feed`]'s work on them: how many bytes came (0 at the end of the input).
    pub fn feed_from(
        &mut self,
        reader: &mut dyn Read,
        max: usize,
        out: &mut dyn FnMut(Record),
    ) -> std::io::Result<usize> {
        self.room(max);
        let n = reader.read(&mut self.buf[self.end..self.end + max])?;
        self.stats.bytes += n as u64;
        self.end += n;
        self.process(false, out);
        Ok(n)
    }

    /// At least `n` bytes of room after the input.
    fn room(&mut self, n: usize) {
        if self.buf.len() < self.end + n {
            self.buf.resize(self.end + n, 0);
        }
    }

    /// [`Self::feed`] for bytes the caller gives away: with nothing pending (a scanner's first
    /// feed, as for each segment of a parallel scan) the scanner keeps them instead of a copy.
    pub fn feed_owned(&mut self, bytes: Vec<u8>, out: &mut dyn FnMut(Record)) {
        if self.end != 0 {
            return self.feed(&bytes, out);
        }
        // An empty buffer holds no positions: `done`, `floor` and `counted` are all 0.
        self.stats.bytes += bytes.len() as u64;
        self.buf = bytes;
        self.end = self.buf.len();
        self.process(false, out);
    }

    /// A scanner that reads into `room`, a buffer an earlier scanner gave back with
    /// [`Self::into_room`]: its bytes count as initialised room, so reads need no zeroing.
    pub(crate) fn reading_into(mut self, room: Vec<u8>) -> Self {
        debug_assert_eq!(self.end, 0, "a scanner with input keeps its buffer");
        self.buf = room;
        self
    }

    /// The scanner's buffer with all its room, once it is done: for [`Self::reading_into`], or
    /// for a parallel scan's reader to refill (what it holds counts as initialised room).
    pub(crate) fn into_room(self) -> Vec<u8> {
        self.buf
    }

    /// End of input: flush what is pending.
    pub fn finish(&mut self, out: &mut dyn FnMut(Record)) -> ScanStats {
        self.process(true, out);
        let input = &self.buf[..self.end];
        let tail = &input[self.counted..];
        // `base_line` already counts the newlines before `counted`.
        self.stats.lines = self.base_line
            + count_lines(tail) as u64
            + u64::from(!input.is_empty() && input.last() != Some(&b'\n'));
        self.stats.clone()
    }

    fn process(&mut self, eof: bool, out: &mut dyn FnMut(Record)) {
        loop {
            let region_end = if eof {
                self.end
            } else {
                memrchr(b'\n', &self.buf[self.done..self.end])
                    .map(|p| self.done + p + 1)
                    .unwrap_or(self.done)
            };
            // A line with no end in sight: cut it so memory stays bounded.
            if !eof && region_end == self.done && self.end - self.done > MAX_EVENT {
                let cut = self.done + MAX_EVENT;
                // Count the line once, at its first piece, not once per piece.
                let line_start = if self.done == 0 {
                    self.base == 0 && !self.mid_line
                } else {
                    self.buf[self.done - 1] == b'\n'
                };
                if line_start {
                    self.stats.oversized_lines += 1;
                }
                self.scan_event(self.done, cut, out);
                self.done = cut;
                self.floor = cut;
                self.compact();
                continue;
            }
            let hit = trigger::find(&self.buf[self.done..region_end]).map(|p| self.done + p);
            let Some(hit) = hit else {
                self.done = region_end;
                break;
            };
            let (start, end, complete) = self.event_around(hit, region_end, eof);
            // Behind the event, a line longer than the limit has no end yet: the event cannot
            // take it whole, so it ends here, and the long line is cut into pieces below
            // (waiting for its end would buffer it all).
            let complete = complete || self.end - region_end > MAX_EVENT;
            if !complete {
                // The event may go on in data not yet read.
                break;
            }
            self.scan_event(start, end, out);
            self.done = end;
            self.floor = end;
        }
        self.compact();
    }

    /// The event containing `hit`: its line plus continuation lines before and after.
    fn event_around(&self, hit: usize, region_end: usize, eof: bool) -> (usize, usize, bool) {
        let b = &self.buf[..self.end];
        let floor = self.floor;
        let mut start = memrchr(b'\n', &b[floor..hit])
            .map(|p| floor + p + 1)
            .unwrap_or(floor);
        // Lines above are taken while they start within half the event limit of the hit's
        // line: which trigger of that line was found does not matter.
        let hit_line = start;
        let mut lines = 0;
        while start > floor && lines < MAX_EVENT_LINES && hit_line - start < MAX_EVENT / 2 {
            let prev_start = memrchr(b'\n', &b[floor..start - 1])
                .map(|p| floor + p + 1)
                .unwrap_or(floor);
            let prev = &b[prev_start..start - 1];
            let line = line_at(b, start);
            // A body after one blank line belongs to the head above the blank.
            if is_blank(prev) && prev_start > floor {
                let pp_start = memrchr(b'\n', &b[floor..prev_start - 1])
                    .map(|p| floor + p + 1)
                    .unwrap_or(floor);
                if joins_across_blank(&b[pp_start..prev_start - 1], line) {
                    start = pp_start;
                    lines += 2;
                    continue;
                }
            }
            if !continues(prev, line) {
                break;
            }
            start = prev_start;
            lines += 1;
        }
        let mut end = memchr(b'\n', &b[hit..region_end])
            .map(|p| hit + p + 1)
            .unwrap_or(region_end);
        let mut prev_line_start = memrchr(b'\n', &b[..end.saturating_sub(1)])
            .map(|p| p + 1)
            .unwrap_or(0)
            .max(start);
        lines = 0;
        loop {
            if end >= region_end {
                return (start, end, eof || end - start >= MAX_EVENT);
            }
            if lines >= MAX_EVENT_LINES || end - start >= MAX_EVENT {
                return (start, end, true);
            }
            let mut next = line_at(b, end);
            let mut next_start = end;
            let mut body = false;
            // A blank line followed by a body (`{`, `<`) still belongs to the event.
            if is_blank(next) {
                let after = end + next.len() + 1;
                if after >= region_end {
                    return (start, end, eof);
                }
                let l2 = line_at(b, after);
                if joins_across_blank(&b[prev_line_start..end - 1], l2) {
                    next = l2;
                    next_start = after;
                    body = true;
                } else {
                    return (start, end, true);
                }
            }
            if !body && !continues(&b[prev_line_start..end], next) {
                return (start, end, true);
            }
            prev_line_start = next_start;
            end = (next_start + next.len() + 1).min(region_end);
            lines += 1;
        }
    }

    fn scan_event(&mut self, start: usize, end: usize, out: &mut dyn FnMut(Record)) {
        let bytes = &self.buf[start..end];
        let mut replaced = Vec::new();
        let text = match std::str::from_utf8(bytes) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            Err(_) => {
                self.stats.invalid_utf8_lines += 1;
                std::borrow::Cow::Owned(lossy(bytes, &mut replaced))
            }
        };
        let records = crate::grammar::extract(&text);
        if records.is_empty() {
            return;
        }
        self.base_line += count_lines(&self.buf[self.counted..start]) as u64;
        self.counted = start;
        for mut r in records {
            let line = self.base_line
                + count_lines(&text.as_bytes()[..(r.span.start as usize).min(text.len())]) as u64
                + 1;
            r.source = Source {
                name: self.source_name.clone(),
                line: Some(line),
                timestamp: event_time(&text, r.span.start as usize),
                ..Source::default()
            };
            r.span.start = self.base + (start + input_offset(&replaced, r.span.start)) as u64;
            r.span.end = self.base + (start + input_offset(&replaced, r.span.end)) as u64;
            self.stats.records += 1;
            out(r);
        }
    }

    /// Drop processed bytes, keeping some look-behind for continuation lines.
    fn compact(&mut self) {
        const KEEP: usize = 64 * 1024;
        if self.done > 4 * KEEP {
            let cut = self.done - KEEP;
            let cut = memrchr(b'\n', &self.buf[..cut])
                .map(|p| p + 1)
                .unwrap_or(cut);
            if cut > self.counted {
                self.base_line += count_lines(&self.buf[self.counted..cut]) as u64;
                self.counted = cut;
            }
            self.buf.copy_within(cut..self.end, 0);
            self.end -= cut;
            self.done -= cut;
            self.floor = self.floor.saturating_sub(cut);
            self.counted -= cut;
            self.base += cut as u64;
        }
    }
}

/// `bytes` read lossily; `replaced` gets, for each U+FFFD put in, its offset in the text and
/// the number of input bytes it stands for, so that spans can be given in input bytes.
fn lossy(bytes: &[u8], replaced: &mut Vec<(usize, usize)>) -> String {
    let mut text = String::with_capacity(bytes.len() + 16);
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            replaced.push((text.len(), chunk.invalid().len()));
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
    text
}

/// The input offset of text offset `t` (a character boundary) of a [`lossy`] text.
fn input_offset(replaced: &[(usize, usize)], t: u64) -> usize {
    let t = t as usize;
    replaced
        .iter()
        .take_while(|(at, _)| *at < t)
        .fold(t, |o, (_, n)| {
            o + n - char::REPLACEMENT_CHARACTER.len_utf8()
        })
}

/// When the error happened, as far as the text says: the timestamp opening the line the error
/// starts on, or else the one opening the event's first line (a stack trace under a log line).
fn event_time(text: &str, at: usize) -> Option<i64> {
    let at = at.min(text.len());
    let start = memrchr(b'\n', &text.as_bytes()[..at]).map_or(0, |p| p + 1);
    // Lines of a `str` cut at `\n` are `str`s already: no copy, no second UTF-8 check.
    let line = |start: usize| {
        let end = memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |p| start + p);
        &text[start..end]
    };
    // An error on the event's first line has no other line to look at.
    crate::time::line_timestamp(line(start))
        .or_else(|| (start > 0).then(|| crate::time::line_timestamp(line(0)))?)
}

fn line_at(b: &[u8], start: usize) -> &[u8] {
    let end = memchr(b'\n', &b[start..])
        .map(|p| start + p)
        .unwrap_or(b.len());
    &b[start..end]
}

fn count_lines(b: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', b).count()
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
    let mut err = None;
    loop {
        let read = s.feed_from(&mut reader, 256 * 1024, &mut |r| {
            if err.is_none() {
                if let Err(e) = on_record(r) {
                    err = Some(e);
                }
            }
        });
        if let Some(e) = err.take() {
            return Err(e);
        }
        match read {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
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

#[cfg(test)]
mod damage;
#[cfg(test)]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SAMPLE: &str = "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/x because no identity-based policy allows the iam:PassRole action (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 1-2; Proxy: null)\n";

    fn scan_chunks(data: &[u8], chunk: usize) -> Vec<Record> {
        let mut v = Vec::new();
        let mut s = StreamScanner::new("-");
        for c in data.chunks(chunk.max(1)) {
            s.feed(c, &mut |r| v.push(r));
        }
        s.finish(&mut |r| v.push(r));
        v
    }

    #[test]
    fn chunking_does_not_change_records() {
        let mut data = Vec::new();
        for i in 0..50 {
            data.extend_from_slice(
                format!("2026-11-28T00:00:{i:02}Z INFO noise line {i}\n").as_bytes(),
            );
            if i % 7 == 0 {
                data.extend_from_slice(SAMPLE.as_bytes());
            }
        }
        let whole = scan_chunks(&data, data.len());
        assert_eq!(whole.len(), 8);
        for chunk in [1, 3, 64, 1000] {
            assert_eq!(scan_chunks(&data, chunk), whole, "chunk size {chunk}");
        }
        assert_eq!(whole[1].source.line, Some(10));
    }

    #[test]
    fn overlong_line_is_cut_and_later_errors_found() {
        let mut data = vec![b'x'; MAX_EVENT * 3 + 17];
        data.push(b'\n');
        data.extend_from_slice(SAMPLE.as_bytes());
        let mut s = StreamScanner::new("-");
        let mut v = Vec::new();
        for c in data.chunks(64 * 1024) {
            s.feed(c, &mut |r| v.push(r));
            assert!(
                s.buf.len() <= MAX_EVENT + 256 * 1024,
                "buffer grew to {}",
                s.buf.len()
            );
        }
        let stats = s.finish(&mut |r| v.push(r));
        assert_eq!(v.len(), 1);
        assert_eq!(
            stats.oversized_lines, 1,
            "one line, however many pieces: {stats:?}"
        );
    }

    /// Every text under samples/ (format samples and remedy samples), in a stable order.
    pub(super) fn sample_texts() -> Vec<(String, Vec<u8>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut v = Vec::new();
        for dir in ["formats", "remedies"] {
            let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "txt"))
                .collect();
            paths.sort();
            for p in paths {
                v.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
        assert!(v.len() > 50, "samples missing: {}", v.len());
        v
    }

    /// A deterministic log of about `lines` noise lines in the shapes real logs have (timestamped
    /// lines, JSON lines, Lambda markers, indented continuations, blank lines, bodies after a
    /// blank line), with whole sample texts dropped in between.
    fn generated_log(lines: usize, seed: u64) -> Vec<u8> {
        let samples = sample_texts();
        let mut x = seed | 1;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut out = Vec::new();
        for i in 0..lines {
            let line = match next() % 10 {
                0 => format!(
                    "2026-11-28T10:{:02}:{:02}.123Z INFO worker-{} batch done",
                    i % 60,
                    next() % 60,
                    next() % 9
                ),
                1 => format!(
                    "{{\"level\":\"INFO\",\"msg\":\"GET /orders/{} 200\",\"ms\":{}}}",
                    next() % 9999,
                    next() % 900
                ),
                2 => format!(
                    "START RequestId: {:08x}-aaaa-bbbb-cccc-0123456789ab Version: $LATEST",
                    next() as u32
                ),
                3 => "    at com.example.Worker.run(Worker.java:42)".to_string(),
                4 => String::new(),
                5 => "{ \"partial\": true }".to_string(),
                6 => "WARN retrying after error: connection reset".to_string(),
                7 if next() % 4 == 0 => {
                    let (_, text) = &samples[next() as usize % samples.len()];
                    String::from_utf8_lossy(text).trim_end().to_string()
                }
                _ => format!(
                    "Nov 28 10:00:{:02} host app[{}]: tick {}",
                    i % 60,
                    next() % 999,
                    i
                ),
            };
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        out
    }

    fn assert_fast_path_agrees(name: &str, data: &[u8]) {
        let slow = reference::scan_naive(data, "-");
        parallel::tests::assert_parallel_agrees(name, data, &slow);
        let sizes: &[usize] = if data.len() > 200_000 {
            &[usize::MAX, 65_536, 7919]
        } else {
            &[usize::MAX, 4096, 7, 1]
        };
        for &chunk in sizes {
            let chunk = chunk.min(data.len().max(1));
            let fast = scan_chunks(data, chunk);
            assert_eq!(
                fast.len(),
                slow.len(),
                "{name}: record count, chunk {chunk}"
            );
            for (f, s) in fast.iter().zip(&slow) {
                assert_eq!(f, s, "{name}: chunk {chunk}");
            }
        }
    }

    /// A reader that gives its pieces one per read, an `Interrupted` between them, then an
    /// error of its own if it has one.
    struct Pieces(Vec<std::io::Result<Vec<u8>>>);

    impl Read for Pieces {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let Some(next) = self.0.first_mut() else {
                return Ok(0);
            };
            match next {
                Ok(piece) if piece.len() > buf.len() => {
                    let rest = piece.split_off(buf.len());
                    buf.copy_from_slice(piece);
                    *piece = rest;
                    Ok(buf.len())
                }
                Ok(piece) => {
                    let n = piece.len();
                    buf[..n].copy_from_slice(piece);
                    let _given = self.0.remove(0);
                    if n == 0 {
                        return Err(std::io::ErrorKind::Interrupted.into());
                    }
                    Ok(n)
                }
                Err(_) => Err(self.0.remove(0).unwrap_err()),
            }
        }
    }

    #[test]
    fn reading_goes_on_after_an_interruption_and_stops_at_an_error() {
        let text = SAMPLE.as_bytes();
        let cut = text.len() / 2;
        let want = scan_str(SAMPLE);
        assert!(!want.is_empty());
        let pieces = |tail: std::io::Result<Vec<u8>>| {
            Pieces(vec![Ok(text[..cut].to_vec()), Ok(Vec::new()), tail])
        };
        let mut got = Vec::new();
        let stats = scan_reader(pieces(Ok(text[cut..].to_vec())), "-", &mut |r| {
            got.push(r);
            Ok(())
        })
        .unwrap();
        assert_eq!(got, want);
        assert_eq!(stats.bytes, text.len() as u64);
        let broken = std::io::Error::other("disk gone");
        let res = scan_reader(pieces(Err(broken)), "-", &mut |_| Ok(()));
        assert_eq!(res.unwrap_err().to_string(), "disk gone");
    }

    #[test]
    fn fast_path_equals_reference_on_every_sample() {
        for (name, text) in sample_texts() {
            assert_fast_path_agrees(&name, &text);
        }
    }

    #[test]
    fn fast_path_equals_reference_on_generated_logs() {
        // Past the compaction threshold several times over, so buffers are cut and refilled.
        for seed in [1, 7777] {
            let log = generated_log(20_000, seed);
            assert!(log.len() > 600_000, "{}", log.len());
            let slow = reference::scan_naive(&log, "-");
            assert!(slow.len() > 100, "only {} records", slow.len());
            assert_fast_path_agrees(&format!("generated seed {seed}"), &log);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2048), chunk in 1usize..300) {
            let _ = scan_chunks(&data, chunk);
        }

        #[test]
        fn splices_of_samples_never_panic(cut in 0usize..SAMPLE.len(), insert in proptest::collection::vec(any::<u8>(), 0..64), chunk in 1usize..100) {
            let mut data = SAMPLE.as_bytes()[..cut].to_vec();
            data.extend_from_slice(&insert);
            data.extend_from_slice(&SAMPLE.as_bytes()[cut..]);
            data.extend_from_slice(SAMPLE.as_bytes());
            let recs = scan_chunks(&data, chunk);
            prop_assert!(!recs.is_empty());
        }
    }
}
