//! A library bundle as released (zip) or extracted (folder): its `lib/` index, its platform, and
//! the bytes of the files it ships. Zips are read in place, never extracted to disk.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::header::{MpyFamily, MpyHeader};
use super::tailio::TailCached;
use crate::error::{Error, Result};

mod archive;
mod folder;

/// No library file comes near this; a larger entry is a broken or hostile bundle.
const MAX_FILE: u64 = 16 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// `adafruit-circuitpython-bundle-py-…`: sources only.
    Py,
    /// `…-N.x-mpy-…`; `major` is `None` when only the file headers told us.
    Mpy {
        major: Option<u32>,
        family: MpyFamily,
    },
}

impl Platform {
    pub fn describe(&self) -> String {
        match self {
            Platform::Py => "py (sources)".to_string(),
            Platform::Mpy { major: Some(m), .. } => format!("{m}.x-mpy"),
            Platform::Mpy { family, .. } => format!("mpy for {}", family.describe()),
        }
    }
}

/// One importable name of the bundle's `lib/`: `neopixel` (a file) or `adafruit_bme280/` (a tree).
#[derive(Debug, Clone)]
pub struct Module {
    pub name: String,
    pub package: bool,
    /// Paths relative to `lib/`, `/`-separated, sorted.
    pub files: Vec<String>,
}

enum Store {
    Zip {
        archive: Box<zip::ZipArchive<TailCached>>,
        /// lib-relative path → entry index.
        entries: BTreeMap<String, usize>,
    },
    Dir {
        lib: PathBuf,
    },
}

pub struct Bundle {
    /// What the user gave (zip file or folder).
    pub source: PathBuf,
    /// `adafruit-circuitpython-bundle-10.x-mpy-20261120` (zip stem or folder name).
    pub name: String,
    /// `adafruit-circuitpython-bundle`, when the name follows the release scheme.
    pub prefix: Option<String>,
    /// `20261120`
    pub tag: Option<String>,
    pub platform: Platform,
    pub modules: BTreeMap<String, Module>,
    store: Store,
}

/// `<prefix>-<py|N.x-mpy>-<YYYYMMDD>` → (prefix, platform major or `None` for py, tag).
pub fn parse_name(name: &str) -> Option<(String, Option<u32>, String)> {
    let (rest, tag) = name.rsplit_once('-')?;
    if tag.len() != 8 || !tag.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(prefix) = rest.strip_suffix("-py") {
        return Some((prefix.to_string(), None, tag.to_string()));
    }
    let (prefix, plat) = rest.strip_suffix("-mpy")?.rsplit_once('-')?;
    // Both `10.x` (release assets) and `10` appear in the wild.
    let major: u32 = plat.strip_suffix(".x").unwrap_or(plat).parse().ok()?;
    Some((prefix.to_string(), Some(major), tag.to_string()))
}

/// A zip entry name that could escape the folder it is read into.
pub fn is_unsafe_entry(name: &str) -> bool {
    name.starts_with('/')
        || name.starts_with('\\')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split(['/', '\\']).any(|c| c == "..")
}

fn usage(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::Usage(format!("bundle {}: {what}", path.display()))
}

impl Bundle {
    /// Open a bundle zip or an extracted bundle folder and index its `lib/`.
    pub fn open(path: &Path) -> Result<Bundle> {
        let meta = fs::metadata(path).map_err(|e| usage(path, format!("cannot open it: {e}")))?;
        if meta.is_dir() {
            folder::open(path)
        } else {
            archive::open(path)
        }
    }

    fn build(
        path: &Path,
        name: String,
        top: Option<String>,
        files: &[String],
        store: Store,
    ) -> Result<Bundle> {
        let modules = index_modules(files);
        if modules.is_empty() {
            return Err(usage(
                path,
                "not a CircuitPython library bundle: it has no lib/ folder with modules",
            ));
        }
        let parsed = parse_name(&name).or_else(|| top.as_deref().and_then(parse_name));
        let display_name = match (&parsed, &top) {
            (None, Some(t)) if parse_name(t).is_some() => t.clone(),
            _ => name,
        };
        let mut b = Bundle {
            source: path.to_path_buf(),
            name: display_name,
            prefix: parsed.as_ref().map(|p| p.0.clone()),
            tag: parsed.as_ref().map(|p| p.2.clone()),
            platform: Platform::Py,
            modules,
            store,
        };
        let first_mpy = files.iter().find(|f| f.ends_with(".mpy")).cloned();
        let family = match first_mpy {
            Some(f) => {
                let bytes = b.read(&f)?;
                let fam = MpyHeader::parse(&bytes).and_then(|h| h.family());
                Some(fam.ok_or_else(|| {
                    usage(
                        path,
                        format!("lib/{f} is not a valid .mpy file (corrupt bundle?)"),
                    )
                })?)
            }
            None => None,
        };
        let name_major = parsed.as_ref().and_then(|p| p.1);
        let name_says_py = parsed.as_ref().is_some_and(|p| p.1.is_none());
        b.platform = match (family, name_major) {
            (None, _) => Platform::Py,
            (Some(_), _) if name_says_py => {
                return Err(usage(path, "named a py bundle but holds .mpy files"))
            }
            (Some(fam), Some(m)) if MpyFamily::for_major(m) != fam => {
                return Err(usage(
                    path,
                    format!("named {m}.x but its .mpy files are for {}", fam.describe()),
                ))
            }
            (Some(family), major) => Platform::Mpy { major, family },
        };
        Ok(b)
    }

