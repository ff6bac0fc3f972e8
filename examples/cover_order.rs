//! Orders the scanner's prefilter literals so that the packed searcher checks as few false
//! candidates as possible over sample text (`src/scan/trigger.rs` explains why order matters).
//!
//! usage: cargo run --release --example cover_order -- FILE...
//!
//! Give it ordinary text without AWS errors (system logs, source code, prose): each file
//! counts with up to 3 MB. It prints the cost of the current order and an order with a lower
//! cost, as lines to paste into `COVER`. The cost model is the searcher's own: aho-corasick
//! 1.1 puts literal `i` in bucket `15 - i % 16` (literals whose first four bytes agree in
//! their low nibbles share the first one's bucket), accepts a position where, for each of the
//! first four bytes, both nibbles occur at that place in some literal of one bucket, and then
//! compares each literal of that bucket.

use std::collections::HashMap;

const BUCKETS: usize = 16;
const MASK: usize = 4;
const PER_FILE: usize = 3 << 20;

fn low_nibbles(lit: &[u8]) -> [u8; MASK] {
    std::array::from_fn(|j| lit[j] & 15)
}

/// The bucket of each literal, as the searcher assigns them.
fn buckets(lits: &[&[u8]]) -> Vec<usize> {
    let mut first: HashMap<[u8; MASK], usize> = HashMap::new();
    lits.iter()
        .enumerate()
        .map(|(i, l)| {
            *first
                .entry(low_nibbles(l))
                .or_insert(BUCKETS - 1 - i % BUCKETS)
        })
        .collect()
}

/// Work spent on false candidates in one bucket: for each accepted position, a fixed cost
/// plus one comparison per literal.
fn bucket_cost(lits: &[&[u8]], grams: &[([u8; MASK], u64)]) -> u64 {
    if lits.is_empty() {
        return 0;
    }
    let mut accept = [[false; 256]; MASK];
    for (j, row) in accept.iter_mut().enumerate() {
        let lo = lits.iter().fold(0u16, |m, l| m | 1 << (l[j] & 15));
        let hi = lits.iter().fold(0u16, |m, l| m | 1 << (l[j] >> 4));
        for (b, ok) in row.iter_mut().enumerate() {
            *ok = lo & 1 << (b & 15) != 0 && hi & 1 << (b >> 4) != 0;
        }
    }
    let hits: u64 = grams
        .iter()
        .filter(|(g, _)| (0..MASK).all(|j| accept[j][g[j] as usize]))
        .map(|(_, n)| n)
        .sum();
    hits * (4 + lits.len() as u64)
}

fn cost(lits: &[&[u8]], grams: &[([u8; MASK], u64)]) -> u64 {
    let of = buckets(lits);
    (0..BUCKETS)
        .map(|b| {
            let members: Vec<&[u8]> = (0..lits.len())
                .filter(|&i| of[i] == b)
                .map(|i| lits[i])
                .collect();
            bucket_cost(&members, grams)
        })
        .sum()
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: cover_order FILE...");
        std::process::exit(2);
    }
    let mut counts: HashMap<[u8; MASK], u64> = HashMap::new();
    let mut total = 0usize;
    for f in &files {
        let data = std::fs::read(f).unwrap_or_else(|e| panic!("{f}: {e}"));
        let data = &data[..data.len().min(PER_FILE)];
        total += data.len();
        for w in data.windows(MASK) {
            *counts
                .entry(w.try_into().expect("a window of MASK bytes"))
                .or_default() += 1;
        }
    }
    let grams: Vec<([u8; MASK], u64)> = counts.into_iter().collect();
    let mut lits: Vec<&[u8]> = awsplain::scan::PREFILTER_LITERALS
        .iter()
        .map(|l| l.as_bytes())
        .collect();
    assert!(
        lits.iter().all(|l| l.len() >= MASK),
        "a literal shorter than {MASK} bytes"
    );
    let per_kb = |c: u64| c as f64 * 1024.0 / total as f64;
    let mut cur = cost(&lits, &grams);
    println!(
        "// {total} bytes of sample; current order: {:.1} per KiB",
        per_kb(cur)
    );

    // Simulated annealing over swaps, then swaps that still help, in a fixed order.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut rand = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut kept = (cur, lits.clone());
    const ROUNDS: u64 = 3000;
    for round in 0..ROUNDS {
        let (i, j) = (rand() as usize % lits.len(), rand() as usize % lits.len());
        if i == j {
            continue;
        }
        lits.swap(i, j);
        let c = cost(&lits, &grams);
        let heat = (ROUNDS - round) as f64 / ROUNDS as f64;
        let accept_worse = (rand() % 1000) as f64 / 1000.0 < heat * 0.05 * cur as f64 / c as f64;
        if c <= cur || accept_worse {
            cur = c;
            if c < kept.0 {
                kept = (c, lits.clone());
            }
        } else {
            lits.swap(i, j);
        }
    }
    let (mut best, mut lits) = kept;
    loop {
        let before = best;
        for i in 0..lits.len() {
            for j in i + 1..lits.len() {
                lits.swap(i, j);
                let c = cost(&lits, &grams);
                if c < best {
                    best = c;
                } else {
                    lits.swap(i, j);
                }
            }
        }
        if best == before {
            break;
        }
    }
    println!("// new order: {:.1} per KiB", per_kb(best));
    for l in &lits {
        println!("    {:?},", String::from_utf8_lossy(l));
    }
}
