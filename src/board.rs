//! `boot_out.txt`: what CircuitPython tells us about the board it runs on.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Board {
    /// `10.2.1`, `10.0.0-beta.2-12-gabcdef`
    pub version: String,
    pub board_id: Option<String>,
    /// `Adafruit Feather ESP32-S3 TFT`
    #[serde(skip)]
    pub board_name: Option<String>,
    #[serde(skip)]
    pub mcu: Option<String>,
}

impl Board {
    /// The major version, `10` for `10.2.1`.
    pub fn major(&self) -> Option<u32> {
        major_of(&self.version)
    }

    /// Build from `--cp-version` / `--board` for a folder without boot_out.txt.
    pub fn from_flags(version: Option<&str>, board_id: Option<&str>) -> Option<Board> {
        version.map(|v| Board {
            version: v.to_string(),
            board_id: board_id.map(str::to_string),
            board_name: None,
            mcu: None,
        })
    }
}

pub fn major_of(version: &str) -> Option<u32> {
    version.split(['.', '-']).next()?.parse().ok()
}

/// Parse the text of boot_out.txt. Returns `None` when the first line is not CircuitPython's.
///
/// Line 1: `Adafruit CircuitPython 10.2.1 on 2026-05-12; Adafruit Feather ESP32-S3 TFT with ESP32S3`
/// Line 2 (7.x+): `Board ID:adafruit_feather_esp32s3_tft`; later lines (UID, MAC, boot.py output) are ignored.
pub fn parse_boot_out(bytes: &[u8]) -> Option<Board> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let first = lines.next()?.trim_start_matches('\u{feff}');
    let (head, tail) = match first.split_once(';') {
        Some((h, t)) => (h, Some(t)),
        None => (first, None),
    };
    let words: Vec<&str> = head.split_whitespace().collect();
    let cp = words.iter().position(|w| *w == "CircuitPython")?;
    let version = words.get(cp + 1)?.to_string();
    major_of(&version)?;
    let (board_name, mcu) = match tail {
        Some(t) => match t.rsplit_once(" with ") {
            Some((b, m)) => (Some(b.trim().to_string()), Some(m.trim().to_string())),
            None => (Some(t.trim().to_string()), None),
        },
        None => (None, None),
    };
    let board_id = lines
        .find_map(|l| l.strip_prefix("Board ID:"))
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty());
    Some(Board {
        version,
        board_id,
        board_name,
        mcu,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_10x_with_crlf_uid_mac() {
        let text = "Adafruit CircuitPython 10.2.1 on 2026-05-12; Adafruit Feather ESP32-S3 TFT with ESP32S3\r\nBoard ID:adafruit_feather_esp32s3_tft\r\nUID:7CDFA1E2F3A4\r\nMAC:7C:DF:A1:E2:F3:A4\r\nboot.py output:\r\n";
        let b = parse_boot_out(text.as_bytes()).expect("parses");
        assert_eq!(b.version, "10.2.1");
        assert_eq!(b.major(), Some(10));
        assert_eq!(b.board_id.as_deref(), Some("adafruit_feather_esp32s3_tft"));
        assert_eq!(
            b.board_name.as_deref(),
            Some("Adafruit Feather ESP32-S3 TFT")
        );
        assert_eq!(b.mcu.as_deref(), Some("ESP32S3"));
    }

    #[test]
    fn parses_old_and_dev_versions() {
        let b = parse_boot_out(
            b"Adafruit CircuitPython 6.3.0 on 2021-06-01; Adafruit Trinket M0 with samd21e18\n",
        )
        .expect("parses");
        assert_eq!(b.version, "6.3.0");
        assert_eq!(b.board_id, None);
        let b = parse_boot_out(b"Adafruit CircuitPython 10.0.0-beta.2-12-gabcdef on 2026-01-01; X with Y\nBoard ID:x\n")
            .expect("parses");
        assert_eq!(b.major(), Some(10));
    }

    #[test]
    fn rejects_other_text() {
        assert_eq!(parse_boot_out(b""), None);
        assert_eq!(parse_boot_out(b"hello world\n"), None);
        assert_eq!(parse_boot_out(b"Adafruit CircuitPython\n"), None);
        assert_eq!(parse_boot_out(&[0xff, 0xfe, 0x00]), None);
    }
}
