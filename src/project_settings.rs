//! Project settings for the build step: `[tool.cpslim]` in `pyproject.toml` (where circup keeps
//! `[tool.circup]`) or the top level of a `cpslim.toml`, found in the source folder or its parents
//! up to the repository root. The keys are the flags' names; flags given on the command line win.
//!
//! A board's files are the user's program, not cpslim's configuration: no settings are read
//! from a board or from any folder on one.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

use crate::config::StageName;
use crate::detect;
use crate::error::{Error, Result};
use crate::units::parse_size;

pub const CPSLIM_TOML: &str = "cpslim.toml";
pub const PYPROJECT_TOML: &str = "pyproject.toml";
/// A settings file is a few lines; anything larger is not one.
const MAX_BYTES: u64 = 1 << 20;

/// Every key a settings file may hold (the long flag it stands for, without `--`).
pub const KEYS: [&str; 20] = [
    "only",
    "skip",
    "empty-trash",
    "cluster-size",
    "cp-version",
    "board",
    "bundle",
    "remap-palette",
    "2bpp",
    "decompress-rle",
    "colors",
    "dither",
    "charset",
    "keep-names",
    "prune",
    "assume-static-imports",
    "budget",
    "font-format",
    "image-format",
    "compile",
];

/// Validated settings from one file. Booleans are `true` only when the file sets them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectSettings {
    /// The file they came from.
    pub file: PathBuf,
    /// Where in the file: `[tool.cpslim]` or the top level of cpslim.toml.
    pub table: &'static str,
    pub only: Vec<StageName>,
    pub skip: Vec<StageName>,
    pub empty_trash: bool,
    pub cluster_size: Option<u64>,
    pub cp_version: Option<String>,
    pub board: Option<String>,
    /// Resolved against the file's folder.
    pub bundles: Vec<PathBuf>,
    pub remap_palette: bool,
    pub two_bpp: bool,
    pub decompress_rle: bool,
    pub colors: Option<u16>,
    pub dither: bool,
    pub charset: Option<String>,
    pub keep_names: bool,
    pub prune: bool,
    pub assume_static_imports: bool,
    pub budget: Option<u64>,
    pub font_format: Option<crate::config::FontFormat>,
    pub image_format: Option<crate::config::ImageFormat>,
    pub compile: bool,
}

/// The folders searched from `start`: it and its parents up to the nearest one holding `.git`
/// (the repository root); only `start` itself outside a repository. `None` when `start` is a
/// board or lies on one.
fn search_dirs(start: &Path) -> Option<Vec<PathBuf>> {
    let start = start.canonicalize().ok()?;
    if start.ancestors().any(detect::is_board) {
        return None;
    }
    let repo_root = start.ancestors().position(|d| d.join(".git").exists());
    let take = repo_root.map_or(1, |i| i + 1);
    Some(
        start
            .ancestors()
            .take(take)
            .map(Path::to_path_buf)
            .collect(),
    )
}

/// The settings that apply to the source folder `start`, if any file holds them.
pub fn find(start: &Path) -> Result<Option<ProjectSettings>> {
    for dir in search_dirs(start).unwrap_or_default() {
        let own = dir.join(CPSLIM_TOML);
        if own.is_file() {
            let table = parse_file(&own)?;
            return from_table(&own, "cpslim.toml", &table).map(Some);
        }
        let pyproject = dir.join(PYPROJECT_TOML);
        if pyproject.is_file() {
            let doc = parse_file(&pyproject)?;
            match doc.get("tool").and_then(|t| t.get("cpslim")) {
                Some(Value::Table(t)) => {
                    return from_table(&pyproject, "[tool.cpslim]", t).map(Some)
                }
                Some(_) => {
                    return Err(settings_error(&pyproject, "tool.cpslim", "must be a table"));
                }
                None => {}
            }
        }
    }
    Ok(None)
}

