//! Fonts stage against bdftopcf, paired on the same BDF: wall time and peak memory (max RSS of
//! the child process) of `bdftopcf` and of `cpslim audit --only fonts` converting the whole font
//! to PCF and to LVGL. Targets: at most 0.5× bdftopcf's time and 1.5× its peak memory.
//!
//! Fonts: GNU Unifont (57,086 glyphs) when `CPSLIM_BENCH_BDF` names a BDF, or when Debian's
//! `unifont` package and `pcf2bdf` are installed (its PCF is turned back into a BDF once), and
//! always a generated 50,000-glyph 16 px BDF. bdftopcf comes from Debian's `xfonts-utils`; without
//! it only cpslim's numbers are printed. Each figure is the best of 3 runs. Asserts nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cpslim::stages::fonts;

const RUNS: usize = 3;

/// Wall time (ms) and max RSS (MB) of one child run; None when it cannot run or fails.
#[cfg(unix)]
fn measure(cmd: &mut Command) -> Option<(f64, f64)> {
    let t = std::time::Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data, and wait4 only writes it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let ms = t.elapsed().as_secs_f64() * 1e3;
    if r != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return None;
    }
    // Linux reports KiB, macOS bytes.
    let kib = if cfg!(target_os = "macos") {
        usage.ru_maxrss as f64 / 1024.0
    } else {
        usage.ru_maxrss as f64
    };
    Some((ms, kib / 1024.0))
}

/// Peak memory of a finished child needs `wait4`, which only Unix has: elsewhere the bench
/// measures nothing and says so.
#[cfg(not(unix))]
fn measure(_cmd: &mut Command) -> Option<(f64, f64)> {
    None
}

fn best(mut cmd: impl FnMut() -> Command) -> Option<(f64, f64)> {
    let runs: Vec<(f64, f64)> = (0..RUNS).filter_map(|_| measure(&mut cmd())).collect();
    if runs.is_empty() {
        return None;
    }
    let ms = runs.iter().map(|r| r.0).fold(f64::MAX, f64::min);
    let mb = runs.iter().map(|r| r.1).fold(f64::MAX, f64::min);
    Some((ms, mb))
}

fn unifont(dir: &Path) -> Option<(String, PathBuf)> {
    if let Some(p) = std::env::var_os("CPSLIM_BENCH_BDF") {
        return Some(("your BDF".into(), PathBuf::from(p)));
    }
    let gz = Path::new("/usr/share/fonts/X11/misc/unifont.pcf.gz");
    if !gz.exists() {
        println!(
            "(Unifont skipped: install Debian's unifont and pcf2bdf, or set CPSLIM_BENCH_BDF)"
        );
        return None;
    }
    let pcf = dir.join("unifont.pcf");
    let bdf = dir.join("unifont.bdf");
    let bytes = std::fs::read(gz).ok()?;
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut out).ok()?;
    std::fs::write(&pcf, out).ok()?;
    let ok = Command::new("pcf2bdf")
        .arg("-o")
        .arg(&bdf)
        .arg(&pcf)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        println!("(Unifont skipped: pcf2bdf is missing; Debian package pcf2bdf)");
        return None;
    }
    Some(("unifont".into(), bdf))
}

fn main() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut inputs = Vec::new();
    inputs.extend(unifont(tmp.path()));
    let synth = tmp.path().join("synth50k.bdf");
    std::fs::write(&synth, fonts::synth::bdf(50_000)).expect("write");
    inputs.push(("synth 50k".to_string(), synth));

    let cpslim = env!("CARGO_BIN_EXE_cpslim");
    let have_bdftopcf = Command::new("bdftopcf")
        .arg("-h")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !have_bdftopcf {
        println!("(bdftopcf not found: Debian's xfonts-utils has it; printing cpslim alone)");
    }
    println!(
        "{:<12} {:<10} {:>10} {:>10} {:>7} {:>10} {:>10} {:>7}",
        "font", "format", "bdftopcf", "cpslim", "time", "bdftopcf", "cpslim", "memory"
    );
    println!(
        "{:<12} {:<10} {:>10} {:>10} {:>7} {:>10} {:>10} {:>7}",
        "", "", "ms", "ms", "ratio", "MB", "MB", "ratio"
    );
    for (name, bdf) in inputs {
        let size = std::fs::metadata(&bdf).map(|m| m.len()).unwrap_or(0);
        // cpslim audits a folder holding only this font.
        let drive = tmp.path().join(format!("drive-{}", name.replace(' ', "-")));
        std::fs::create_dir_all(&drive).expect("mkdir");
        std::fs::copy(&bdf, drive.join("font.bdf")).expect("copy");
        let reference = have_bdftopcf
            .then(|| {
                best(|| {
                    let mut c = Command::new("bdftopcf");
                    c.arg("-o").arg(tmp.path().join("ref.pcf")).arg(&bdf);
                    c
                })
            })
            .flatten();
        for format in ["pcf", "lvfontbin"] {
            let ours = best(|| {
                let mut c = Command::new(cpslim);
                c.arg("audit")
                    .arg(&drive)
                    .args(["--only", "fonts", "--font-format", format]);
                c
            });
            let cell = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
            let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
                _ => "-".into(),
            };
            let (rt, rm) = (reference.map(|r| r.0), reference.map(|r| r.1));
            let (ot, om) = (ours.map(|r| r.0), ours.map(|r| r.1));
            println!(
                "{:<12} {:<10} {:>10} {:>10} {:>7} {:>10} {:>10} {:>7}",
                name,
                format,
                cell(rt),
                cell(ot),
                ratio(ot, rt),
                rm.map_or("-".into(), |v| format!("{v:.1}")),
                om.map_or("-".into(), |v| format!("{v:.1}")),
                ratio(om, rm)
            );
        }
        println!("{:<12} ({:.1} MB BDF)", "", size as f64 / 1e6);
    }
    println!("targets: time ratio <= 0.50, memory ratio <= 1.50 (for PCF and LVGL)");
}
