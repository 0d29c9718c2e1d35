//! Find the CIRCUITPY drive when no PATH is given.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A mounted volume: where it is mounted, and its label when the system's disk list has one
/// (Windows drive letters and macOS volumes; on Linux the mount folder is named after the label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub mount: PathBuf,
    pub label: Option<OsString>,
}

impl Volume {
    pub fn at(mount: impl Into<PathBuf>) -> Self {
        Volume {
            mount: mount.into(),
            label: None,
        }
    }
}

/// Mounted volumes to look at. `CPSLIM_MOUNTS` (a path list) replaces the system's list, so
/// that detection can be tested without real drives.
pub fn mounted_volumes() -> Vec<Volume> {
    if let Some(list) = std::env::var_os("CPSLIM_MOUNTS") {
        return std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty())
            .map(Volume::at)
            .collect();
    }
    let disks = sysinfo::Disks::new_with_refreshed_list();
    disks
        .list()
        .iter()
        .map(|d| Volume {
            mount: d.mount_point().to_path_buf(),
            label: crate::platform::DISK_NAME_IS_LABEL.then(|| d.name().to_os_string()),
        })
        .collect()
}

/// `CIRCUITPY`, or the name a second board gets beside the first: `CIRCUITPY 1` (macOS
/// `/Volumes`), `CIRCUITPY1` (Linux `/media/$USER`).
fn is_circuitpy_name(name: &str) -> bool {
    let Some(prefix) = name.get(..9) else {
        return false;
    };
    let rest = name[9..].strip_prefix(' ').unwrap_or(&name[9..]);
    prefix.eq_ignore_ascii_case("CIRCUITPY")
        && (name.len() == 9 || !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
}

/// A folder is a CircuitPython board when it holds boot_out.txt or is named like CIRCUITPY.
pub fn is_board(mount: &Path) -> bool {
    let labelled = mount
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_circuitpy_name);
    labelled && mount.is_dir()
        || crate::fatname::find_child(mount, "boot_out.txt").is_some_and(|p| p.is_file())
}

/// A volume is a board when its label is CIRCUITPY or its mount folder looks like a board.
pub fn is_board_volume(v: &Volume) -> bool {
    let labelled = v
        .label
        .as_ref()
        .and_then(|l| l.to_str())
        .is_some_and(|l| l.eq_ignore_ascii_case("CIRCUITPY"));
    labelled && v.mount.is_dir() || is_board(&v.mount)
}

/// Exactly one board, or a usage error saying what was checked and what to do.
pub fn find_board(volumes: &[Volume]) -> Result<PathBuf> {
    let found: Vec<&PathBuf> = volumes
        .iter()
        .filter(|v| is_board_volume(v))
        .map(|v| &v.mount)
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::Usage(format!(
            "no CircuitPython board found: checked {} mounted volume(s) for one labelled CIRCUITPY or holding \
boot_out.txt.",
            volumes.len()
        ))
        .with_hint(
            "plug the board in, or pass the drive or a project folder as PATH, e.g. `cpslim audit /media/$USER/CIRCUITPY`",
        )),
        many => Err(Error::Usage(format!(
            "found {} CircuitPython boards: {}",
            many.len(),
            many.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ))
        .with_hint("pass the one to work on as PATH")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_labelled_or_boot_out_volumes() {
        let t = tempfile::tempdir().expect("tempdir");
        let labelled = t.path().join("CIRCUITPY");
        let renamed = t.path().join("PYCUBED");
        let other = t.path().join("USBSTICK");
        for d in [&labelled, &renamed, &other] {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        std::fs::write(
            renamed.join("boot_out.txt"),
            "Adafruit CircuitPython 9.2.1 on x; y with z\n",
        )
        .expect("write");
        assert!(is_board(&labelled));
        assert!(is_board(&renamed));
        assert!(!is_board(&other));
        assert_eq!(
            find_board(&[Volume::at(&other), Volume::at(&renamed)]).ok(),
            Some(renamed.clone())
        );
        assert!(find_board(&[Volume::at(&other)]).is_err());
        let both = find_board(&[Volume::at(&labelled), Volume::at(&renamed)])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            both.contains("found 2") && both.contains("PYCUBED"),
            "{both}"
        );
    }

    #[test]
    fn a_second_board_is_named_circuitpy_1_or_circuitpy1() {
        for name in [
            "CIRCUITPY",
            "circuitpy",
            "CIRCUITPY 1",
            "CIRCUITPY1",
            "CIRCUITPY 12",
        ] {
            assert!(is_circuitpy_name(name), "{name}");
        }
        for name in [
            "CIRCUITPY ",
            "CIRCUITPYX",
            "CIRCUITPY 1a",
            "CIRCUIT",
            "MYCIRCUITPY",
            "CIRCUITPY_old",
        ] {
            assert!(!is_circuitpy_name(name), "{name}");
        }
        let t = tempfile::tempdir().expect("tempdir");
        let first = t.path().join("CIRCUITPY");
        let second = t.path().join("CIRCUITPY 1");
        std::fs::create_dir_all(&first).expect("mkdir");
        std::fs::create_dir_all(&second).expect("mkdir");
        assert_eq!(
            find_board(&[Volume::at(&second)]).ok(),
            Some(second.clone())
        );
        let both = find_board(&[Volume::at(&first), Volume::at(&second)])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            both.contains("found 2") && both.contains("CIRCUITPY 1"),
            "{both}"
        );
    }

    #[test]
    fn a_drive_letter_is_a_board_by_its_label() {
        // On Windows the mount point is `E:\`; only the volume label says CIRCUITPY.
        let t = tempfile::tempdir().expect("tempdir");
        let drive = t.path().join("E");
        let usb = t.path().join("F");
        std::fs::create_dir_all(&drive).expect("mkdir");
        std::fs::create_dir_all(&usb).expect("mkdir");
        let labelled = |p: &Path, l: &str| Volume {
            mount: p.to_path_buf(),
            label: Some(l.into()),
        };
        let board = labelled(&drive, "CIRCUITPY");
        assert!(is_board_volume(&board));
        assert!(!is_board_volume(&labelled(&usb, "USBSTICK")));
        assert_eq!(
            find_board(&[labelled(&usb, "USBSTICK"), board.clone()]).ok(),
            Some(drive.clone())
        );
        let two = find_board(&[board, labelled(&usb, "circuitpy")])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(two.contains("found 2"), "{two}");
        // A label of a volume that is not there (ejected since the list was read) is no board.
        assert!(!is_board_volume(&labelled(
            &t.path().join("G"),
            "CIRCUITPY"
        )));
    }
}
