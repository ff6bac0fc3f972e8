//! Scanning one stream on several threads: the input is cut into segments at lines no event
//! can reach across, each segment is scanned (and its records prepared) by a worker, and the
//! records come back in input order with offsets and line numbers as one scanner would give.
//!
//! The cut rule keeps the records identical to [`super::scan_reader`]'s: a segment starts at a
//! line that begins a new log record ([`super::is_header`]) and is not a body after a blank
//! line. An event never continues into such a line (continuation lines are never headers, and
//! a body after a blank line is the only way past a header), and an event found below it never
//! reaches above it. Memory stays bounded: a few segments are in flight at once.

use super::{is_blank, is_header, ScanStats, StreamScanner, MAX_EVENT};
use crate::record::Record;
use memchr::memrchr;
use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::{Arc, Condvar, Mutex};

/// Bytes read before looking for a cut.
const SEGMENT: usize = 128 * 1024;
/// A segment grows to this size at most while no safe cut is found; then it is cut at a line
/// end (or, in a line longer than this, anywhere), which may split an event in two.
const MAX_SEGMENT: usize = MAX_EVENT;

/// Like [`super::scan_reader`], with the scanning and `prepare` done on `workers` threads.
/// `prepare` turns the records of one segment (with their final offsets and lines, in input
/// order) into what the caller wants, handed to `emit` in one part or several: the records
/// with remedies built, or already their output lines in a buffer or a few. `on_segment` runs
/// on the calling thread for each part, in input order, as soon as it can, even while the
/// reader waits for more input.
///
/// Parts of a segment that the writer is not at yet wait in memory, so a worker that has
/// emitted [`PARTS_AHEAD`] parts of such a segment waits until the writer reaches it: `prepare`
/// keeps memory bounded by emitting parts of bounded size (a segment's JSON lines can be many
/// times its input).
///
/// The reading thread may outlive the call when the call ends early (an `on_item` error such
/// as a closed output pipe) while `reader` blocks; it ends with its next read.
pub fn scan_reader_parallel<T: Send + 'static>(
    reader: Box<dyn Read + Send>,
    source_name: &str,
    workers: usize,
    prepare: Prepare<T>,
    on_segment: &mut dyn FnMut(T) -> io::Result<()>,
) -> io::Result<ScanStats> {
    scan_segments(reader, source_name, workers, SEGMENT, prepare, on_segment)
}

