//! Binary input (a program, an archive, an image) is skipped with one notice, as ripgrep skips
//! it: errors found in one are strings of the program, not errors it met.
//!
//! ripgrep calls a file binary when its first block holds a NUL byte. Logs can hold NULs too
//! (a writer that crashed leaves a run of them; some loggers pad with them), and those are read
//! as text, as before: a block is binary when it holds a NUL and also control bytes no text
//! holds, which compiled code and compressed data are full of.

use std::fs::File;
use std::io::{self, Read};

/// How much of an input's start is looked at, as ripgrep's first read.
pub const FIRST_BLOCK: usize = 64 * 1024;

/// Control bytes (other than NUL) that text does not hold, as a share of the block, above which
/// a block with a NUL is binary: `1 / SHARE`. Programs, libraries, archives, images and
/// Python bytecode hold 10% to 20% of them in their first 64 KiB.
const SHARE: usize = 100;

/// Where the first NUL byte of `block` is, if the block is binary.
pub fn binary_at(block: &[u8]) -> Option<usize> {
    let nul = memchr::memchr(0, block)?;
    // Tab, LF, VT, FF, CR and ESC (colours) stand in text; NULs were counted already.
    let odd = block
        .iter()
        .filter(|&&b| matches!(b, 1..=8 | 0x0e..=0x1a | 0x1c..=0x1f | 0x7f))
        .count();
    (odd * SHARE > block.len()).then_some(nul)
}

/// The notice for a skipped input.
pub fn notice(name: &str, nul: usize) -> String {
    format!("awsplain: {name}: binary file skipped (found \"\\0\" byte around offset {nul})")
}

/// Where a regular file's first block marks it binary, read in place (the file's position
/// does not move). `None` when it is text or cannot be read so.
#[cfg(unix)]
pub fn file_binary_at(f: &File) -> Option<usize> {
    use std::os::unix::fs::FileExt;
    if !f.metadata().is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut block = vec![0; FIRST_BLOCK];
    let mut n = 0;
    // A short read is not the end of a regular file.
    while n < block.len() {
        match f.read_at(&mut block[n..], n as u64) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    binary_at(&block[..n])
}

#[cfg(not(unix))]
pub fn file_binary_at(_f: &File) -> Option<usize> {
    None
}

/// A stream's first read, looked at: the bytes read and where they mark it binary. One read,
/// not a full block: a live pipe (`tail -f log | awsplain`) must not wait for 64 KiB.
pub fn stream_start(r: &mut dyn Read) -> io::Result<(Vec<u8>, Option<usize>)> {
    let mut block = vec![0; FIRST_BLOCK];
    let n = loop {
        match r.read(&mut block) {
            Ok(n) => break n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    };
    block.truncate(n);
    let at = binary_at(&block);
    Ok((block, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_binary_and_logs_with_nuls_are_not() {
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0\x3e\0\x01\0\0\0".to_vec();
        elf.extend((0..4096u32).map(|i| (i * 7919 % 251) as u8));
        assert_eq!(binary_at(&elf), Some(7));
        let mut log = b"2026-01-01T00:00:00Z INFO started\n".repeat(20);
        log.extend_from_slice(&[0; 4096]);
        log.extend_from_slice(b"\x1b[31mAccessDenied: Access Denied\x1b[0m\r\n\t\x0c");
        assert_eq!(binary_at(&log), None);
        assert_eq!(binary_at(b"plain text, no NUL \x01\x02\x03"), None);
        assert_eq!(binary_at(b""), None);
    }

    #[test]
    fn a_stream_keeps_its_first_read() {
        let mut r: &[u8] = b"abc\0\x01\x02";
        let (got, at) = stream_start(&mut r).unwrap();
        assert_eq!((got.as_slice(), at), (&b"abc\0\x01\x02"[..], Some(3)));
    }
}
