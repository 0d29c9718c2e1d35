//! mpy stage benchmark: a full-size bundle (hundreds of modules, examples and requirements
//! like a real release zip) is generated, then we time reading its index and planning the
//! fixture drive against it. Prints a table; no timed assertions.
//!
//! Run: `cargo bench --bench mpy`

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cpslim::config::StageName;
use cpslim::config::{Config, MpyOptions};
use cpslim::pipeline;
use cpslim::stages::mpy::{self, Bundle};
use cpslim_testkit::bundle::lib_entries;
use cpslim_testkit::{copy_tree, write};

const TAG: &str = "20261120";

fn fixtures() -> PathBuf {
    cpslim_testkit::fixture("mpy")
}

/// The real 12 libraries plus `extra` synthetic ones (a third packages of 6 files), each with
/// examples and requirements, as in a release zip.
fn make_bundle(dir: &Path, extra: usize) -> (PathBuf, usize, usize) {
    let top = format!("adafruit-circuitpython-bundle-10.x-mpy-{TAG}");
    let path = dir.join(format!("{top}.zip"));
    let real = lib_entries(&fixtures().join(format!("bundles/{top}.zip")));
    let sample = real.get("neopixel.mpy").cloned().expect("neopixel.mpy");
    let mut w = zip::ZipWriter::new(fs::File::create(&path).expect("create"));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut entries = 0;
    let mut put = |w: &mut zip::ZipWriter<fs::File>, name: String, bytes: &[u8]| {
        w.start_file(name, opts).expect("start");
        w.write_all(bytes).expect("write");
        entries += 1;
    };
    put(&mut w, format!("{top}/VERSIONS.txt"), TAG.as_bytes());
    for (rel, bytes) in &real {
        put(&mut w, format!("{top}/lib/{rel}"), bytes);
    }
    for i in 0..extra {
        let name = format!("adafruit_synthetic_{i:04}");
        if i % 3 == 0 {
            put(&mut w, format!("{top}/lib/{name}/__init__.py"), b"");
            for j in 0..5 {
                put(&mut w, format!("{top}/lib/{name}/part_{j}.mpy"), &sample);
            }
        } else {
            put(&mut w, format!("{top}/lib/{name}.mpy"), &sample);
        }
        for j in 0..4 {
            let ex = format!("# example {j} of {name}\nimport {name}\n");
            put(
                &mut w,
                format!("{top}/examples/{name}/{name}_ex{j}.py"),
                ex.as_bytes(),
            );
        }
        put(
            &mut w,
            format!("{top}/requirements/{name}/requirements.txt"),
            b"Adafruit-Blinka\n",
        );
    }
    w.finish().expect("finish");
    (path, entries, real.len())
}

/// The make_bundle_fixture drive: committed skeleton plus the py bundle's libraries.
fn make_drive(dir: &Path) -> PathBuf {
    let root = dir.join("drive");
    copy_tree(&fixtures().join("drive"), &root);
    let wanted = fs::read_to_string(fixtures().join("drive-from-py.txt")).expect("list");
    let wanted: Vec<&str> = wanted.lines().collect();
    for (rel, bytes) in lib_entries(&fixtures().join(format!(
        "bundles/adafruit-circuitpython-bundle-py-{TAG}.zip"
    ))) {
        if wanted.contains(&rel.split('/').next().unwrap_or_default()) {
            write(&root.join("lib"), &rel, &bytes);
        }
    }
    root
}

/// Median of `n` runs.
fn time<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..n {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    times.sort();
    (times[n / 2], last.expect("ran"))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let tmp = std::env::temp_dir().join(format!("cpslim-bench-mpy-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).expect("tmp");
    let drive = make_drive(&tmp);

    println!(
        "{:<30} {:>8} {:>8} {:>10} {:>12} {:>16} {:>12} {:>8}",
        "bundle",
        "modules",
        "entries",
        "zip bytes",
        "open+index",
        "zip crate alone",
        "plan drive",
        "saved"
    );
    for extra in [0usize, 300, 600, 1200] {
        let dir = tmp.join(format!("b{extra}"));
        fs::create_dir_all(&dir).expect("mkdir");
        let (zip, entries, _) = make_bundle(&dir, extra);
        let (t_open, b) = time(15, || Bundle::open(&zip).expect("open"));
        // Baseline: the zip crate alone on a buffered file (what Bundle::open avoids).
        let (t_raw, _) = time(15, || {
            let f = std::io::BufReader::new(fs::File::open(&zip).expect("open"));
            zip::ZipArchive::new(f).expect("zip").len()
        });
        let cfg = Config {
            root: drive.clone(),
            stages: vec![StageName::Mpy],
            cluster_size: Some(512),
            mpy: MpyOptions {
                bundles: vec![zip.clone()],
                circup_cache: None,
            },
            ..Config::default()
        };
        let inv = pipeline::scan(&cfg).expect("scan");
        let (t_plan, plan) = time(9, || mpy::plan(&inv, &cfg).expect("plan"));
        let saved: i64 = plan
            .actions
            .iter()
            .filter(|a| a.writes())
            .map(|a| a.saved_bytes())
            .sum();
        println!(
            "{:<30} {:>8} {:>8} {:>10} {:>12} {:>16} {:>12} {:>8}",
            format!("10.x-mpy + {extra} synthetic"),
            b.modules.len(),
            entries,
            fs::metadata(&zip).map(|m| m.len()).unwrap_or(0),
            ms(t_open),
            ms(t_raw),
            ms(t_plan),
            saved
        );
    }
    let _ = fs::remove_dir_all(&tmp);
}