/// What a scanning thread does with a segment's records: hand them on, in parts, to `emit`.
pub type Prepare<T> = Arc<PrepareFn<T>>;
pub type PrepareFn<T> = dyn Fn(Records<'_>, &mut dyn FnMut(T)) + Send + Sync;

/// The records of a segment for [`PrepareFn`]: called with a function, it hands that function
/// each record, in input order, with its final offset and line number (once; a segment whose
/// `prepare` does not call it is scanned all the same).
///
/// Where a segment is small enough to count its lines first (a stream's segments, a file's
/// where errors are dense), its records come as the scanner finds them: each record's strings
/// are freed before the next record's are made, and glibc serves them from the thread's cache
/// of small blocks. Collecting hundreds first and freeing them in a burst overflows that cache
/// and sends every allocation down the allocator's slow path.
pub type Records<'a> = &'a mut dyn FnMut(&mut dyn FnMut(Record));

/// Parts a worker may emit for a segment the writer is not at yet before it waits.
pub const PARTS_AHEAD: usize = 2;

/// A segment for a worker: where it stands in the input, and its bytes.
struct Job {
    seq: u64,
    /// Offset of its first byte.
    offset: u64,
    /// It starts inside a line the previous segment began.
    mid_line: bool,
    data: Vec<u8>,
}

/// What a worker gives back for one segment, once its parts are emitted.
pub(super) struct Done {
    pub(super) seq: u64,
    /// Its counts; `lines` counts its newlines only (a segment may end inside a line).
    pub(super) stats: ScanStats,
}

/// The number of lines before each segment, worked out from the newlines of the segments
/// before it. Each worker counts its own segment's and publishes the count, then takes its
/// segment's base to number its records' lines. A segment in memory is counted before it is
/// scanned (its bytes are in the worker's cache), so its base is known before its first
/// record ([`scan_in_memory`]); a large segment of a file, read in pieces, is counted by its
/// scanner and published once scanned ([`prepare_collected`]): by then the segments before
/// it have been scanned too, or nearly.
///
/// No wait is for a worker that waits itself: a count is published before any waiting
/// (a worker's waits for the writer come later, in `prepare`), and a segment's count only
/// waits for the segments before it, which were taken earlier.
#[derive(Default)]
pub(super) struct LineBases {
    state: Mutex<Bases>,
    known: Condvar,
}

#[derive(Default)]
struct Bases {
    /// Segments before `next` are counted; `base` is the line number `next` starts at.
    next: u64,
    base: u64,
    /// Counts published for segments past `next`.
    ahead: BTreeMap<u64, u64>,
    /// Bases worked out and not yet taken by their segment's worker.
    ready: BTreeMap<u64, u64>,
    /// The call is over (its end, an error, a worker gone): nobody waits any more.
    abandoned: bool,
}

impl LineBases {
    fn lock(&self) -> std::sync::MutexGuard<'_, Bases> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn publish(&self, seq: u64, newlines: u64) {
        let mut guard = self.lock();
        let b = &mut *guard;
        b.ahead.insert(seq, newlines);
        while let Some(n) = b.ahead.remove(&b.next) {
            b.ready.insert(b.next, b.base);
            b.next += 1;
            b.base += n;
        }
        self.known.notify_all();
    }

    /// The number of lines before segment `seq`, once known; `None` when it never will be.
    pub(super) fn take(&self, seq: u64) -> Option<u64> {
        let mut b = self.lock();
        loop {
            if let Some(base) = b.ready.remove(&seq) {
                return Some(base);
            }
            if b.abandoned {
                return None;
            }
            b = self.known.wait(b).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn abandon(&self) {
        self.lock().abandoned = true;
        self.known.notify_all();
    }
}

/// The segment the writer is at, for workers that are ahead and wait for it.
#[derive(Default)]
pub(super) struct WriterAt {
    at: Mutex<u64>,
    moved: Condvar,
}

impl WriterAt {
    fn lock(&self) -> std::sync::MutexGuard<'_, u64> {
        self.at.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The writer is at segment `seq` (`u64::MAX`: past every segment, nobody waits).
    fn reach(&self, seq: u64) {
        *self.lock() = seq;
        self.moved.notify_all();
    }

    pub(super) fn wait_for(&self, seq: u64) {
        let mut at = self.lock();
        while *at < seq {
            at = self.moved.wait(at).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// What the threads tell the calling thread.
pub(super) enum Msg<T> {
    Part(u64, T),
    /// A segment is done; its last part comes with it (one message, one wake-up of the
    /// calling thread, for the usual segment of one part).
    Segment(Done, Option<T>),
    /// The reader is done: how many segments it sent, whether the input ends inside a line
    /// (a last line without a newline counts too), and any read error.
    End(u64, bool, io::Result<()>),
    /// A worker panicked.
    Gone,
}

pub(super) fn scan_segments<T: Send + 'static>(
    reader: Box<dyn Read + Send>,
    source_name: &str,
    workers: usize,
    segment: usize,
    prepare: Prepare<T>,
    on_segment: &mut dyn FnMut(T) -> io::Result<()>,
) -> io::Result<ScanStats> {
    let workers = workers.max(1);
    let writing = Arc::new(WriterAt::default());
    let bases = Arc::new(LineBases::default());
    let (job_tx, job_rx) = sync_channel::<Job>(workers);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (msg_tx, msg_rx) = channel::<Msg<T>>();
    // One token per segment between being read and being passed on: memory stays bounded
    // however slowly the records are written out.
    let (token_tx, token_rx) = sync_channel::<()>(workers + 2);
    // Segment buffers the workers are done with, for the reader to fill again: no fresh memory
    // (page faults, zeroing) per segment. As many exist as segments are ever in flight.
    let (spare_tx, spare_rx) = channel::<Vec<u8>>();
    for _ in 0..workers {
        let job_rx = Arc::clone(&job_rx);
        let msg_tx = msg_tx.clone();
        let prepare = Arc::clone(&prepare);
        let spare_tx = spare_tx.clone();
        let writing = Arc::clone(&writing);
        let bases = Arc::clone(&bases);
        let name = source_name.to_string();
        std::thread::spawn(move || loop {
            let _unwinding = Unwinding(&msg_tx);
            let job = job_rx.lock().map(|rx| rx.recv());
            let Ok(Ok(job)) = job else {
                break;
            };
            let Job {
                seq,
                offset,
                mid_line,
                data,
            } = job;
            let going_on = hand_on(seq, &msg_tx, &writing, |emit| {
                let at = (seq, offset, mid_line);
                let (done, buffer) = scan_in_memory(at, data, &name, &bases, &*prepare, emit);
                // The reader may be gone (end of input): then the buffer is just dropped.
                let _ = spare_tx.send(buffer);
                done
            });
            if !going_on {
                break;
            }
        });
    }
    std::thread::spawn(move || {
        let (sent, lines, result) = read_segments(reader, segment, &job_tx, &token_tx, &spare_rx);
        drop(job_tx);
        let _ = msg_tx.send(Msg::End(sent, lines, result));
    });
    // A segment passed gives its token back to the reader.
    let mut written = || {
        let _ = token_rx.recv();
    };
    write_in_order(&msg_rx, &writing, &bases, &mut written, on_segment)
}

/// A worker that panics leaves its segment unfinished, which the writer would wait for
/// forever: it says so, and the call ends with an error (which releases the threads that
/// wait, see `Release`).
pub(super) struct Unwinding<'a, T>(pub(super) &'a Sender<Msg<T>>);

impl<T> Drop for Unwinding<'_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = self.0.send(Msg::Gone);
        }
    }
}

