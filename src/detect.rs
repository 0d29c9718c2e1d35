//! Find the CIRCUITPY drive when no PATH is given.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Mounted volumes to look at. `CPSLIM_MOUNTS` (a path list) replaces the system's list, so
/// that detection can be tested without real drives.
pub fn mounted_volumes() -> Vec<PathBuf> {
    if let Some(list) = std::env::var_os("CPSLIM_MOUNTS") {
        return std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
    }
    let disks = sysinfo::Disks::new_with_refreshed_list();
    disks
        .list()
        .iter()
        .map(|d| d.mount_point().to_path_buf())
        .collect()
}

/// A volume is a CircuitPython board when it is labelled CIRCUITPY or holds boot_out.txt.
pub fn is_board(mount: &Path) -> bool {
    let labelled = mount
        .file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case("CIRCUITPY"));
    labelled && mount.is_dir()
        || crate::fatname::find_child(mount, "boot_out.txt").is_some_and(|p| p.is_file())
}

/// Exactly one board, or a usage error saying what was checked and what to do.
pub fn find_board(mounts: &[PathBuf]) -> Result<PathBuf> {
    let found: Vec<&PathBuf> = mounts.iter().filter(|m| is_board(m)).collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::Usage(format!(
            "no CircuitPython board found: checked {} mounted volume(s) for one labelled CIRCUITPY or holding \
boot_out.txt.\nhint: plug the board in, or pass the drive or a project folder as PATH, e.g. `cpslim audit /media/$USER/CIRCUITPY`",
            mounts.len()
        ))),
        many => Err(Error::Usage(format!(
            "found {} CircuitPython boards: {}\nhint: pass the one to work on as PATH",
            many.len(),
            many.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_labelled_or_boot_out_volumes() {
        let t = std::env::temp_dir().join(format!("cpslim-detect-{}", std::process::id()));
        let labelled = t.join("CIRCUITPY");
        let renamed = t.join("PYCUBED");
        let other = t.join("USBSTICK");
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
            find_board(&[other.clone(), renamed.clone()]).ok(),
            Some(renamed.clone())
        );
        assert!(find_board(std::slice::from_ref(&other)).is_err());
        let both = find_board(&[labelled.clone(), renamed.clone()])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            both.contains("found 2") && both.contains("PYCUBED"),
            "{both}"
        );
        let _ = std::fs::remove_dir_all(&t);
    }
}
