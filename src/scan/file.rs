//! Scanning a regular file on several threads, each reading its own segments (`pread`): no
//! thread copies input for another, and segments grow large where errors are sparse.
//!
//! A stream must be read by one thread that hands segments out ([`super::parallel`]); a file
//! can be cut before it is read. A worker claims the next segment (peeking a little past its
//! nominal end for a safe cut, by the rule the stream's reader uses), reads it straight into
//! its scanner, and the records go out in input order through the same writer. Measured on
//! a 512 MiB log with 1% errors on two cores: 0.42 s with the reading thread, 0.31 s this way,
//! which is what two separate processes take on the file's two halves.

use super::parallel::{
    hand_on, prepare_collected, safe_cut, scan_in_memory, write_in_order, Done, LineBases, Msg,
    PrepareFn, Unwinding, WriterAt,
};
use super::{ScanStats, StreamScanner, MAX_EVENT};
use crate::record::Record;
use memchr::memrchr;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};

/// How large segments are: they start at `min` and move between `min` and `max` so that a
/// segment holds about `records` records. A segment up to `in_memory` bytes is read whole and
/// its lines counted before it is scanned (its bytes stay in the core's cache for the scan),
/// so that its records can be prepared as they are found; a larger one is read in pieces, and
/// its records collected until its line number base is known (those segments are large
/// because errors are sparse there).
#[derive(Clone, Copy)]
pub(super) struct Sizes {
    pub(super) min: u64,
    pub(super) max: u64,
    pub(super) records: u64,
    pub(super) in_memory: u64,
}

impl Default for Sizes {
    /// A segment's records wait in memory until its base line number is known, and then its
    /// prepared parts until the writer reaches it: about 500 records keep that to a megabyte
    /// or two of JSON, while sparse errors make segments of megabytes, few enough that the
    /// threads seldom meet.
    fn default() -> Self {
        Sizes {
            min: 128 * 1024,
            max: 8 << 20,
            records: 512,
            in_memory: 1 << 20,
        }
    }
}

/// Like [`super::scan_reader_parallel`], for a regular file, read by the scanning threads
/// themselves from its current length (and on as it grows while they read).
pub fn scan_file_parallel<T: Send + 'static>(
    file: File,
    source_name: &str,
    workers: usize,
    prepare: super::Prepare<T>,
    on_segment: &mut dyn FnMut(T) -> io::Result<()>,
) -> io::Result<ScanStats> {
    scan_file_segments(
        file,
        source_name,
        workers,
        Sizes::default(),
        prepare,
        on_segment,
    )
}

/// The most read at once into a scanner.
const READ: usize = 256 * 1024;

/// Reads of the file at `pos`, up to `end`.
struct Slice<'a> {
    file: &'a File,
    pos: u64,
    end: u64,
}

impl Read for Slice<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min((self.end - self.pos) as usize);
        if n == 0 {
            return Ok(0);
        }
        let got = self.file.read_at(&mut buf[..n], self.pos)?;
        self.pos += got as u64;
        Ok(got)
    }
}

/// The file's segments handed out so far.
struct Cursor {
    /// The next segment starts here and gets this number.
    offset: u64,
    seq: u64,
    /// The file's length when last looked at.
    len: u64,
    /// The last byte handed out: a segment after one that ended inside a line continues it.
    last: u8,
    /// A read failed: nothing more is handed out, and the call ends with this error.
    error: Option<io::Error>,
    /// [`Msg::End`] was sent.
    ended: bool,
}

/// What a worker gets when it asks for work.
enum Claim {
    Segment(Segment),
    /// The input is over: the worker sends [`Msg::End`] with these.
    End(u64, bool, io::Result<()>),
    /// The input is over and someone else said so.
    None,
}

struct Claims {
    file: File,
    cursor: Mutex<Cursor>,
    /// The size the next segment is given.
    size: AtomicU64,
    sizes: Sizes,
}

impl Claims {
    /// Claims on `file`, `len` bytes long for now.
    fn new(file: File, len: u64, sizes: Sizes) -> Claims {
        Claims {
            file,
            cursor: Mutex::new(Cursor {
                offset: 0,
                seq: 0,
                len,
                last: b'\n',
                error: None,
                ended: false,
            }),
            size: AtomicU64::new(sizes.min),
            sizes,
        }
    }