/// Run `scan` for segment `seq` with an `emit` that hands its parts to the writer, then send
/// the segment's end (with `scan`'s [`Done`]). Past [`PARTS_AHEAD`] parts, `emit` waits for
/// the writer to be at the segment; the latest part is held back to go with the next one or
/// with the end. False when the call is over (nobody listens).
pub(super) fn hand_on<T>(
    seq: u64,
    msg_tx: &Sender<Msg<T>>,
    writing: &WriterAt,
    scan: impl FnOnce(&mut dyn FnMut(T)) -> Done,
) -> bool {
    let mut parts = 0;
    let mut held = None;
    let done = scan(&mut |part: T| {
        if parts >= PARTS_AHEAD {
            writing.wait_for(seq);
        }
        parts += 1;
        if let Some(before) = held.replace(part) {
            // A closed channel: the call is over; the rest is dropped.
            let _ = msg_tx.send(Msg::Part(seq, before));
        }
    });
    msg_tx.send(Msg::Segment(done, held.take())).is_ok()
}

/// The calling thread's part: hand each segment's parts to `on_segment` in input order, as
/// soon as the segments before are out, until [`Msg::End`] and every segment it counts are
/// in; `written` runs once per segment passed. Sums the segments' counts.
pub(super) fn write_in_order<T>(
    msg_rx: &Receiver<Msg<T>>,
    writing: &Arc<WriterAt>,
    bases: &Arc<LineBases>,
    written: &mut dyn FnMut(),
    on_segment: &mut dyn FnMut(T) -> io::Result<()>,
) -> io::Result<ScanStats> {
    // However the call ends, no worker keeps waiting for the writer or for line numbers.
    struct Release(Arc<WriterAt>, Arc<LineBases>);
    impl Drop for Release {
        fn drop(&mut self) {
            self.0.reach(u64::MAX);
            self.1.abandon();
        }
    }
    let _release = Release(Arc::clone(writing), Arc::clone(bases));
    // Parts and ends of segments the writer is not at yet.
    let mut parts: BTreeMap<u64, Vec<T>> = BTreeMap::new();
    let mut ended: BTreeMap<u64, ScanStats> = BTreeMap::new();
    let mut next = 0u64;
    let mut stats = ScanStats::default();
    let mut end = None;
    loop {
        if let Some((sent, _, _)) = &end {
            if next >= *sent {
                break;
            }
        }
        match msg_rx.recv() {
            Ok(Msg::Part(seq, part)) => deliver(seq, part, next, &mut parts, on_segment)?,
            Ok(Msg::Segment(done, last)) => {
                if let Some(part) = last {
                    deliver(done.seq, part, next, &mut parts, on_segment)?;
                }
                ended.insert(done.seq, done.stats);
                while let Some(done) = ended.remove(&next) {
                    next += 1;
                    stats.bytes += done.bytes;
                    stats.records += done.records;
                    stats.oversized_lines += done.oversized_lines;
                    stats.invalid_utf8_lines += done.invalid_utf8_lines;
                    stats.lines += done.lines;
                    written();
                    // The writer is at the next segment: its parts so far go out, and its
                    // worker may emit more.
                    for part in parts.remove(&next).unwrap_or_default() {
                        on_segment(part)?;
                    }
                    writing.reach(next);
                }
            }
            Ok(Msg::End(sent, mid_line, result)) => end = Some((sent, mid_line, result)),
            Ok(Msg::Gone) | Err(_) => return Err(worker_gone()),
        }
    }
    let (_, mid_line, result) = end.expect("loop ends after End");
    result?;
    stats.lines += u64::from(mid_line);
    Ok(stats)
}

