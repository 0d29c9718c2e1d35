//! The text the user's code can show, for `--charset auto` and for warning about a lossy
//! `--charset`: the string literals of the code the board runs and the user's own modules it
//! imports (docstrings excluded), never library source. Libraries are what cpslim swaps for
//! `.mpy` or deletes, so reading them would make a second run pick a different set.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::charset::CharSet;
use crate::config::Config;
use crate::config::StageName;
use crate::plan::{Action, StagePlan};
use crate::pysrc;
use crate::scan::Inventory;
use crate::stages::deadweight;
use crate::stages::mpy::{cache, Bundle};

/// Modules whose use means the code shows text it did not write (fetched from the network, a
/// file or a serial line).
const FETCHERS: [&str; 17] = [
    "adafruit_requests",
    "adafruit_portalbase",
    "adafruit_pyportal",
    "adafruit_magtag",
    "adafruit_matrixportal",
    "adafruit_funhouse",
    "adafruit_io",
    "adafruit_minimqtt",
    "adafruit_connection_manager",
    "adafruit_esp32spi",
    "adafruit_wiznet5k",
    "adafruit_ble",
    "adafruit_feed",
    "json",
    "socketpool",
    "socket",
    "usb_cdc",
];

/// Calls that read text from outside the program.
const READERS: [&str; 2] = ["open", "input"];

#[derive(Debug, Default)]
pub struct CodeText {
    /// Every printable character of the literals (ASCII included), with the first file using it.
    pub chars: BTreeMap<char, PathBuf>,
    pub files: Vec<PathBuf>,
    /// Why the code may show text it did not write (`code.py imports adafruit_requests`).
    pub fetched: Vec<String>,
}

/// Lower-case module names of the bundles the mpy stage would swap from.
fn bundle_modules(inv: &Inventory, cfg: &Config) -> BTreeSet<String> {
    let mut paths = cfg.mpy.bundles.clone();
    if paths.is_empty() && cfg.stages.contains(&StageName::Mpy) {
        if let (Some(m), Some(dir)) = (
            inv.board.as_ref().and_then(|b| b.major()),
            cfg.mpy.circup_cache.as_deref(),
        ) {
            paths = cache::find_cached(dir, m);
        }
    }
    paths
        .iter()
        .filter_map(|p| Bundle::open(p).ok())
        .flat_map(|b| b.modules.into_keys())
        .map(|k| k.to_ascii_lowercase())
        .collect()
}

pub fn collect(inv: &Inventory, cfg: &Config) -> CodeText {
    let libs = bundle_modules(inv, cfg);
    let code = deadweight::user_code(inv, cfg, &libs);
    let mut out = CodeText {
        files: code.files.clone(),
        ..CodeText::default()
    };
    for rel in &code.files {
        let Ok(bytes) = inv.read(rel) else { continue };
        let is_mpy = rel
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("mpy"));
        let (strings, imports) = if is_mpy {
            match deadweight::read_mpy(&bytes) {
                Ok(info) => {
                    let tops = info
                        .imports
                        .iter()
                        .filter_map(|i| i.module.as_deref())
                        .map(top)
                        .collect();
                    // Identifiers are ASCII: the non-ASCII strings are the text.
                    let text = info.strings.into_iter().filter(|s| !s.is_ascii()).collect();
                    (text, tops)
                }
                Err(_) => continue,
            }
        } else {
            let src = String::from_utf8_lossy(&bytes);
            let text: Vec<String> = pysrc::text_literals(&src)
                .into_iter()
                .filter(|l| !l.is_bytes())
                .map(|l| l.value)
                .collect();
            let mut tops: Vec<String> = pysrc::imports(&src)
                .map(|i| {
                    i.imports
                        .iter()
                        .filter(|i| i.level == 0)
                        .filter_map(|i| i.module.as_deref())
                        .map(top)
                        .collect()
                })
                .unwrap_or_default();
            for r in READERS {
                if pysrc::calls(&src, r) {
                    tops.push(format!("{r}()"));
                }
            }
            (text, tops)
        };
        for s in strings {
            for c in s.chars().filter(|c| !c.is_control()) {
                out.chars.entry(c).or_insert_with(|| rel.clone());
            }
        }
        for t in imports {
            if FETCHERS.contains(&t.as_str()) || t.ends_with("()") {
                let verb = if t.ends_with("()") {
                    "calls"
                } else {
                    "imports"
                };
                let why = format!("{} {verb} {t}", rel.display());
                if !out.fetched.contains(&why) {
                    out.fetched.push(why);
                }
            }
        }
    }
    out
}

