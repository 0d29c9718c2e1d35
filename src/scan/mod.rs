//! Inventory: every file and folder under the root, measured, categorised, never following links.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use crate::board::{parse_boot_out, Board};
use crate::error::{Error, Result};

mod walk;

use walk::walk;

pub use crate::layout::EntryKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// code.py, boot.py, settings.toml … at the root, and other `.py` outside `lib/`.
    Code,
    Library,
    Font,
    Bitmap,
    Junk,
    Marker,
    Other,
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// Relative to the inventory root, `/`-separated components.
    pub rel: PathBuf,
    pub kind: EntryKind,
    /// Apparent size; for folders, 0 (see [`Inventory::tree_size`]).
    pub size: u64,
    /// Size rounded up to whole clusters.
    pub allocated: u64,
    pub mtime: Option<SystemTime>,
    pub category: Category,
}

impl Entry {
    pub fn is_file(&self) -> bool {
        self.kind == EntryKind::File
    }
    pub fn is_dir(&self) -> bool {
        self.kind == EntryKind::Dir
    }
    pub fn name(&self) -> &std::ffi::OsStr {
        self.rel.file_name().unwrap_or(self.rel.as_os_str())
    }
    /// Lower-cased extension, `""` when there is none.
    pub fn ext(&self) -> String {
        self.rel
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default()
    }
}

/// A file or folder that could not be inventoried.
#[derive(Debug, Clone, Serialize)]
pub struct ScanIssue {
    pub path: PathBuf,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Inventory {
    pub root: PathBuf,
    pub cluster_size: u64,
    /// From boot_out.txt, or from `--cp-version`/`--board` for a plain folder.
    pub board: Option<Board>,
    /// True when boot_out.txt exists at the root (a real board, not a project folder).
    pub is_board: bool,
    /// Sorted by path, parents before children.
    pub entries: Vec<Entry>,
    pub issues: Vec<ScanIssue>,
}

pub struct ScanOptions {
    /// `--cluster-size`; otherwise the filesystem's fragment size.
    pub cluster_size: Option<u64>,
    pub cp_version: Option<String>,
    pub board_id: Option<String>,
}

/// Walk `root` and measure everything. Fails only when `root` itself is unusable.
pub fn scan(root: &Path, opts: &ScanOptions) -> Result<Inventory> {
    let meta = fs::symlink_metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound {
            path: root.to_path_buf(),
        },
        _ => Error::read(root, e),
    })?;
    let root_is_dir = if meta.file_type().is_symlink() {
        // The root itself may be given through a link (e.g. /Volumes/CIRCUITPY); only links inside are never followed.
        fs::metadata(root).map(|m| m.is_dir()).unwrap_or(false)
    } else {
        meta.is_dir()
    };
    if !root_is_dir {
        return Err(Error::NotADirectory {
            path: root.to_path_buf(),
        });
    }
    // A folder that cannot be listed at all is no drive to report on (a sub-folder that cannot
    // be is one of the report's problems).
    fs::read_dir(root).map_err(|source| Error::CannotList {
        path: root.to_path_buf(),
        source,
    })?;
    let cluster_size = opts
        .cluster_size
        .or_else(|| crate::fsinfo::stats(root).map(|s| s.fragment))
        .filter(|c| *c > 0)
        .unwrap_or(512);

    let mut inv = Inventory {
        root: root.to_path_buf(),
        cluster_size,
        board: None,
        is_board: false,
        entries: Vec::new(),
        issues: Vec::new(),
    };
    walk(root, Path::new(""), 0, &mut inv);
    inv.entries.sort_by(|a, b| a.rel.cmp(&b.rel));

    let boot = inv
        .find(Path::new("boot_out.txt"))
        .filter(|e| e.is_file())
        .map(|e| e.rel.clone());
    if let Some(rel) = boot {
        inv.is_board = true;
        match inv.read_limited(&rel, 4096) {
            Ok(bytes) => inv.board = parse_boot_out(&bytes),
            Err(e) => inv.issues.push(ScanIssue {
                path: rel,
                message: e.to_string(),
            }),
        }
    }
    // Flags describe the board a build folder is meant for; each one overrides only its own
    // part of a (possibly stale) boot_out.txt.
    match (inv.board.as_mut(), opts.cp_version.as_deref()) {
        (Some(b), Some(v)) => b.version = v.to_string(),
        (None, _) => {
            inv.board = Board::from_flags(opts.cp_version.as_deref(), opts.board_id.as_deref())
        }
        (Some(_), None) => {}
    }
    if let (Some(b), Some(id)) = (inv.board.as_mut(), opts.board_id.as_deref()) {
        b.board_id = Some(id.to_string());
    }
    Ok(inv)
}

impl Inventory {
    pub fn abs(&self, rel: &Path) -> PathBuf {
        self.root.join(rel)
    }