    fn claim(&self) -> Claim {
        let mut c = self.cursor.lock().unwrap_or_else(|e| e.into_inner());
        if c.error.is_none() && c.offset >= c.len {
            // A log may grow while it is read: what was written by now is read too, as a
            // reader of the stream would.
            match self.file.metadata() {
                Ok(m) => c.len = c.len.max(m.len()),
                Err(e) => c.error = Some(e),
            }
        }
        if c.error.is_none() && c.offset < c.len {
            let start = c.offset;
            let size = self.size.load(Ordering::Relaxed);
            match self.cut_after(start, size, c.len) {
                Ok((end, last)) if end > start => {
                    let claim = Claim::Segment(Segment {
                        seq: c.seq,
                        start,
                        end,
                        mid_line: c.last != b'\n',
                        last,
                    });
                    c.seq += 1;
                    c.offset = end;
                    c.last = last;
                    return claim;
                }
                // Nothing there: the file shrank under the cursor, and ends here.
                Ok(_) => c.len = start,
                Err(e) => c.error = Some(e),
            }
        }
        if c.ended {
            return Claim::None;
        }
        c.ended = true;
        let result = c.error.take().map_or(Ok(()), Err);
        Claim::End(c.seq, c.last != b'\n', result)
    }

    /// Where a segment starting at `start` with nominal size `size` ends, and its last byte:
    /// at the first safe cut past the nominal end, as the stream's reader cuts; without one
    /// within [`MAX_EVENT`] past it (a log without timestamps, a huge line), at the last line
    /// end before that, or there, inside a line longer than [`MAX_EVENT`]: the scanner counts
    /// a line as oversized where a piece of it that long begins it, and the segments after
    /// it, which start inside the line, do not count it again.
    fn cut_after(&self, start: u64, size: u64, len: u64) -> io::Result<(u64, u8)> {
        let mut peek: u64 = 8 * 1024;
        let nominal = start + size;
        if nominal >= len {
            let mut last = [b'\n'];
            // Nothing comes where the file shrank: then it ends in a newline as far as anyone
            // can tell.
            read_full_at(&self.file, &mut last, len - 1)?;
            return Ok((len, last[0]));
        }
        let limit = (nominal + MAX_EVENT as u64 + 1).min(len);
        // The line before a cut decides it too: the window starts a line's worth before.
        let from = nominal.saturating_sub(4096).max(start);
        let mut window = Vec::new();
        let mut judged = 0;
        loop {
            let upto = (from + window.len() as u64 + peek).min(limit);
            // Where lines are short (errors on every line) a cut is near; where they are not,
            // fewer reads.
            peek = (peek * 2).min(256 * 1024);
            let have = window.len();
            window.resize((upto - from) as usize, 0);
            let got = read_full_at(&self.file, &mut window[have..], from + have as u64)?;
            window.truncate(have + got);
            let at_limit = got == 0 || from + window.len() as u64 >= limit;
            let floor = ((nominal - from) as usize).max(judged);
            if let Some(cut) = first_safe_cut(&window, floor) {
                return Ok((from + cut as u64, b'\n'));
            }
            if at_limit {
                if from + window.len() as u64 >= len {
                    // The file ends first (or shrank): the segment takes the rest.
                    let last = window.last().copied().unwrap_or(b'\n');
                    return Ok((from + window.len() as u64, last));
                }
                let line_end = match memrchr(b'\n', &window) {
                    Some(p) => Some(from + p as u64),
                    None => self.last_newline(start, from)?,
                };
                return Ok(match line_end {
                    Some(p) => (p + 1, b'\n'),
                    None => (from + window.len() as u64, *window.last().unwrap_or(&b'\n')),
                });
            }
            // Lines judged no place to cut are not judged again (a verdict needs only the
            // line and the one before).
            judged = memrchr(b'\n', &window).unwrap_or(0);
        }
    }

    /// The offset of the last newline in `start..end` of the file, if any.
    fn last_newline(&self, start: u64, mut end: u64) -> io::Result<Option<u64>> {
        let mut chunk = vec![0u8; 64 * 1024];
        while end > start {
            let from = end.saturating_sub(chunk.len() as u64).max(start);
            let n = (end - from) as usize;
            let got = read_full_at(&self.file, &mut chunk[..n], from)?;
            if let Some(p) = memrchr(b'\n', &chunk[..got]) {
                return Ok(Some(from + p as u64));
            }
            end = from;
        }
        Ok(None)
    }

    /// A read failed: the first such error ends the call.
    fn failed(&self, e: io::Error) {
        let mut c = self.cursor.lock().unwrap_or_else(|e| e.into_inner());
        c.error.get_or_insert(e);
    }

    /// After a segment of `bytes` bytes with `records` records, the size for the next ones.
    fn learn(&self, bytes: u64, records: u64) {
        let Sizes {
            min,
            max,
            records: want,
            ..
        } = self.sizes;
        let fit = (bytes.saturating_mul(want) / records.max(1)).clamp(min, max);
        let old = self.size.load(Ordering::Relaxed);
        // Halfway there: one unusual segment does not swing the size.
        self.size.store((old + fit) / 2, Ordering::Relaxed);
    }
}