/// A part of segment `seq` goes out now when the writer is at that segment (`next`), else it
/// waits in `parts`.
fn deliver<T>(
    seq: u64,
    part: T,
    next: u64,
    parts: &mut BTreeMap<u64, Vec<T>>,
    on_segment: &mut dyn FnMut(T) -> io::Result<()>,
) -> io::Result<()> {
    if seq == next {
        return on_segment(part);
    }
    parts.entry(seq).or_default().push(part);
    Ok(())
}

/// Scan `data`, segment `seq` starting at `offset` (inside a line the segment before began:
/// `mid_line`), on its own as if it were the whole input, handing each record to `prepare` as
/// it is found: its lines are counted first, so that its base line number is known before any
/// record (see [`Records`]). Gives back the buffer.
pub(super) fn scan_in_memory<T>(
    (seq, offset, mid_line): (u64, u64, bool),
    data: Vec<u8>,
    name: &str,
    bases: &LineBases,
    prepare: &PrepareFn<T>,
    emit: &mut dyn FnMut(T),
) -> (Done, Vec<u8>) {
    let newlines = super::count_lines(&data) as u64;
    bases.publish(seq, newlines);
    // No base: the call is over, and the records would go nowhere.
    let Some(line_base) = bases.take(seq) else {
        let stats = ScanStats::default();
        return (Done { seq, stats }, data);
    };
    let mut s = StreamScanner::new(name);
    if mid_line {
        s = s.starting_mid_line();
    }
    let mut data = Some(data);
    let mut stats = None;
    let mut scan = |out: &mut dyn FnMut(Record)| {
        let Some(data) = data.take() else {
            return;
        };
        let mut placed = |mut r: Record| {
            place(&mut r, offset, line_base);
            out(r);
        };
        s.feed_owned(data, &mut placed);
        stats = Some(s.finish(&mut placed));
    };
    prepare(&mut scan, emit);
    scan(&mut drop::<Record>);
    let stats = ScanStats {
        // The scanner counts a last line without a newline too; here that is the next
        // segment's, or the reader's to add at the end.
        lines: newlines,
        ..stats.unwrap_or_default()
    };
    (Done { seq, stats }, s.into_room())
}