    pub fn get(&self, rel: &Path) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| e.rel.as_path().cmp(rel))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// The entry FAT would open for `rel`: the exact name, else one differing only in case
    /// (`LIB/NEOPIXEL.MPY` for `lib/neopixel.mpy`).
    pub fn find(&self, rel: &Path) -> Option<&Entry> {
        self.get(rel).or_else(|| {
            self.entries
                .iter()
                .find(|e| crate::fatname::path_eq(&e.rel, rel))
        })
    }

    pub fn files(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.is_file())
    }

    /// Every entry strictly below `dir` (folders, files, links). Entries are sorted by path
    /// component by component, so a folder's subtree is one contiguous run: no full scan.
    pub fn descendants<'a>(&'a self, dir: &'a Path) -> impl Iterator<Item = &'a Entry> + 'a {
        let start = self.entries.partition_point(|e| e.rel.as_path() <= dir);
        let start = if dir.as_os_str().is_empty() { 0 } else { start };
        self.entries[start..]
            .iter()
            .take_while(move |e| e.rel.starts_with(dir))
    }

    /// Direct children of `dir` (`""` for the root).
    pub fn children<'a>(&'a self, dir: &'a Path) -> impl Iterator<Item = &'a Entry> + 'a {
        self.descendants(dir)
            .filter(move |e| e.rel.parent() == Some(dir))
    }

    /// Apparent and allocated bytes of a file, or of a folder with everything in it.
    pub fn tree_size(&self, rel: &Path) -> (u64, u64) {
        let Some(e) = self.get(rel) else {
            return (0, 0);
        };
        if !e.is_dir() {
            return (e.size, e.allocated);
        }
        self.descendants(rel)
            .fold((0, e.allocated), |(b, a), d| (b + d.size, a + d.allocated))
    }

    /// Number of files below a folder.
    pub fn file_count(&self, rel: &Path) -> usize {
        self.descendants(rel).filter(|e| e.is_file()).count()
    }

    /// Totals over the whole tree: files, apparent bytes, allocated bytes (folders included).
    pub fn totals(&self) -> (u64, u64, u64) {
        self.entries.iter().fold((0, 0, 0), |(n, b, a), e| {
            (n + u64::from(e.is_file()), b + e.size, a + e.allocated)
        })
    }

    /// Read a regular file of the inventory, refusing links and anything over `limit` bytes.
    /// The firmware's terminal font paths on this drive (see
    /// [`crate::layout::firmware::terminal_fonts`]).
    pub fn terminal_fonts(&self) -> Vec<String> {
        let settings = self.read_limited(Path::new("settings.toml"), 1 << 20).ok();
        crate::layout::firmware::terminal_fonts(settings.as_deref())
    }

    pub fn read_limited(&self, rel: &Path, limit: u64) -> Result<Vec<u8>> {
        let abs = self.abs(rel);
        let file = open_nofollow(&abs).map_err(|e| Error::read(&abs, e))?;
        let meta = file.metadata().map_err(|e| Error::read(&abs, e))?;
        if !meta.is_file() {
            return Err(Error::bad_input(&abs, "not a regular file"));
        }
        if meta.len() > limit {
            return Err(Error::bad_input(
                &abs,
                format!(
                    "file is {} bytes, larger than the {limit} bytes cpslim reads",
                    meta.len()
                ),
            ));
        }
        let mut buf = Vec::with_capacity(meta.len() as usize);
        file.take(limit + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::read(&abs, e))?;
        Ok(buf)
    }

    /// Read a whole file (at most 64 MiB: nothing on a CircuitPython drive is larger).
    pub fn read(&self, rel: &Path) -> Result<Vec<u8>> {
        self.read_limited(rel, 64 << 20)
    }
}

/// Open for reading without following a final symlink (or, on Windows, junction).
pub fn open_nofollow(path: &Path) -> std::io::Result<fs::File> {
    crate::platform::open_nofollow(path)
}

/// For unit tests: scan a test folder on 512-byte clusters (FAT's smallest), with the version
/// and board a command line would give. Here, not in testkit/, because it returns cpslim's own
/// `Inventory` (testkit does not depend on cpslim).
#[cfg(test)]
pub(crate) fn scan_test_folder(
    root: &std::path::Path,
    cp_version: Option<&str>,
    board_id: Option<&str>,
) -> Inventory {
    let opts = ScanOptions {
        cluster_size: Some(512),
        cp_version: cp_version.map(str::to_string),
        board_id: board_id.map(str::to_string),
    };
    scan(root, &opts).expect("scan")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inv(paths: &[&str]) -> Inventory {
        let mut entries: Vec<Entry> = paths
            .iter()
            .map(|p| Entry {
                rel: PathBuf::from(p),
                kind: if p.contains('.') {
                    EntryKind::File
                } else {
                    EntryKind::Dir
                },
                size: u64::from(p.contains('.')),
                allocated: 512,
                mtime: None,
                category: Category::Other,
            })
            .collect();
        entries.sort_by(|a, b| a.rel.cmp(&b.rel));
        Inventory {
            root: PathBuf::from("/x"),
            cluster_size: 512,
            board: None,
            is_board: false,
            entries,
            issues: Vec::new(),
        }
    }

    #[test]
    fn subtrees_are_found_by_range() {
        let i = inv(&[
            "lib",
            "lib/a",
            "lib/a/x.py",
            "lib/a.py",
            "lib/a-b",
            "lib/a-b/y.py",
            "lib/b.py",
            "code.py",
        ]);
        let d: Vec<_> = i
            .descendants(Path::new("lib/a"))
            .map(|e| e.rel.clone())
            .collect();
        assert_eq!(d, vec![PathBuf::from("lib/a/x.py")]);
        let c: Vec<_> = i
            .children(Path::new("lib"))
            .map(|e| e.rel.to_string_lossy().into_owned())
            .collect();
        assert_eq!(c, vec!["lib/a", "lib/a-b", "lib/a.py", "lib/b.py"]);
        assert_eq!(i.children(Path::new("")).count(), 2);
        assert_eq!(i.descendants(Path::new("")).count(), 8);
        assert_eq!(i.descendants(Path::new("nope")).count(), 0);
        assert_eq!(i.tree_size(Path::new("lib")), (4, 512 * 7));
    }
}
