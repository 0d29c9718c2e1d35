//! What a board's firmware answers before `/lib` is searched: built-in C modules that share a
//! bundle library's name, and frozen Python modules. Data derived from the CircuitPython source
//! (tags 10.2.1 and 9.2.9), shipped inside the binary; see `assets/data/README.md`.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

static DATA_10: &[u8] = include_bytes!("../../../assets/data/circuitpython-board-modules-10.json");
static DATA_9: &[u8] = include_bytes!("../../../assets/data/circuitpython-board-modules-9.json");

#[derive(Debug, Deserialize)]
struct DataFile {
    circuitpython: String,
    boards: HashMap<String, BoardData>,
    #[serde(default)]
    frozen_dirs: HashMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
struct BoardData {
    #[serde(default)]
    frozen: Vec<String>,
    #[serde(default)]
    builtin: Vec<String>,
}

/// The modules one board's firmware provides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firmware {
    pub board_id: String,
    /// The CircuitPython tag the data describes (`10.2.1`).
    pub tag: String,
    pub major: u32,
    /// Non-extensible C modules with a bundle library's name (`adafruit_bus_device` …).
    pub builtin: Vec<String>,
    /// Top-level names frozen into the firmware.
    pub frozen: Vec<String>,
}

impl Firmware {
    /// Exact comparison: the firmware's lookups are case-sensitive.
    pub fn is_builtin(&self, name: &str) -> bool {
        self.builtin.iter().any(|b| b == name)
    }
    pub fn is_frozen(&self, name: &str) -> bool {
        self.frozen.iter().any(|f| f == name)
    }
}

/// Why no firmware facts are available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    NoBoard,
    NoBoardId { version: String },
    NoVersionData { major: Option<u32> },
    UnknownBoard { board_id: String, tag: String },
}

impl Unknown {
    /// A sentence for the report.
    pub fn explain(&self) -> String {
        match self {
            Unknown::NoBoard => "the board is unknown (no boot_out.txt; pass --board ID --cp-version X)".into(),
            Unknown::NoBoardId { version } => format!(
                "boot_out.txt (CircuitPython {version}) names no board id; pass --board ID"
            ),
            Unknown::NoVersionData { major: Some(m) } => format!(
                "cpslim has firmware data for CircuitPython 9.x and 10.x only, not {m}.x"
            ),
            Unknown::NoVersionData { major: None } => {
                "the CircuitPython version is not readable; pass --cp-version X".into()
            }
            Unknown::UnknownBoard { board_id, tag } => format!(
                "board id '{board_id}' is not in cpslim's CircuitPython {tag} data (a custom or newer board)"
            ),
        }
    }
}

fn parsed(major: u32) -> Option<&'static DataFile> {
    static TEN: OnceLock<Option<DataFile>> = OnceLock::new();
    static NINE: OnceLock<Option<DataFile>> = OnceLock::new();
    let (cell, bytes) = match major {
        10 => (&TEN, DATA_10),
        9 => (&NINE, DATA_9),
        _ => return None,
    };
    cell.get_or_init(|| serde_json::from_slice(bytes).ok())
        .as_ref()
}

/// The firmware of `board_id` running CircuitPython `version` (major 9 or 10).
pub fn lookup(version: Option<&str>, board_id: Option<&str>) -> Result<Firmware, Unknown> {
    let Some(version) = version else {
        return Err(Unknown::NoBoard);
    };
    let major = crate::board::major_of(version);
    let (major, data) = major
        .and_then(|m| Some((m, parsed(m)?)))
        .ok_or(Unknown::NoVersionData { major })?;
    let Some(id) = board_id else {
        return Err(Unknown::NoBoardId {
            version: version.to_string(),
        });
    };
    let b = data.boards.get(id).ok_or_else(|| Unknown::UnknownBoard {
        board_id: id.to_string(),
        tag: data.circuitpython.clone(),
    })?;
    Ok(Firmware {
        board_id: id.to_string(),
        tag: data.circuitpython.clone(),
        major,
        builtin: b.builtin.clone(),
        frozen: b.frozen.clone(),
    })
}

/// The frozen source directory a name comes from (`frozen/Adafruit_CircuitPython_NeoPixel`).
pub fn frozen_source(major: u32, name: &str) -> Option<&'static str> {
    parsed(major)?
        .frozen_dirs
        .iter()
        .filter(|(_, names)| names.iter().any(|n| n == name))
        .map(|(dir, _)| dir.as_str())
        .min()
}

/// Every name frozen into some board's firmware in the data for major version `major`.
pub fn all_frozen_names(major: u32) -> Vec<String> {
    let mut names: Vec<String> = parsed(major)
        .map(|d| d.boards.values().flat_map(|b| b.frozen.clone()).collect())
        .unwrap_or_default();
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_data_parses() {
        for (major, tag, boards) in [(10, "10.2.1", 650), (9, "9.2.9", 598)] {
            let d = parsed(major).expect("embedded JSON parses");
            assert_eq!(d.circuitpython, tag);
            assert_eq!(d.boards.len(), boards);
        }
        assert!(parsed(8).is_none());
    }

    #[test]
    fn known_boards() {
        let tft = lookup(Some("10.2.1"), Some("adafruit_feather_esp32s3_tft")).expect("known");
        assert!(tft.is_builtin("adafruit_bus_device") && tft.is_builtin("adafruit_pixelbuf"));
        assert!(tft.frozen.is_empty());
        let trinket = lookup(Some("10.0.0-beta.1"), Some("trinket_m0")).expect("known");
        assert!(trinket.builtin.is_empty());
        let m0 = lookup(Some("9.2.1"), Some("feather_m0_express")).expect("known");
        assert_eq!(m0.builtin, vec!["adafruit_pixelbuf".to_string()]);
        let pyportal = lookup(Some("10.1.0"), Some("pyportal")).expect("known");
        assert!(pyportal.is_frozen("adafruit_display_text") && pyportal.is_frozen("neopixel"));
        assert!(!pyportal.is_frozen("Neopixel"), "exact comparison");
        assert_eq!(
            frozen_source(10, "neopixel"),
            Some("frozen/Adafruit_CircuitPython_NeoPixel")
        );
    }

    #[test]
    fn unknown_cases() {
        assert_eq!(lookup(None, Some("x")), Err(Unknown::NoBoard));
        assert!(matches!(
            lookup(Some("8.2.0"), Some("pyportal")),
            Err(Unknown::NoVersionData { major: Some(8) })
        ));
        assert!(matches!(
            lookup(Some("10.2.1"), None),
            Err(Unknown::NoBoardId { .. })
        ));
        assert!(matches!(
            lookup(Some("10.2.1"), Some("my_custom_board")),
            Err(Unknown::UnknownBoard { .. })
        ));
    }
}