fn parse_file(path: &Path) -> Result<Table> {
    let mut text = String::new();
    File::open(path)
        .and_then(|f| f.take(MAX_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| Error::read(path, e))?;
    if text.len() as u64 > MAX_BYTES {
        return Err(Error::SettingsSyntax {
            path: path.to_path_buf(),
            reason: format!("larger than {MAX_BYTES} bytes; this is not a settings file"),
        });
    }
    text.parse::<Table>().map_err(|e| Error::SettingsSyntax {
        path: path.to_path_buf(),
        reason: e.to_string().trim_end().to_string(),
    })
}

fn settings_error(path: &Path, key: &str, reason: impl Into<String>) -> Error {
    Error::Settings {
        path: path.to_path_buf(),
        key: key.to_string(),
        reason: reason.into(),
    }
}

/// Check every key of the table and turn it into settings.
pub fn from_table(path: &Path, table_name: &'static str, t: &Table) -> Result<ProjectSettings> {
    let mut s = ProjectSettings {
        file: path.to_path_buf(),
        table: table_name,
        ..ProjectSettings::default()
    };
    let base = path.parent().unwrap_or(Path::new(""));
    let prefix = if table_name == "cpslim.toml" {
        ""
    } else {
        "tool.cpslim."
    };
    for (name, value) in t {
        let key = &format!("{prefix}{name}");
        let bad = |reason: &str| bad_value(path, key, value, reason);
        let flag = || value.as_bool().ok_or_else(|| bad("expected true or false"));
        match name.as_str() {
            "only" => s.only = stage_list(path, key, value)?,
            "skip" => s.skip = stage_list(path, key, value)?,
            "empty-trash" => s.empty_trash = flag()?,
            "remap-palette" => s.remap_palette = flag()?,
            "2bpp" => s.two_bpp = flag()?,
            "decompress-rle" => s.decompress_rle = flag()?,
            "dither" => s.dither = flag()?,
            "keep-names" => s.keep_names = flag()?,
            "prune" => s.prune = flag()?,
            "assume-static-imports" => s.assume_static_imports = flag()?,
            "compile" => s.compile = flag()?,
            "font-format" => {
                s.font_format =
                    Some(choice(value).ok_or_else(|| bad("expected \"pcf\" or \"lvfontbin\""))?);
            }
            "image-format" => {
                s.image_format =
                    Some(choice(value).ok_or_else(|| bad("expected \"bmp\", \"rle\" or \"png\""))?);
            }
            "cluster-size" => s.cluster_size = Some(cluster_size(path, key, value)?),
            "budget" => {
                s.budget = Some(size(value).map_err(|e| settings_error(path, key, e.to_string()))?)
            }
            "colors" => {
                let n = value.as_integer().filter(|n| (2..=256).contains(n));
                s.colors = Some(
                    n.ok_or_else(|| bad("expected a number of colours from 2 to 256"))? as u16,
                );
            }
            "charset" => {
                let spec = value
                    .as_str()
                    .ok_or_else(|| bad("expected a string such as \"ascii\""))?;
                crate::stages::fonts::charset::parse(spec)
                    .map_err(|e| settings_error(path, key, e.to_string()))?;
                s.charset = Some(spec.to_string());
            }
            "cp-version" => {
                let v = value
                    .as_str()
                    .filter(|v| crate::board::major_of(v).is_some());
                s.cp_version = Some(
                    v.ok_or_else(|| bad("expected a CircuitPython version such as \"10.2.1\""))?
                        .to_string(),
                );
            }
            "board" => {
                s.board = Some(board_id(value).ok_or_else(|| {
                    bad("expected a board id such as \"adafruit_feather_esp32s3_tft\"")
                })?);
            }
            "bundle" => s.bundles = bundle_paths(path, key, value, base)?,
            _ => {
                return Err(settings_error(
                    path,
                    key,
                    format!("unknown key; the keys are {}", KEYS.join(", ")),
                ))
            }
        }
    }
    if !s.only.is_empty() && !s.skip.is_empty() {
        return Err(settings_error(
            path,
            &format!("{prefix}only"),
            "cannot be used with `skip`",
        ));
    }
    Ok(s)
}

/// A key whose value is not what it must be: the reason, and the value as given.
fn bad_value(path: &Path, key: &str, value: &Value, reason: &str) -> Error {
    settings_error(path, key, format!("{reason}, not {}", shown(value)))
}

/// One of a flag's choices, spelled as on the command line (case does not matter).
fn choice<T: clap::ValueEnum>(value: &Value) -> Option<T> {
    value.as_str().and_then(|v| T::from_str(v, true).ok())
}

/// A cluster size as `--cluster-size` takes it: a power of two from 512 to 65536 bytes.
fn cluster_size(path: &Path, key: &str, value: &Value) -> Result<u64> {
    let n = size(value).map_err(|e| settings_error(path, key, e.to_string()))?;
    if !(512..=65_536).contains(&n) || !n.is_power_of_two() {
        return Err(bad_value(
            path,
            key,
            value,
            "FAT clusters are a power of two from 512 to 65536 bytes",
        ));
    }
    Ok(n)
}

/// A board id as boot_out.txt names it: letters, digits, `_` and `-`.
fn board_id(value: &Value) -> Option<String> {
    let id = value.as_str().filter(|id| {
        !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    });
    id.map(str::to_string)
}

/// A value as an error message shows it (short: the file is untrusted input).
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().count() > 40 => {
            format!("{:?}…", s.chars().take(40).collect::<String>())
        }
        Value::String(s) => format!("{s:?}"),
        Value::Integer(n) => n.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Boolean(b) => b.to_string(),
        Value::Datetime(_) => "a date".into(),
        Value::Array(_) => "a list".into(),
        Value::Table(_) => "a table".into(),
    }
}

