//! Restore time against optimize time on the same tree: a run that deleted 10,000 junk files is
//! undone. Target: restore within 2× optimize (both through the built binary, backups on the
//! same disk). Run: `cargo bench --bench restore`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const FILES: usize = 10_000;

fn cpslim() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cpslim"));
    c.env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    c
}

/// A drive holding `FILES` junk files (AppleDouble `._*`, 4 KiB each) in 100 folders.
fn generate(root: &Path) {
    std::fs::write(root.join("code.py"), "print('hi')\n").expect("write");
    for d in 0..100 {
        let dir = root.join(format!("lib/pkg{d}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("mod.py"), "X = 1\n").expect("write");
        for i in 0..FILES / 100 {
            std::fs::write(dir.join(format!("._m{i}.py")), vec![b'A'; 4096]).expect("write");
        }
    }
}

fn timed(cmd: &mut Command) -> Duration {
    let t = Instant::now();
    let ok = cmd.status().expect("run cpslim").success();
    assert!(ok, "cpslim failed: {cmd:?}");
    t.elapsed()
}

fn main() {
    let work = tempfile::tempdir().expect("tempdir");
    let (drive, backups) = (work.path().join("drive"), work.path().join("backups"));
    std::fs::create_dir_all(&drive).expect("mkdir");
    generate(&drive);
    let optimize = timed(
        cpslim()
            .arg("optimize")
            .arg(&drive)
            .args(["--only", "junk", "--yes", "--backup-dir"])
            .arg(&backups),
    );
    let restore = timed(
        cpslim()
            .arg("restore")
            .arg(&drive)
            .arg("--from")
            .arg(&backups),
    );
    let back = std::fs::read_dir(drive.join("lib/pkg7"))
        .expect("read_dir")
        .count();
    assert_eq!(back, FILES / 100 + 1, "every file is back");
    let ratio = restore.as_secs_f64() / optimize.as_secs_f64();
    println!(
        "{:<34} {:>10} {:>10} {:>7} {:>8}",
        "tree", "optimize", "restore", "ratio", "target"
    );
    println!(
        "{:<34} {:>9.2}s {:>9.2}s {:>6.2}x {:>8}",
        format!("{FILES} deleted junk files"),
        optimize.as_secs_f64(),
        restore.as_secs_f64(),
        ratio,
        if ratio <= 2.0 { "<= 2x ok" } else { "MISSED" }
    );
}