    /// The module of `lib/` a drive entry name (`foo`, without extension) corresponds to.
    /// Names compare as on FAT: `Adafruit_Ticks` on the drive is the bundle's `adafruit_ticks`.
    pub fn module(&self, name: &str) -> Option<&Module> {
        self.modules.get(name).or_else(|| {
            self.modules
                .values()
                .find(|m| crate::fatname::is(std::ffi::OsStr::new(&m.name), name))
        })
    }

    pub fn has_file(&self, lib_rel: &str) -> bool {
        match &self.store {
            Store::Zip { entries, .. } => entries.contains_key(lib_rel),
            Store::Dir { lib } => lib.join(lib_rel).is_file(),
        }
    }

    /// The bytes of a file of `lib/` (`neopixel.mpy`, `adafruit_bme280/basic.mpy`).
    pub fn read(&mut self, lib_rel: &str) -> Result<Vec<u8>> {
        match &mut self.store {
            Store::Zip { archive, entries } => {
                archive::read(archive, entries, &self.source, lib_rel)
            }
            Store::Dir { lib } => folder::read(lib, &self.source, lib_rel),
        }
    }
}

/// Group lib-relative paths into importable modules, as circup does (files `*.py`/`*.mpy` and
/// non-hidden folders at the top of `lib/`).
pub fn index_modules(files: &[String]) -> BTreeMap<String, Module> {
    let mut modules: BTreeMap<String, Module> = BTreeMap::new();
    for f in files {
        let (first, rest) = match f.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (f.as_str(), None),
        };
        if first.starts_with('.') || first.is_empty() {
            continue;
        }
        let (name, package) = match rest {
            Some(r) if !r.is_empty() => (first.to_string(), true),
            Some(_) => continue,
            None => match first
                .strip_suffix(".mpy")
                .or_else(|| first.strip_suffix(".py"))
            {
                Some(stem) if !stem.is_empty() => (stem.to_string(), false),
                _ => continue,
            },
        };
        let m = modules.entry(name.clone()).or_insert_with(|| Module {
            name,
            package,
            files: Vec::new(),
        });
        m.package |= package;
        m.files.push(f.clone());
    }
    for m in modules.values_mut() {
        m.files.sort();
    }
    modules
}

#[cfg(test)]
mod tests {
    use super::archive::lib_prefix_of;
    use super::*;

    #[test]
    fn parses_release_names() {
        assert_eq!(
            parse_name("adafruit-circuitpython-bundle-10.x-mpy-20261120"),
            Some((
                "adafruit-circuitpython-bundle".into(),
                Some(10),
                "20261120".into()
            ))
        );
        assert_eq!(
            parse_name("circuitpython-community-bundle-9.x-mpy-20260101").map(|p| p.1),
            Some(Some(9))
        );
        assert_eq!(
            parse_name("adafruit-circuitpython-bundle-py-20261120").map(|p| p.1),
            Some(None)
        );
        assert_eq!(parse_name("adafruit-circuitpython-bundle-10.x-mpy"), None);
        assert_eq!(parse_name("my-stuff-20261120"), None);
        assert_eq!(parse_name("x-abc.x-mpy-20261120"), None);
    }

    #[test]
    fn unsafe_entries() {
        assert!(is_unsafe_entry("../evil.py"));
        assert!(is_unsafe_entry("b/lib/../../x"));
        assert!(is_unsafe_entry("/etc/passwd"));
        assert!(is_unsafe_entry("C:\\x"));
        assert!(is_unsafe_entry("a\\..\\b"));
        assert!(!is_unsafe_entry("b/lib/foo..mpy"));
        assert!(!is_unsafe_entry("b/lib/neopixel.mpy"));
    }

    #[test]
    fn lib_prefix() {
        assert_eq!(lib_prefix_of("top/lib/a.mpy").as_deref(), Some("top/lib/"));
        assert_eq!(lib_prefix_of("lib/a.mpy").as_deref(), Some("lib/"));
        assert_eq!(lib_prefix_of("top/README.txt"), None);
        assert_eq!(lib_prefix_of("a/b/lib/x.mpy"), None);
    }

    #[test]
    fn groups_modules_and_packages() {
        let files: Vec<String> = [
            "neopixel.mpy",
            "adafruit_bme280/__init__.py",
            "adafruit_bme280/basic.mpy",
            "adafruit_imageload/pnm/pgm/ascii.mpy",
            "adafruit_imageload/__init__.mpy",
            ".hidden/x.mpy",
            "README",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let m = index_modules(&files);
        assert_eq!(m.len(), 3);
        assert!(!m["neopixel"].package);
        assert!(m["adafruit_bme280"].package);
        assert_eq!(
            m["adafruit_imageload"].files,
            vec![
                "adafruit_imageload/__init__.mpy",
                "adafruit_imageload/pnm/pgm/ascii.mpy"
            ]
        );
    }
}