/// A byte count: an integer, or a string such as "2MiB" or "1900KB".
fn size(v: &Value) -> std::result::Result<u64, SettingSizeError> {
    match v {
        Value::Integer(n) => u64::try_from(*n).map_err(|_| SettingSizeError::Negative(*n)),
        Value::String(text) => Ok(parse_size(text)?),
        other => Err(SettingSizeError::NotASize(shown(other))),
    }
}

/// Why a size key of the settings (`budget`, `cluster-size`) was refused.
#[derive(Debug, thiserror::Error)]
enum SettingSizeError {
    #[error("{0} is negative")]
    Negative(i64),
    #[error(transparent)]
    Text(#[from] crate::units::SizeError),
    #[error("expected a size such as 1024 or \"2MiB\", not {0}")]
    NotASize(String),
}

/// `["junk", "mpy"]` or `"junk,mpy"`.
fn stage_list(path: &Path, key: &str, v: &Value) -> Result<Vec<StageName>> {
    let names: Vec<&str> = match v {
        Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::trim))
            .collect::<Option<_>>()
            .ok_or_else(|| settings_error(path, key, "expected a list of stage names"))?,
        other => {
            return Err(settings_error(
                path,
                key,
                format!("expected a list of stage names, not {}", shown(other)),
            ))
        }
    };
    names
        .into_iter()
        .map(|n| {
            StageName::parse(n).ok_or_else(|| {
                settings_error(
                    path,
                    key,
                    format!("unknown stage '{n}': stages are {}", StageName::all_names()),
                )
            })
        })
        .collect()
}

/// One path or a list; relative paths are relative to the settings file, and must exist.
fn bundle_paths(path: &Path, key: &str, v: &Value, base: &Path) -> Result<Vec<PathBuf>> {
    let items: Vec<&str> = match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items
            .iter()
            .map(Value::as_str)
            .collect::<Option<_>>()
            .ok_or_else(|| settings_error(path, key, "expected a path or a list of paths"))?,
        other => {
            return Err(settings_error(
                path,
                key,
                format!("expected a path or a list of paths, not {}", shown(other)),
            ))
        }
    };
    items
        .into_iter()
        .map(|p| {
            let full = base.join(p);
            if full.exists() {
                Ok(full)
            } else {
                Err(settings_error(
                    path,
                    key,
                    format!(
                        "{} does not exist (paths are relative to the settings file)",
                        full.display()
                    ),
                ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
