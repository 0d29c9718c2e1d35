//! Every fuzz target of `fuzz/` on stable Rust: each corpus file and a fixed set of mutations
//! of it (truncations, bit flips, 0x00/0xFF runs, an xorshift-driven edit loop) go through the
//! same `cpslim::fuzzing` function the cargo-fuzz target calls, and none may panic or hang.
//! The targets are the `[[bin]]` names of `fuzz/Cargo.toml`; `docs/fuzzing.md` has the rest.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cpslim::fuzzing;

/// Edits per corpus file in the xorshift loop; `CPSLIM_FUZZ_EDITS` asks for a longer run.
const RANDOM_EDITS: u64 = 300;
/// One input taking longer than this (a debug build) counts as a hang.
const SLOW: Duration = Duration::from_secs(10);

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The `[[bin]]` names of `fuzz/Cargo.toml`: the one list of targets.
fn listed_targets() -> Vec<String> {
    let text = fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    let manifest: toml::Table = text.parse().unwrap();
    let bins = manifest
        .get("bin")
        .and_then(|b| b.as_array())
        .expect("fuzz/Cargo.toml has [[bin]] targets");
    bins.iter()
        .map(|b| {
            let name = b.get("name").and_then(|n| n.as_str());
            name.expect("every [[bin]] has a name").to_string()
        })
        .collect()
}

/// xorshift64*: the same edits on every run, so a failure names an input that can be rebuilt.
struct Rng(u64);

impl Rng {
    fn for_name(name: &str) -> Rng {
        // FNV-1a of the file name; never zero.
        let h = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        Rng(h | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Values that sit on the edges header fields are checked against.
const INTERESTING: [u32; 8] = [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF];

/// One to four random edits of `data`.
fn random_edit(rng: &mut Rng, data: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(data.len());
        match rng.below(6) {
            0 if !data.is_empty() => data[at] = rng.next() as u8,
            1 if !data.is_empty() => data[at] ^= 1 << rng.below(8),
            2 => data.insert(at.min(data.len()), rng.next() as u8),
            3 if !data.is_empty() => {
                let end = (at + 1 + rng.below(32)).min(data.len());
                data.drain(at..end);
            }
            4 if !data.is_empty() => {
                let end = (at + 1 + rng.below(64)).min(data.len());
                let chunk = data[at..end].to_vec();
                let to = rng.below(data.len() + 1);
                data.splice(to..to, chunk);
            }
            _ => {
                let v = INTERESTING[rng.below(INTERESTING.len())];
                let bytes = if rng.below(2) == 0 {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                };
                let n = [1, 2, 4][rng.below(3)];
                for (k, b) in bytes.iter().take(n).enumerate() {
                    if let Some(slot) = data.get_mut(at + k) {
                        *slot = *b;
                    }
                }
            }
        }
    }
}

/// The seed and its mutations, each with a label that says how it was made.
fn each_mutation(seed: &[u8], name: &str, mut run: impl FnMut(&str, &[u8])) {
    let len = seed.len();
    run("as is", seed);
    let mut cuts: Vec<usize> = [0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 100, 256]
        .into_iter()
        .chain([len / 4, len / 2, len * 3 / 4, len.saturating_sub(1)])
        .filter(|&c| c < len)
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    for cut in cuts {
        run(&format!("truncated to {cut} bytes"), &seed[..cut]);
    }
    let mut data = seed.to_vec();
    for at in (0..len).step_by((len / 64).max(1)) {
        let bit = 1 << (at % 8);
        data[at] ^= bit;
        run(&format!("bit {} of byte {at} flipped", at % 8), &data);
        data[at] ^= bit;
    }
    for at in [0, len / 4, len / 2, len * 3 / 4, len.saturating_sub(16)] {
        for fill in [0x00u8, 0xFF] {
            let mut data = seed.to_vec();
            let end = (at + 16).min(len);
            data[at.min(end)..end].fill(fill);
            run(&format!("bytes {at}..{end} set to {fill:#04x}"), &data);
            let mut grown = seed.to_vec();
            grown.splice(at.min(len)..at.min(len), [fill; 64]);
            run(&format!("64 × {fill:#04x} inserted at {at}"), &grown);
        }
    }
    let mut rng = Rng::for_name(name);
    let edits = std::env::var("CPSLIM_FUZZ_EDITS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(RANDOM_EDITS);
    for i in 0..edits {
        // Half the edits pile up on the previous input, half start again from the seed.
        if i % 2 == 0 || data.is_empty() {
            data = seed.to_vec();
        }
        random_edit(&mut rng, &mut data);
        run(&format!("xorshift edit {i}"), &data);
    }
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// Runs one target over its corpus; returns the failures, each saved for the corpus.
fn smoke(target: &str, parse: fn(&[u8])) -> (usize, Vec<String>) {
    let dir = fuzz_dir().join("corpus").join(target);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("target {target}: no corpus at {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "target {target}: its corpus is empty");
    let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-smoke");
    let mut failures = Vec::new();
    let mut inputs = 0;
    for file in files {
        let seed = fs::read(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        each_mutation(&seed, &name, |how, input| {
            inputs += 1;
            let started = Instant::now();
            let outcome = catch_unwind(AssertUnwindSafe(|| parse(input)));
            let problem = match outcome {
                Err(p) => Some(format!("panicked: {}", panic_text(&*p))),
                Ok(()) if started.elapsed() > SLOW => Some(format!("took {:?}", started.elapsed())),
                Ok(()) => None,
            };
            if let Some(problem) = problem {
                fs::create_dir_all(&saved).unwrap();
                let keep = saved.join(format!("{target}-{name}-{}", failures.len()));
                fs::write(&keep, input).unwrap();
                failures.push(format!(
                    "target {target}, file {name}, {how}: {problem} (input saved as {})",
                    keep.display()
                ));
            }
        });
    }
    (inputs, failures)
}

#[test]
fn every_listed_target_has_a_fuzzing_function_a_source_and_a_corpus() {
    let listed = listed_targets();
    assert!(!listed.is_empty());
    for name in &listed {
        assert!(
            fuzzing::target(name).is_some(),
            "fuzz/Cargo.toml lists {name} but cpslim::fuzzing has no such function"
        );
        let src = fs::read_to_string(fuzz_dir().join("fuzz_targets").join(format!("{name}.rs")))
            .unwrap_or_else(|e| panic!("fuzz/fuzz_targets/{name}.rs: {e}"));
        assert!(
            src.contains(&format!("cpslim::fuzzing::{name}(data)")),
            "fuzz/fuzz_targets/{name}.rs does not call cpslim::fuzzing::{name}"
        );
        let corpus = fuzz_dir().join("corpus").join(name);
        assert!(
            fs::read_dir(&corpus).is_ok_and(|mut d| d.next().is_some()),
            "target {name} has no seed in {}",
            corpus.display()
        );
    }
    for (name, _) in fuzzing::TARGETS {
        assert!(
            listed.iter().any(|l| l == name),
            "cpslim::fuzzing::{name} is not a [[bin]] of fuzz/Cargo.toml"
        );
    }
}

#[test]
fn no_target_panics_or_hangs_on_its_corpus_and_mutations() {
    let mut failures = Vec::new();
    for name in listed_targets() {
        let parse = fuzzing::target(&name)
            .unwrap_or_else(|| panic!("fuzz/Cargo.toml lists {name}, cpslim::fuzzing has none"));
        let (inputs, mut found) = smoke(&name, parse);
        assert!(inputs > 100, "target {name}: only {inputs} inputs");
        failures.append(&mut found);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
