//! Directory arguments: the files under them, found by ripgrep's rules (the `ignore` crate):
//! hidden files and directories, and what `.gitignore`, `.ignore` and `.git/info/exclude`
//! exclude, are skipped; symbolic links are not followed.

use awsplain::sanitize::for_terminal;
use std::path::{Path, PathBuf};

/// One input to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// Found under a directory argument (not named on the command line): a binary one is
    /// skipped without a notice of its own, as rg does; one line counts them at the end.
    pub walked: bool,
}

/// The arguments with every directory replaced by the files under it, in path order (so
/// that output and counts do not change from run to run). A directory that cannot be read
/// (in part) is reported on stderr and makes `trouble` true; the files found are still
/// returned.
pub fn expand(args: &[PathBuf], trouble: &mut bool) -> Vec<Input> {
    let mut out = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" || !arg.is_dir() {
            out.push(Input {
                path: arg.clone(),
                walked: false,
            });
            continue;
        }
        for entry in ignore::WalkBuilder::new(arg)
            .sort_by_file_path(Path::cmp)
            .build()
        {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => out.push(Input {
                    path: e.into_path(),
                    walked: true,
                }),
                Ok(_) => {}
                Err(e) => {
                    eprintln!("awsplain: {}", for_terminal(&e.to_string()));
                    *trouble = true;
                }
            }
        }
    }
    out
}

/// The one line about the binary files skipped under directory arguments.
pub fn binary_notice(skipped: &[PathBuf]) -> Option<String> {
    let first = skipped.first()?;
    let first = for_terminal(&first.to_string_lossy()).into_owned();
    Some(match skipped.len() {
        1 => format!("awsplain: {first}: binary file skipped"),
        n => format!("awsplain: {n} binary files skipped (the first: {first})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_in_order_skipping_hidden_and_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("b/c")).unwrap();
        std::fs::create_dir_all(root.join(".hidden")).unwrap();
        for f in [
            "a.log",
            "b/c/d.log",
            "b/skip.log",
            ".hidden/e.log",
            ".f.log",
        ] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "skip.log\n").unwrap();
        let mut trouble = false;
        let got: Vec<PathBuf> = expand(&[root.to_path_buf()], &mut trouble)
            .into_iter()
            .map(|i| i.path.strip_prefix(root).unwrap().to_path_buf())
            .collect();
        assert_eq!(got, [PathBuf::from("a.log"), PathBuf::from("b/c/d.log")]);
        assert!(!trouble);
    }
}