fn top(module: &str) -> String {
    module.split('.').next().unwrap_or(module).to_string()
}

/// `A, B, C and 5 more`.
fn list(chars: &[char], limit: usize) -> String {
    let mut s: Vec<String> = chars
        .iter()
        .take(limit)
        .map(|c| {
            if *c == ' ' {
                "space".to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    if chars.len() > limit {
        s.push(format!("and {} more", chars.len() - limit));
    }
    s.join(" ")
}

fn file_list(files: &[&Path]) -> String {
    let mut names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    names.sort();
    names.dedup();
    if names.len() > 3 {
        let more = names.len() - 3;
        names.truncate(3);
        names.push(format!("{more} more"));
    }
    names.join(", ")
}

/// Add the code's characters to an `auto` set, and tell the user what the set keeps and drops.
pub fn apply(inv: &Inventory, cfg: &Config, spec: &str, set: &mut CharSet, plan: &mut StagePlan) {
    let text = collect(inv, cfg);
    let here = Path::new("");
    if set.auto {
        let extra: Vec<char> = text
            .chars
            .keys()
            .copied()
            .filter(|c| !(' '..='~').contains(c))
            .collect();
        for c in &extra {
            set.insert(*c as u32);
        }
        let from: Vec<&Path> = extra
            .iter()
            .filter_map(|c| text.chars.get(c).map(PathBuf::as_path))
            .collect();
        let note = if extra.is_empty() {
            format!(
                "--charset auto keeps printable ASCII only: the strings of {} use no other character",
                file_list(&text.files.iter().map(PathBuf::as_path).collect::<Vec<_>>())
            )
        } else {
            format!(
                "--charset auto keeps printable ASCII and {} more character(s) from the strings of {}: {}",
                extra.len(),
                file_list(&from),
                list(&extra, 40)
            )
        };
        plan.push(Action::report(here, 0, note));
        if !text.fetched.is_empty() {
            let mut why = text.fetched.clone();
            if why.len() > 3 {
                let more = why.len() - 3;
                why.truncate(3);
                why.push(format!("{more} more"));
            }
            plan.push(
                Action::report(
                    here,
                    0,
                    format!(
                        "the code shows text it did not write ({}): fetched text may need glyphs that --charset auto does not keep (e.g. “ ” — é …); --charset latin1 keeps Western European text",
                        why.join("; ")
                    ),
                )
                .warning(),
            );
        }
        return;
    }
    let dropped: Vec<char> = text
        .chars
        .keys()
        .copied()
        .filter(|c| !set.contains(*c as u32))
        .collect();
    if dropped.is_empty() {
        return;
    }
    let from: Vec<&Path> = dropped
        .iter()
        .filter_map(|c| text.chars.get(c).map(PathBuf::as_path))
        .collect();
    plan.push(
        Action::report(
            here,
            0,
            format!(
                "--charset {spec} drops {} character(s) the strings of {} use: {} (fonts that have them lose them; --charset auto keeps them)",
                dropped.len(),
                file_list(&from),
                list(&dropped, 6)
            ),
        )
        .warning(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_a_handful_then_a_count() {
        let cs: Vec<char> = "abcdefghij".chars().collect();
        assert_eq!(list(&cs, 6), "a b c d e f and 4 more");
        assert_eq!(list(&[' ', 'é'], 6), "space é");
    }
}
