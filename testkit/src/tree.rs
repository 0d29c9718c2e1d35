//! Folder trees: copy one, write files into one, snapshot one and compare two snapshots.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Every file and folder under a root, relative to it: a file's bytes (a link's target), or
/// `None` for a folder.
pub type Snapshot = BTreeMap<PathBuf, Option<Vec<u8>>>;

/// Copy a tree (files, folders; links are recreated as links) into `dst`, creating it.
pub fn copy_tree(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).expect("mkdir");
    for entry in fs::read_dir(src).expect("read_dir") {
        let entry = entry.expect("entry");
        let ft = entry.file_type().expect("file type");
        let to = dst.join(entry.file_name());
        if ft.is_dir() {
            copy_tree(&entry.path(), &to);
        } else if ft.is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(fs::read_link(entry.path()).expect("link"), &to)
                .expect("symlink");
        } else {
            fs::copy(entry.path(), &to).expect("copy");
        }
    }
}

/// A fresh temp folder holding a copy of `src`.
pub fn temp_copy(src: &Path) -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    copy_tree(src, t.path());
    t
}

/// Write `bytes` at `root/rel`, creating the folders on the way.
pub fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).expect("mkdir");
    }
    fs::write(p, bytes).expect("write");
}

/// A fresh temp folder holding `files` (relative path, bytes).
pub fn drive_with<B: AsRef<[u8]>>(files: &[(&str, B)]) -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    for (rel, bytes) in files {
        write(t.path(), rel, bytes.as_ref());
    }
    t
}

/// Every file and folder under `root` with its bytes (folders: None), not following links.
pub fn snapshot(root: &Path) -> Snapshot {
    fn walk(root: &Path, dir: &Path, map: &mut Snapshot) {
        for entry in fs::read_dir(dir).expect("read_dir") {
            let entry = entry.expect("entry");
            let p = entry.path();
            let rel = p.strip_prefix(root).expect("prefix").to_path_buf();
            let ft = entry.file_type().expect("ft");
            if ft.is_dir() {
                map.insert(rel, None);
                walk(root, &p, map);
            } else if ft.is_symlink() {
                let target = fs::read_link(&p).expect("link");
                map.insert(rel, Some(target.into_os_string().into_encoded_bytes()));
            } else {
                map.insert(rel, Some(fs::read(&p).expect("read")));
            }
        }
    }
    let mut map = BTreeMap::new();
    walk(root, root, &mut map);
    map
}

/// Compare two snapshots and name the paths that differ (never dump file contents).
#[track_caller]
pub fn assert_same_tree(got: &Snapshot, want: &Snapshot, what: &str) {
    let mut diffs = Vec::new();
    for (p, v) in want {
        match got.get(p) {
            None => diffs.push(format!("missing {}", p.display())),
            Some(g) if g != v => diffs.push(format!("differs {}", p.display())),
            _ => {}
        }
    }
    for p in got.keys().filter(|p| !want.contains_key(*p)) {
        diffs.push(format!("extra {}", p.display()));
    }
    assert!(
        diffs.is_empty(),
        "{what}: {} difference(s):\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

/// The single entry of a folder (a test's backup folder holds exactly one run).
pub fn only_child(dir: &Path) -> PathBuf {
    let mut items: Vec<_> = fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(items.len(), 1, "{items:?}");
    items.pop().expect("one item")
}