/// Give a record of a segment its place in the input: the segment starts at byte `offset`,
/// after `line_base` lines.
fn place(r: &mut Record, offset: u64, line_base: u64) {
    r.span.start += offset;
    r.span.end += offset;
    r.source.line = r.source.line.map(|l| l + line_base);
}

/// The end of a segment's scan whose `records` were collected, `stats` its scanner's counts:
/// publish its line count, then let `prepare` have the records, placed in the input (the
/// segment starts at byte `offset`). `unended`: the segment's last byte is not a newline (its
/// scanner counted that line).
#[allow(clippy::too_many_arguments)]
pub(super) fn prepare_collected<T>(
    seq: u64,
    offset: u64,
    unended: bool,
    records: Vec<Record>,
    stats: ScanStats,
    bases: &LineBases,
    prepare: &PrepareFn<T>,
    emit: &mut dyn FnMut(T),
) -> Done {
    let newlines = stats.lines - u64::from(unended);
    bases.publish(seq, newlines);
    // No base: the call is over, and the records would go nowhere.
    if let Some(line_base) = bases.take(seq) {
        let mut records = Some(records);
        let mut replay = |out: &mut dyn FnMut(Record)| {
            for mut r in records.take().into_iter().flatten() {
                place(&mut r, offset, line_base);
                out(r);
            }
        };
        prepare(&mut replay, emit);
    }
    let stats = ScanStats {
        lines: newlines,
        ..stats
    };
    Done { seq, stats }
}

/// Where the reader stands: what it has handed out so far.
struct Sent {
    segments: u64,
    offset: u64,
    /// The last byte handed out: a segment after one that ended inside a line continues it.
    last: u8,
}

