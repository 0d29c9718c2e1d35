//! Adafruit bundle zips (`<top>/lib/...`, `<top>/examples/...`): read their libraries, or
//! unpack one the way circup keeps it in its cache.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

fn open(zip: &Path) -> zip::ZipArchive<fs::File> {
    let file = fs::File::open(zip).unwrap_or_else(|e| panic!("{}: {e}", zip.display()));
    zip::ZipArchive::new(file).unwrap_or_else(|e| panic!("{}: {e}", zip.display()))
}

/// Every file under the bundle's `lib/`, by its path inside `lib/`.
pub fn lib_entries(zip: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut z = open(zip);
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("entry");
        let name = f.name().to_string();
        let Some((_, rel)) = name.split_once("/lib/") else {
            continue;
        };
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).expect("read entry");
        out.insert(rel.to_string(), buf);
    }
    out
}

/// Unpack every file of the bundle into `dest`, without the zip's top folder (as circup's
/// cache holds an extracted bundle).
pub fn extract_without_top(zip: &Path, dest: &Path) {
    let mut z = open(zip);
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("entry");
        let name = f.enclosed_name().expect("a relative entry name");
        let rel: PathBuf = name.components().skip(1).collect();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).expect("read entry");
        crate::write(dest, rel.to_str().expect("utf-8 entry name"), &bytes);
    }
}
