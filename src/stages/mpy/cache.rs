//! circup's bundle cache: where it unpacks the bundles it downloaded, so cpslim can use them
//! offline. Layout (circup `shared.py`/`bundle.py`): `DATA_DIR/<vendor>/<bundle-id>-<N>mpy/
//! <bundle-id>-<N>.x-mpy-<tag>/lib/`, with `DATA_DIR = appdirs.user_data_dir("circup", "adafruit")`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::bundle::parse_name;

/// circup's data folder on this OS (`None` when the home folder is unknown).
pub fn default_circup_cache() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(windows) {
        // appdirs with an author: %LOCALAPPDATA%\<author>\<app>
        return env("LOCALAPPDATA").map(|d| d.join("adafruit").join("circup"));
    }
    if cfg!(target_os = "macos") {
        return env("HOME").map(|h| h.join("Library/Application Support/circup"));
    }
    env("XDG_DATA_HOME")
        .or_else(|| env("HOME").map(|h| h.join(".local/share")))
        .map(|d| d.join("circup"))
}

/// The newest cached mpy bundle for this major version of every bundle circup knows, the
/// Adafruit bundle first (circup's own order).
pub fn find_cached(cache: &Path, major: u32) -> Vec<PathBuf> {
    let plat_suffix = format!("-{major}mpy");
    // (vendor is adafruit? no → sorts after, bundle id) → (tag, folder)
    let mut newest: BTreeMap<(bool, String), (String, PathBuf)> = BTreeMap::new();
    for vendor in subdirs(cache) {
        for plat in subdirs(&vendor) {
            let plat_name = file_name(&plat);
            if !plat_name.ends_with(&plat_suffix) {
                continue;
            }
            for tagged in subdirs(&plat) {
                let Some((prefix, Some(m), tag)) = parse_name(&file_name(&tagged)) else {
                    continue;
                };
                if m != major || !tagged.join("lib").is_dir() {
                    continue;
                }
                let key = (file_name(&vendor) != "adafruit", prefix);
                let better = !matches!(newest.get(&key), Some((t, _)) if *t >= tag);
                if better {
                    newest.insert(key, (tag, tagged));
                }
            }
        }
    }
    newest.into_values().map(|(_, p)| p).collect()
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Real folders only: a link in the cache is not followed.
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(read) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = read
        .flatten()
        .filter(|d| d.file_type().is_ok_and(|t| t.is_dir()))
        .map(|d| d.path())
        .collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mk(root: &Path, rel: &str) {
        fs::create_dir_all(root.join(rel).join("lib")).expect("mkdir");
    }

    #[test]
    fn picks_newest_matching_major_adafruit_first() {
        let t = tempfile::tempdir().expect("tmp");
        let r = t.path();
        mk(r, "adafruit/adafruit-circuitpython-bundle-10mpy/adafruit-circuitpython-bundle-10.x-mpy-20260101");
        mk(r, "adafruit/adafruit-circuitpython-bundle-10mpy/adafruit-circuitpython-bundle-10.x-mpy-20261120");
        mk(r, "adafruit/adafruit-circuitpython-bundle-9mpy/adafruit-circuitpython-bundle-9.x-mpy-20261201");
        mk(
            r,
            "adafruit/adafruit-circuitpython-bundle-py/adafruit-circuitpython-bundle-py-20261201",
        );
        mk(r, "adafruit/circuitpython-community-bundle-10mpy/circuitpython-community-bundle-10.x-mpy-20261110");
        mk(r, "zeta/zeta-bundle-10mpy/zeta-bundle-10.x-mpy-20261110");
        let found = find_cached(r, 10);
        let names: Vec<String> = found.iter().map(|p| file_name(p)).collect();
        assert_eq!(
            names,
            vec![
                "adafruit-circuitpython-bundle-10.x-mpy-20261120",
                "circuitpython-community-bundle-10.x-mpy-20261110",
                "zeta-bundle-10.x-mpy-20261110",
            ]
        );
        assert!(find_cached(r, 8).is_empty());
        assert!(find_cached(&r.join("missing"), 10).is_empty());
    }

    #[test]
    fn default_is_under_circup() {
        if let Some(p) = default_circup_cache() {
            assert!(p.ends_with("circup"));
        }
    }
}
