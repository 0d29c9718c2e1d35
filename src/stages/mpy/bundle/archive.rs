//! A bundle zip as released: its `lib/` entries indexed in place, read one at a time with sizes
//! checked, never extracted to disk.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use super::{is_unsafe_entry, usage, Bundle, Store, MAX_FILE};
use crate::error::Result;
use crate::scan::open_nofollow;
use crate::stages::mpy::tailio::TailCached;

/// Index the `lib/` entries of a bundle zip, refusing names that could escape a folder.
pub(super) fn open(path: &Path) -> Result<Bundle> {
    let file = open_nofollow(path).map_err(|e| usage(path, format!("cannot open it: {e}")))?;
    let reader = TailCached::new(file).map_err(|e| usage(path, format!("cannot read it: {e}")))?;
    let archive = zip::ZipArchive::new(reader)
        .map_err(|e| usage(path, format!("not a readable zip file ({e})")))?;
    let mut lib_prefix: Option<String> = None;
    let mut entries = BTreeMap::new();
    for i in 0..archive.len() {
        let Some(name) = archive.name_for_index(i) else {
            continue;
        };
        if is_unsafe_entry(name) {
            return Err(usage(
                path,
                format!("entry `{name}` is an absolute or `..` path; a released bundle never has one, so cpslim refuses this zip"),
            ));
        }
        if name.ends_with('/') {
            continue;
        }
        // The release layout is `<top>/lib/…`; accept a zip made from inside the top folder too.
        if lib_prefix.is_none() {
            lib_prefix = lib_prefix_of(name);
        }
        if let Some(rel) = lib_prefix.as_deref().and_then(|p| name.strip_prefix(p)) {
            entries.insert(rel.to_string(), i);
        }
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let top = lib_prefix
        .as_deref()
        .and_then(|p| p.strip_suffix("lib/"))
        .and_then(|t| t.strip_suffix('/'))
        .map(str::to_string);
    let names: Vec<String> = entries.keys().cloned().collect();
    let store = Store::Zip {
        archive: Box::new(archive),
        entries,
    };
    Bundle::build(path, stem, top, &names, store)
}

/// The bytes of `lib/<lib_rel>` from the zip, checked against the size its entry declares.
pub(super) fn read(
    archive: &mut zip::ZipArchive<TailCached>,
    entries: &BTreeMap<String, usize>,
    src: &Path,
    lib_rel: &str,
) -> Result<Vec<u8>> {
    let idx = *entries
        .get(lib_rel)
        .ok_or_else(|| usage(src, format!("has no lib/{lib_rel}")))?;
    let file = archive
        .by_index(idx)
        .map_err(|e| usage(src, format!("cannot read lib/{lib_rel}: {e}")))?;
    let declared = file.size();
    if declared > MAX_FILE {
        return Err(usage(src, format!("lib/{lib_rel} is implausibly large")));
    }
    // Never trust the stream to stop: read one byte past the declared size at most,
    // so an entry that inflates further is caught without filling memory.
    let mut buf = Vec::with_capacity(declared as usize);
    file.take(declared + 1)
        .read_to_end(&mut buf)
        .map_err(|e| usage(src, format!("lib/{lib_rel} is corrupt: {e}")))?;
    if buf.len() as u64 != declared {
        return Err(usage(
                src,
                format!(
                    "entry lib/{lib_rel} declares {declared} bytes but holds {}; the bundle is damaged or forged: download it again",
                    if buf.len() as u64 > declared { "more".to_string() } else { format!("only {}", buf.len()) }
                ),
            ));
    }
    Ok(buf)
}

/// `top/lib/` or `lib/` when the entry lies below a `lib` folder at depth 0 or 1.
pub(super) fn lib_prefix_of(name: &str) -> Option<String> {
    let comps: Vec<&str> = name.split('/').collect();
    let pos = comps.iter().take(2).position(|c| *c == "lib")?;
    if comps.len() <= pos + 1 {
        return None;
    }
    Some(comps.get(..=pos)?.iter().map(|c| format!("{c}/")).collect())
}