/// The reading thread: read, cut into segments at safe places, hand them to the workers.
/// Returns the number of segments, whether the input ends inside a line, and any read error.
fn read_segments(
    mut reader: Box<dyn Read + Send>,
    segment: usize,
    job_tx: &SyncSender<Job>,
    token_tx: &SyncSender<()>,
    spare_rx: &Receiver<Vec<u8>>,
) -> (u64, bool, io::Result<()>) {
    let max_segment = MAX_SEGMENT.max(segment * 2);
    const CHUNK: usize = 64 * 1024;
    // Room for a segment and one more read, so that a segment is read in place.
    let capacity = segment * 2 + CHUNK;
    // A buffer with at least `len` bytes in use (`Read` wants initialised bytes): one the
    // workers gave back, where only what the last segment did not reach needs zeroing. One
    // that a long line made large is let go, so that memory stays what segments need.
    let buffer = |len: usize| {
        let mut b = spare_rx
            .try_iter()
            .find(|b| b.capacity() <= 2 * capacity)
            .unwrap_or_default();
        if b.len() < len {
            b.resize(len.max(capacity), 0);
        }
        b
    };
    // `carry[..filled]` is input not yet handed out; the rest is room to read into.
    let mut carry = buffer(capacity);
    let mut filled = 0;
    let mut sent = Sent {
        segments: 0,
        offset: 0,
        last: b'\n',
    };
    let mid_line = |sent: &Sent| sent.last != b'\n';
    // Line starts up to here were judged no place to cut.
    let mut judged = 0;
    loop {
        // A short read means the writer has paused (a pipe from a live process): what is
        // complete is scanned now rather than when the segment fills, so errors show up as
        // soon as the scanner on one thread would show them.
        let (eof, paused) = loop {
            if carry.len() < filled + CHUNK {
                carry.resize(filled + CHUNK, 0);
            }
            match reader.read(&mut carry[filled..filled + CHUNK]) {
                Ok(0) => break (true, false),
                Ok(n) => {
                    filled += n;
                    if filled >= segment {
                        break (false, false);
                    }
                    if n < CHUNK {
                        break (false, true);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    // What was read before the error is still scanned.
                    carry.truncate(filled);
                    let _ = send(&mut carry, &mut sent, job_tx, token_tx);
                    return (sent.segments, mid_line(&sent), Err(e));
                }
            }
        };
        let data = &carry[..filled];
        let cut = if eof {
            filled
        } else {
            // Past the first half, so that segments stay large while data flows, and past the
            // lines judged already (a line's verdict needs only it and the line before).
            let floor = if paused { 0 } else { filled / 2 };
            match safe_cut(data, floor.max(judged)) {
                Some(c) => c,
                None => {
                    judged = memrchr(b'\n', data).unwrap_or(0);
                    // Past the limit, not at it: a line cut inside is counted as oversized
                    // where a piece longer than the limit begins it.
                    if filled <= max_segment {
                        continue;
                    }
                    memrchr(b'\n', data).map_or(filled, |p| p + 1)
                }
            }
        };
        judged = 0;
        let rest = filled - cut;
        let mut next = buffer(rest + CHUNK);
        next[..rest].copy_from_slice(&carry[cut..filled]);
        carry.truncate(cut);
        if !send(&mut carry, &mut sent, job_tx, token_tx) {
            return (sent.segments, mid_line(&sent), Ok(()));
        }
        carry = next;
        filled = rest;
        if eof {
            return (sent.segments, mid_line(&sent), Ok(()));
        }
    }
}

/// Hand `data` (if any) to the workers; false when nobody listens any more.
fn send(
    data: &mut Vec<u8>,
    sent: &mut Sent,
    job_tx: &SyncSender<Job>,
    token_tx: &SyncSender<()>,
) -> bool {
    let Some(&last) = data.last() else {
        return true;
    };
    let job = Job {
        seq: sent.segments,
        offset: sent.offset,
        mid_line: sent.last != b'\n',
        data: std::mem::take(data),
    };
    sent.offset += job.data.len() as u64;
    sent.last = last;
    if token_tx.send(()).is_err() || job_tx.send(job).is_err() {
        return false;
    }
    sent.segments += 1;
    true
}

pub(super) fn worker_gone() -> io::Error {
    io::Error::other("a scanning thread stopped unexpectedly")
}

/// The last place in `buf` past `floor` where a segment can start: a complete line that begins
/// a new log record, not a body after a blank line.
pub(super) fn safe_cut(buf: &[u8], floor: usize) -> Option<usize> {
    // Only complete lines are judged: the text after the last newline may still grow.
    let mut line_end = memrchr(b'\n', buf)?;
    while line_end > floor {
        let line_start = memrchr(b'\n', &buf[..line_end]).map(|p| p + 1)?;
        let line = &buf[line_start..line_end];
        if line_start > floor && is_header(line) {
            let prev_start = memrchr(b'\n', &buf[..line_start - 1]).map_or(0, |p| p + 1);
            let prev = &buf[prev_start..line_start - 1];
            let body = line.first().is_some_and(|c| *c == b'{' || *c == b'<');
            if !(body && is_blank(prev)) {
                return Some(line_start);
            }
        }
        line_end = line_start - 1;
    }
    None
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The two ways of scanning on several threads: a stream read by one thread, and a file
    /// read by its scanning threads.
    #[derive(Clone, Copy, Debug)]
    enum Path {
        Stream,
        /// Segments read whole, records prepared as they are found.
        #[cfg(unix)]
        File,
        /// Segments read in pieces, records collected first.
        #[cfg(unix)]
        FileCollected,
    }

    const PATHS: &[Path] = &[
        Path::Stream,
        #[cfg(unix)]
        Path::File,
        #[cfg(unix)]
        Path::FileCollected,
    ];

    /// Scan `data` the `path` way with segments of about `segment` bytes.
    fn scan_by<T: Send + 'static>(
        path: Path,
        data: &[u8],
        workers: usize,
        segment: usize,
        prepare: Prepare<T>,
        on_segment: &mut dyn FnMut(T) -> io::Result<()>,
    ) -> io::Result<ScanStats> {
        match path {
            Path::Stream => {
                let input = Box::new(std::io::Cursor::new(data.to_vec()));
                scan_segments(input, "-", workers, segment, prepare, on_segment)
            }
            #[cfg(unix)]
            Path::File | Path::FileCollected => {
                use std::io::Write;
                let mut file = tempfile::tempfile()?;
                file.write_all(data)?;
                // Sizes that move: a few records a segment.
                let sizes = super::super::file::Sizes {
                    min: segment as u64,
                    max: 4 * segment as u64,
                    records: 4,
                    in_memory: if matches!(path, Path::File) {
                        1 << 20
                    } else {
                        0
                    },
                };
                super::super::file::scan_file_segments(
                    file, "-", workers, sizes, prepare, on_segment,
                )
            }
        }
    }

    fn parallel(
        path: Path,
        data: &[u8],
        workers: usize,
        segment: usize,
    ) -> (Vec<Record>, ScanStats) {
        let mut v = Vec::new();
        let prepare: Prepare<Vec<Record>> = Arc::new(|records, emit| emit(collect(records)));
        let stats = scan_by(path, data, workers, segment, prepare, &mut |r| {
            v.extend(r);
            Ok(())
        })
        .unwrap();
        (v, stats)
    }

    /// The parallel paths (of a stream, and of a file by its scanning threads) give the
    /// sequential path's records and counts, whatever the segment size; checked on the
    /// inputs the sequential fast path is checked on.
    pub(in crate::scan) fn assert_parallel_agrees(name: &str, data: &[u8], slow: &[Record]) {
        let mut seq_stats = ScanStats::default();
        let _ = super::super::scan_reader(data, "-", &mut |_| Ok(())).map(|s| seq_stats = s);
        let lines =
            super::super::count_lines(data) + usize::from(data.last().is_some_and(|b| *b != b'\n'));
        assert_eq!(seq_stats.lines, lines as u64, "{name}: line count");
        for &path in PATHS {
            for (workers, segment) in [(2, 1000), (3, 4096), (2, SEGMENT)] {
                let (fast, stats) = parallel(path, data, workers, segment);
                let case = format!("{name}: {path:?}, segment {segment}");
                assert_eq!(fast.len(), slow.len(), "{case}: records");
                for (f, s) in fast.iter().zip(slow) {
                    assert_eq!(f, s, "{case}");
                }
                assert_eq!(stats, seq_stats, "{case}: stats");
            }
        }
    }

    /// Records and counts are those of one thread on inputs where cuts are hard to place (no
    /// line that may begin a segment for megabytes, a line longer than a segment, bodies after
    /// blank lines, no final newline, nothing).
    #[test]
    fn segments_agree_on_awkward_input() {
        let error = "User: arn:aws:iam::123456789012:user/u is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k";
        let mut inputs: Vec<(&str, Vec<u8>)> = vec![("empty", Vec::new())];
        inputs.push(("one line, no newline", error.as_bytes().to_vec()));
        let mut headerless = String::new();
        for i in 0..120_000 {
            headerless.push_str(if i % 997 == 0 { error } else { "  at frame" });
            headerless.push('\n');
        }
        inputs.push(("no header for megabytes", headerless.clone().into_bytes()));
        let mut long = String::from("2026-11-28T10:00:00Z INFO start\n");
        long.push_str(&"x".repeat(2_500_000));
        long.push_str(error);
        long.push_str("\n2026-11-28T10:00:01Z ERROR ");
        long.push_str(error);
        inputs.push((
            "a line longer than a segment, no final newline",
            long.into_bytes(),
        ));
        let mut from_the_start = "x".repeat(3_000_000);
        from_the_start.push_str(error);
        from_the_start.push('\n');
        inputs.push((
            "a line longer than the line limit from the first byte",
            from_the_start.into_bytes(),
        ));
        let bodies = format!("2026-11-28T10:00:00Z ERROR {error}\n\n{{\"x\": 1}}\n   \n<a/>\n");
        inputs.push(("bodies after blank lines", bodies.repeat(3000).into_bytes()));
        for (name, data) in &inputs {
            let mut want = Vec::new();
            super::super::scan_reader(&data[..], "-", &mut |r| {
                want.push(r);
                Ok(())
            })
            .unwrap();
            assert_parallel_agrees(name, data, &want);
        }
    }

    #[test]
    fn cuts_only_before_a_new_record() {
        let buf = b"2026-11-28 INFO a\n  at x\n\n{ body }\n2026-11-28 INFO b\nmore\n";
        let cut = safe_cut(buf, 0).unwrap();
        assert!(buf[cut..].starts_with(b"2026-11-28 INFO b"));
        // A body after a blank line belongs to the record above it.
        assert_eq!(
            safe_cut(b"ERROR head line here\n\n{\"x\": 1}\ntail\n", 0),
            None
        );
        assert_eq!(safe_cut(b"no newline at all", 0), None);
    }

    fn collect(records: Records) -> Vec<Record> {
        let mut all = Vec::new();
        records(&mut |r| all.push(r));
        all
    }

    /// `n` timestamped denials, each of its own user `u0`, `u1`, ...: each line begins a log
    /// record, so the input is cut into many segments.
    fn denials(n: usize) -> String {
        (0..n)
            .map(|i| format!("2026-11-28T10:00:00Z User: arn:aws:iam::123456789012:user/u{i} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k\n"))
            .collect()
    }

    /// Segments handed on in many parts (a part per record here) come out in input order,
    /// whichever worker is ahead: workers that are ahead wait after a few parts.
    #[test]
    fn parts_of_segments_come_out_in_order() {
        let data = denials(3000);
        let mut want = Vec::new();
        super::super::scan_reader(data.as_bytes(), "-", &mut |r| {
            want.push(r);
            Ok(())
        })
        .unwrap();
        for &path in PATHS {
            for (workers, segment) in [(2, 1000), (3, 4096), (4, 700)] {
                let prepare: Prepare<Record> = Arc::new(|records, emit| records(emit));
                let mut got = Vec::new();
                scan_by(path, data.as_bytes(), workers, segment, prepare, &mut |r| {
                    got.push(r);
                    Ok(())
                })
                .unwrap();
                assert_eq!(got, want, "{path:?}, {workers} workers, segment {segment}");
            }
        }
    }

    /// A scanning thread that panics ends the call with an error; the other threads, which
    /// wait for its segment's line count or for the writer to pass it, stop waiting.
    #[test]
    fn a_panicking_worker_ends_the_scan_with_an_error() {
        let data = denials(3000);
        for &path in PATHS {
            for workers in [2, 3] {
                let prepare: Prepare<Record> = Arc::new(|records, emit| {
                    records(&mut |r| {
                        assert!(!r.principal.as_deref().unwrap_or("").ends_with("/u1500"));
                        emit(r);
                    })
                });
                let res = scan_by(path, data.as_bytes(), workers, 1000, prepare, &mut |_| {
                    Ok(())
                });
                assert!(res.is_err(), "{path:?}, {workers} workers");
            }
        }
    }

    #[test]
    fn an_early_write_error_stops_the_scan() {
        let data = denials(5000);
        for &path in PATHS {
            let mut n = 0;
            let prepare: Prepare<Vec<Record>> = Arc::new(|records, emit| emit(collect(records)));
            let res = scan_by(path, data.as_bytes(), 2, 1000, prepare, &mut |_| {
                n += 1;
                if n == 3 {
                    Err(io::Error::from(io::ErrorKind::BrokenPipe))
                } else {
                    Ok(())
                }
            });
            assert_eq!(
                res.unwrap_err().kind(),
                io::ErrorKind::BrokenPipe,
                "{path:?}"
            );
            assert_eq!(n, 3, "{path:?}");
        }
    }
}
