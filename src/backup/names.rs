//! How a backup names things: paths in the manifest (any bytes, as text), run folders
//! (`<label>-<UTC time>`).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub fn encode_path(p: &Path) -> String {
    match p.to_str() {
        Some(s) if !s.starts_with("hex:") => s.replace('\\', "/"),
        _ => format!(
            "hex:{}",
            p.as_os_str()
                .as_encoded_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        ),
    }
}

pub fn decode_path(s: &str) -> Option<PathBuf> {
    match s.strip_prefix("hex:") {
        Some(h) => {
            let bytes: Option<Vec<u8>> = (0..h.len())
                .step_by(2)
                .map(|i| h.get(i..i + 2).and_then(|x| u8::from_str_radix(x, 16).ok()))
                .collect();
            #[cfg(unix)]
            {
                use std::os::unix::ffi::OsStringExt;
                bytes.map(|b| PathBuf::from(std::ffi::OsString::from_vec(b)))
            }
            #[cfg(not(unix))]
            {
                bytes
                    .and_then(|b| String::from_utf8(b).ok())
                    .map(PathBuf::from)
            }
        }
        None => Some(PathBuf::from(s)),
    }
    .filter(|p| {
        p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
    })
}

/// `20261124-160429` in UTC.
pub fn timestamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

pub(super) fn label_of(root: &Path) -> String {
    let name = root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "drive".into());
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() {
        "drive".into()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn timestamps_are_utc_civil() {
        assert_eq!(timestamp(UNIX_EPOCH), "19700101-000000");
        assert_eq!(
            timestamp(UNIX_EPOCH + Duration::from_secs(1_795_536_269)),
            "20261124-160429"
        );
    }

    #[test]
    fn paths_round_trip() {
        assert_eq!(
            decode_path(&encode_path(Path::new("lib/a.py"))),
            Some(PathBuf::from("lib/a.py"))
        );
        assert_eq!(decode_path("../x"), None);
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let p = Path::new(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"));
            assert!(encode_path(p).starts_with("hex:"));
            assert_eq!(decode_path(&encode_path(p)).as_deref(), Some(p));
        }
    }
}