/// `read_exact_at` that stops at the end of the file: how many bytes came.
fn read_full_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    match read_until_error(file, buf, at) {
        (got, None) => Ok(got),
        (_, Some(e)) => Err(e),
    }
}

/// [`read_full_at`] that also tells how many bytes came before a failed read.
fn read_until_error(file: &File, buf: &mut [u8], at: u64) -> (usize, Option<io::Error>) {
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], at + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (got, Some(e)),
        }
    }
    (got, None)
}

/// The first place in `buf` past `floor` where a segment can start (see [`safe_cut`]), among
/// complete lines whose line before is in `buf` too.
fn first_safe_cut(buf: &[u8], floor: usize) -> Option<usize> {
    // The first line starting past `floor`, then line by line: a cut is the start of a line
    // that `safe_cut` over the text up to that line's end would give.
    let mut line_start = memchr::memchr(b'\n', buf.get(floor..)?)? + floor + 1;
    while let Some(n) = memchr::memchr(b'\n', &buf[line_start..]) {
        let line_end = line_start + n + 1;
        if safe_cut(&buf[..line_end], line_start - 1) == Some(line_start) {
            return Some(line_start);
        }
        line_start = line_end;
    }
    None
}

pub(super) fn scan_file_segments<T: Send + 'static>(
    file: File,
    source_name: &str,
    workers: usize,
    sizes: Sizes,
    prepare: super::Prepare<T>,
    on_segment: &mut dyn FnMut(T) -> io::Result<()>,
) -> io::Result<ScanStats> {
    let workers = workers.max(1);
    let len = file.metadata()?.len();
    let claims = Arc::new(Claims::new(file, len, sizes));
    let writing = Arc::new(WriterAt::default());
    let bases = Arc::new(LineBases::default());
    let (msg_tx, msg_rx) = channel::<Msg<T>>();
    for _ in 0..workers {
        let claims = Arc::clone(&claims);
        let msg_tx = msg_tx.clone();
        let prepare = Arc::clone(&prepare);
        let writing = Arc::clone(&writing);
        let bases = Arc::clone(&bases);
        let name = source_name.to_string();
        // The scanner's buffer, kept from segment to segment.
        let mut room = Vec::new();
        std::thread::spawn(move || loop {
            let _unwinding = Unwinding(&msg_tx);
            let segment = match claims.claim() {
                Claim::Segment(segment) => segment,
                Claim::End(sent, mid_line, result) => {
                    let _ = msg_tx.send(Msg::End(sent, mid_line, result));
                    break;
                }
                Claim::None => break,
            };
            // Memory stays bounded however slowly the records are written out: a worker
            // starts a segment only a few ahead of the writer.
            let seq = segment.seq;
            writing.wait_for(seq.saturating_sub(workers as u64 + 1));
            let going_on = hand_on(seq, &msg_tx, &writing, |emit| {
                segment.scan(&claims, &name, &mut room, &bases, &*prepare, emit)
            });
            if !going_on {
                break;
            }
        });
    }
    drop(msg_tx);
    write_in_order(&msg_rx, &writing, &bases, &mut || {}, on_segment)
}

/// A claimed stretch of the file, `start..end`, number `seq` in input order.
struct Segment {
    seq: u64,
    start: u64,
    end: u64,
    /// It starts inside a line the segment before began.
    mid_line: bool,
    /// Its last byte, as seen when it was claimed.
    last: u8,
}

impl Segment {
    /// Read and scan the segment for `prepare` (see [`super::parallel::Records`]). A failed
    /// read ends the segment there: what was read is scanned, and the error stops the handing
    /// out of segments and ends the call. `room` is the worker's buffer, kept from segment to
    /// segment.
    fn scan<T>(
        self,
        claims: &Claims,
        name: &str,
        room: &mut Vec<u8>,
        bases: &LineBases,
        prepare: &PrepareFn<T>,
        emit: &mut dyn FnMut(T),
    ) -> Done {
        let len = (self.end - self.start) as usize;
        if len as u64 <= claims.sizes.in_memory {
            // Read whole, its lines counted first: records go to `prepare` as they are found.
            let mut data = std::mem::take(room);
            if data.len() < len {
                data.resize(len, 0);
            }
            let got = self.read_into(claims, &mut data[..len]);
            data.truncate(got);
            let at = (self.seq, self.start, self.mid_line);
            let (done, buf) = scan_in_memory(at, data, name, bases, prepare, emit);
            claims.learn(done.stats.bytes, done.stats.records);
            *room = buf;
            return done;
        }
        let mut s = StreamScanner::new(name).reading_into(std::mem::take(room));
        if self.mid_line {
            s = s.starting_mid_line();
        }
        let mut records: Vec<Record> = Vec::new();
        let mut input = Slice {
            file: &claims.file,
            pos: self.start,
            end: self.end,
        };
        loop {
            match s.feed_from(&mut input, READ, &mut |r| records.push(r)) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    claims.failed(e);
                    break;
                }
            }
        }
        let stats = s.finish(&mut |r| records.push(r));
        claims.learn(stats.bytes, records.len() as u64);
        let buf = s.into_room();
        // One that a long line made large is let go.
        if buf.len() <= 4 * READ {
            *room = buf;
        }
        // The scanner counts a last line without a newline as a line.
        let last = if input.pos == self.end {
            self.last
        } else if input.pos > self.start {
            last_byte(&claims.file, input.pos)
        } else {
            b'\n'
        };
        let unended = last != b'\n';
        prepare_collected(
            self.seq, self.start, unended, records, stats, bases, prepare, emit,
        )
    }

    /// Read the segment into `buf` (its length): how many bytes came before the file ended or
    /// a read failed.
    fn read_into(&self, claims: &Claims, buf: &mut [u8]) -> usize {
        let (got, error) = read_until_error(&claims.file, buf, self.start);
        if let Some(e) = error {
            claims.failed(e);
        }
        got
    }
}

