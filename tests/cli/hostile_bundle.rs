//! A bundle zip is untrusted input: an entry that inflates past its declared size is refused,
//! and a swap never makes a library bigger.

use std::io::{Read, Write};
use std::path::Path;

use crate::util::*;

const TOP: &str = "adafruit-circuitpython-bundle-10.x-mpy-20261120";

fn demo_bundle() -> std::path::PathBuf {
    asset(&format!("{TOP}.zip"))
}

/// Every file of the demo bundle: (zip entry name, bytes).
fn bundle_entries() -> Vec<(String, Vec<u8>)> {
    let f = std::fs::File::open(demo_bundle()).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    (0..z.len())
        .filter_map(|i| {
            let mut e = z.by_index(i).unwrap();
            if e.is_dir() {
                return None;
            }
            let mut b = Vec::new();
            e.read_to_end(&mut b).unwrap();
            Some((e.name().to_string(), b))
        })
        .collect()
}

/// A deflated zip written by hand, so that an entry can declare a size its data does not have.
/// `entries`: (name, bytes, declared uncompressed size).
fn write_zip(path: &Path, entries: &[(String, Vec<u8>, u32)]) {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data, declared) in entries {
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(data).unwrap();
        let comp = enc.finish().unwrap();
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let offset = out.len() as u32;
        let fields = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend(sig.to_le_bytes());
            if central {
                h.extend(20u16.to_le_bytes());
            }
            h.extend(20u16.to_le_bytes()); // version needed
            h.extend(0u16.to_le_bytes()); // flags
            h.extend(8u16.to_le_bytes()); // deflate
            h.extend(0u16.to_le_bytes()); // time
            h.extend(0x5b74u16.to_le_bytes()); // date
            h.extend(crc.sum().to_le_bytes());
            h.extend((comp.len() as u32).to_le_bytes());
            h.extend(declared.to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra
            if central {
                h.extend([0u8; 6]); // comment length, disk, internal attrs
                h.extend(0u32.to_le_bytes()); // external attrs
                h.extend(offset.to_le_bytes());
            }
            h.extend(name.as_bytes());
            h
        };
        out.extend(fields(0x0403_4b50, false));
        out.extend(&comp);
        central.extend(fields(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    std::fs::write(path, out).unwrap();
}

/// The demo bundle with lib/adafruit_ticks.mpy changed by `change(real bytes)` →
/// (new bytes, declared size).
fn forged_bundle(dir: &Path, change: impl Fn(&[u8]) -> (Vec<u8>, u32)) -> std::path::PathBuf {
    let ticks = format!("{TOP}/lib/adafruit_ticks.mpy");
    let entries: Vec<(String, Vec<u8>, u32)> = bundle_entries()
        .into_iter()
        .map(|(n, b)| {
            if n == ticks {
                let (data, declared) = change(&b);
                (n, data, declared)
            } else {
                let len = b.len() as u32;
                (n, b, len)
            }
        })
        .collect();
    assert!(entries.iter().any(|(n, _, _)| *n == ticks));
    let path = dir.join(format!("{TOP}.zip"));
    write_zip(&path, &entries);
    path
}

#[test]
fn an_entry_inflating_past_its_declared_size_is_a_bad_bundle_and_nothing_changes() {
    let t = temp_copy(&asset("demo-drive"));
    let before = snapshot(t.path());
    let z = tempfile::tempdir().unwrap();
    // Declares the real size, inflates to 4 MiB more.
    let liar = forged_bundle(z.path(), |real| {
        let mut data = real.to_vec();
        data.resize(real.len() + (4 << 20), 0);
        (data, real.len() as u32)
    });
    let backups = tempfile::tempdir().unwrap();
    for cmd in ["audit", "optimize"] {
        let mut c = cpslim();
        c.arg(cmd).arg(t.path()).arg("--bundle").arg(&liar);
        if cmd == "optimize" {
            c.args(["--yes", "--backup-dir"]).arg(backups.path());
        }
        let o = run(&mut c);
        assert_code(&o, 2);
        let err = stderr(&o);
        assert!(
            err.contains("lib/adafruit_ticks.mpy") && err.contains("declares"),
            "{err}"
        );
    }
    assert_same_tree(&snapshot(t.path()), &before, "a bad bundle changes nothing");
    assert_eq!(std::fs::read_dir(backups.path()).unwrap().count(), 0);
}

#[test]
fn a_swap_never_makes_a_library_bigger() {
    let t = temp_copy(&asset("demo-drive"));
    let py_size = std::fs::metadata(t.path().join("lib/adafruit_ticks.py"))
        .unwrap()
        .len();
    let z = tempfile::tempdir().unwrap();
    // An honest but bigger .mpy: the real one with padding past the .py's size.
    let fat = forged_bundle(z.path(), |real| {
        let mut data = real.to_vec();
        data.resize(py_size as usize + 100, 0);
        let n = data.len() as u32;
        (data, n)
    });
    let backups = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .args(["--only", "mpy", "--yes", "--backup-dir"])
        .arg(backups.path())
        .arg("--bundle")
        .arg(&fat));
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains("adafruit_ticks") && out.contains("never makes a library bigger"),
        "{out}"
    );
    assert!(t.path().join("lib/adafruit_ticks.py").is_file());
    assert!(!t.path().join("lib/adafruit_ticks.mpy").exists());
    // The other libraries were still swapped.
    assert!(t.path().join("lib/neopixel.mpy").is_file());
    assert!(!t.path().join("lib/neopixel.py").exists());
}
