//! The strings of the compiled modules on the drive. A compiled module cannot be rewritten, so a
//! stage that renames a file (the fonts stage's `.bdf` → `.pcf`) must not rename one a `.mpy`
//! names: the module would then fail to open it. `--compile` makes such modules common.

use std::path::{Path, PathBuf};

use crate::scan::{Category, Inventory};
use crate::stages::deadweight::read_mpy;

/// Every readable `.mpy` outside junk, with the strings it holds.
pub struct CompiledStrings {
    files: Vec<(PathBuf, Vec<String>)>,
}

impl CompiledStrings {
    pub fn load(inv: &Inventory) -> CompiledStrings {
        let files = inv
            .files()
            .filter(|e| e.ext() == "mpy" && e.category != Category::Junk)
            .filter_map(|e| {
                let bytes = inv.read_limited(&e.rel, 1 << 20).ok()?;
                Some((e.rel.clone(), read_mpy(&bytes).ok()?.strings))
            })
            .collect();
        CompiledStrings { files }
    }

    /// The first compiled module with a string naming `rel` (`/fonts/a.bdf`, `fonts/a.bdf`,
    /// `./fonts/a.bdf`; FAT ignores case).
    pub fn naming(&self, rel: &str) -> Option<&Path> {
        self.files.iter().find_map(|(path, strings)| {
            strings
                .iter()
                .any(|s| {
                    let v = s.strip_prefix('/').unwrap_or(s);
                    let v = v.strip_prefix("./").unwrap_or(v);
                    v.eq_ignore_ascii_case(rel)
                })
                .then_some(path.as_path())
        })
    }
}