/// The byte before `pos` (a newline where it cannot be read).
fn last_byte(file: &File, pos: u64) -> u8 {
    let mut b = [b'\n'];
    let _ = file.read_exact_at(&mut b, pos - 1);
    b[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first safe cut past a place is the one `safe_cut` finds in the text up to that line.
    #[test]
    fn the_first_safe_cut_is_a_safe_cut() {
        let buf =
            b"2026-11-28 INFO a\n  at x\n\n{ body }\n2026-11-28 INFO b\nmore\n2026-11-28 INFO c\n";
        let b = first_safe_cut(buf, 0).unwrap();
        assert!(buf[b..].starts_with(b"2026-11-28 INFO b"));
        let c = first_safe_cut(buf, b).unwrap();
        assert!(buf[c..].starts_with(b"2026-11-28 INFO c"));
        // A body after a blank line belongs to the record above it; an unended line is not
        // judged.
        assert_eq!(first_safe_cut(b"ERROR head\n\n{\"x\": 1}\ntail\n", 0), None);
        assert_eq!(first_safe_cut(b"x\n2026-11-28 INFO unended", 0), None);
        assert_eq!(first_safe_cut(b"", 0), None);
        assert_eq!(first_safe_cut(b"x\n", 5), None);
    }

    /// A file that grew after the scan began is read to its new end, in segments that
    /// follow each other, each ending at a line that may begin a log record.
    #[test]
    fn claims_cover_a_file_that_grew() {
        use std::io::Write;
        let line = "2026-11-28T10:00:00Z INFO something happened\n";
        let data = line.repeat(2000);
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(data.as_bytes()).unwrap();
        let sizes = Sizes {
            min: 1000,
            max: 4000,
            records: 4,
            in_memory: 1 << 20,
        };
        // As if it had 100 bytes when the scan began: the first segment ends there, inside
        // a line, and the next one continues that line.
        let claims = Claims::new(file, 100, sizes);
        let (mut at, mut seq, mut last) = (0, 0, b'\n');
        loop {
            match claims.claim() {
                Claim::Segment(s) => {
                    assert_eq!((s.seq, s.start), (seq, at));
                    assert_eq!(s.mid_line, last != b'\n');
                    assert_eq!(s.last, data.as_bytes()[s.end as usize - 1]);
                    if seq == 0 {
                        assert_eq!(s.end, 100);
                    } else {
                        let rest = &data[s.end as usize..];
                        assert!(rest.is_empty() || rest.starts_with(line), "{}", s.end);
                    }
                    (at, last) = (s.end, s.last);
                    seq += 1;
                }
                Claim::End(sent, mid_line, result) => {
                    assert_eq!((sent, mid_line), (seq, false));
                    assert!(result.is_ok());
                    break;
                }
                Claim::None => panic!("the end is said once, to the first who asks"),
            }
        }
        assert_eq!(at, data.len() as u64);
        assert!(seq > 10, "{seq} segments");
        assert!(matches!(claims.claim(), Claim::None));
    }

    /// Where errors are sparse, segments grow to the largest size; where they are dense, they
    /// stay small.
    #[test]
    fn segment_sizes_follow_the_density_of_errors() {
        let claims = || Claims::new(tempfile::tempfile().unwrap(), 0, Sizes::default());
        let sparse = claims();
        for _ in 0..40 {
            sparse.learn(1 << 20, 10);
        }
        assert!(sparse.size.load(Ordering::Relaxed) > 7 << 20);
        let dense = claims();
        for _ in 0..40 {
            dense.learn(128 * 1024, 500);
        }
        assert!(dense.size.load(Ordering::Relaxed) < 160 * 1024);
    }
}
