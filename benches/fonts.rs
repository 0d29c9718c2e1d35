//! Fonts stage on a generated 50,000-glyph 16 px BDF: plan the full conversion and the
//! `--charset ascii` subset (read, subset, crop, write the PCF, read it back to verify).
//! Prints wall time and peak heap per case; asserts nothing (target: < 1 s, < 100 MB).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use cpslim::config::{Config, FontOptions};
use cpslim::plan::ActionKind;
use cpslim::scan::{scan, ScanOptions};
use cpslim::stages::{fonts, plan, StageName};

/// Counts live heap bytes and their peak, so each case reports what it needed at most.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static A: Counting = Counting;

const GLYPHS: usize = 50_000;

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bdf = fonts::synth::bdf(GLYPHS);
    std::fs::write(dir.path().join("big.bdf"), &bdf).expect("write");
    println!(
        "fonts bench: {GLYPHS}-glyph BDF, {:.1} MB",
        bdf.len() as f64 / 1e6
    );
    drop(bdf);
    println!(
        "{:<10} {:>10} {:>12} {:>14}",
        "case", "time ms", "peak heap MB", "PCF bytes"
    );
    for (name, charset) in [("full", None), ("ascii", Some("ascii".to_string()))] {
        let opts = ScanOptions {
            cluster_size: Some(512),
            cp_version: None,
            board_id: None,
        };
        let cfg = Config {
            root: dir.path().to_path_buf(),
            fonts: FontOptions {
                charset,
                keep_names: false,
                ..FontOptions::default()
            },
            ..Config::default()
        };
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let t = Instant::now();
        let inv = scan(dir.path(), &opts).expect("scan");
        let p = plan(StageName::Fonts, &inv, &cfg).expect("plan");
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let peak = PEAK.load(Ordering::Relaxed) - base;
        let pcf = p
            .actions
            .iter()
            .find(|a| a.kind == ActionKind::Create)
            .map_or(0, |a| a.bytes_after);
        println!(
            "{name:<10} {ms:>10.0} {:>12.1} {pcf:>14}",
            peak as f64 / 1e6
        );
    }
}
