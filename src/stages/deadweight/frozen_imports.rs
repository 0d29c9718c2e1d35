//! What each frozen module imports: firmware data, shipped inside the binary
//! (`assets/data/circuitpython-frozen-imports.json`, read from the frozen libraries' sources at
//! the commits each CircuitPython tag pins; see `assets/data/README.md`).
//!
//! A frozen module's bytecode is in the firmware, not on the drive, and its `lib/` copy is dead
//! weight that the first run deletes. So the import graph must never learn a frozen module's
//! imports from a `lib/` copy: a second run would no longer know them and `--prune` would delete
//! libraries the frozen module needs.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

static DATA: &[u8] = include_bytes!("../../../assets/data/circuitpython-frozen-imports.json");

#[derive(Debug, Deserialize)]
struct DataFile {
    /// tag (`10.2.1`) → frozen top-level name → what it imports.
    circuitpython: HashMap<String, HashMap<String, ModuleData>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ModuleData {
    /// Every module the library imports anywhere (guarded, deferred or not), dotted.
    /// (The file also says what each submodule imports; the graph keeps whole packages, so it
    /// uses the union.)
    pub imports: Vec<String>,
}

fn parsed() -> Option<&'static DataFile> {
    static CELL: OnceLock<Option<DataFile>> = OnceLock::new();
    CELL.get_or_init(|| serde_json::from_slice(DATA).ok())
        .as_ref()
}

/// What the frozen module `name` imports in the firmware of CircuitPython `tag`; `None` when the
/// shipped data does not know it (the caller must then assume it may import anything).
pub fn lookup(tag: &str, name: &str) -> Option<&'static ModuleData> {
    parsed()?.circuitpython.get(tag)?.get(name)
}

/// The distinct top-level names a frozen module imports, sorted.
pub fn top_level_imports(data: &ModuleData) -> Vec<&str> {
    let mut tops: Vec<&str> = data
        .imports
        .iter()
        .filter_map(|i| i.split('.').next())
        .filter(|t| !t.is_empty())
        .collect();
    tops.sort_unstable();
    tops.dedup();
    tops
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::deadweight::firmware;

    #[test]
    fn shipped_data_parses_and_has_both_tags() {
        let d = parsed().expect("embedded JSON parses");
        assert!(d.circuitpython.contains_key("10.2.1"));
        assert!(d.circuitpython.contains_key("9.2.9"));
    }

    #[test]
    fn covers_every_frozen_module_of_every_board() {
        let mut checked = 0;
        for (major, tag) in [(10, "10.2.1"), (9, "9.2.9")] {
            for name in firmware::all_frozen_names(major) {
                assert!(
                    lookup(tag, &name).is_some(),
                    "no frozen-imports data for '{name}' at {tag}"
                );
                checked += 1;
            }
        }
        assert!(checked > 150, "only {checked} names checked");
    }

    #[test]
    fn magtag_portalbase_needs_lib_libraries() {
        let d = lookup("10.2.1", "adafruit_portalbase").expect("portalbase");
        let tops = top_level_imports(d);
        for needed in [
            "adafruit_bitmap_font",
            "adafruit_imageload",
            "adafruit_io",
            "adafruit_display_text",
        ] {
            assert!(tops.contains(&needed), "{needed} missing: {tops:?}");
        }
        assert!(lookup("10.2.1", "no_such_module").is_none());
        assert!(lookup("8.2.0", "adafruit_portalbase").is_none());
    }
}
