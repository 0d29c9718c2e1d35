//! The one integration-test binary: runs the built `cpslim` on temp copies of fixture trees.
#![allow(clippy::unwrap_used)]

mod advice;
mod bitmaps;
mod charset;
// The stand-in compiler is a shell wrapper.
#[cfg(unix)]
mod compile;
mod contract;
mod contract_writes;
mod deadweight;
mod deadweight_why;
#[cfg(unix)]
mod drives;
mod edges;
mod fat_names;
mod fonts;
mod frozen;
mod fuzz_smoke;
mod golden;
mod hints;
mod hostile_bundle;
mod idempotence;
#[cfg(unix)]
mod idempotence_renames;
mod image_format;
mod image_format_more;
mod json_doc;
mod junk;
// Signals: SIGKILL and SIGINT sent to a running optimize.
#[cfg(unix)]
mod kills;
mod lvfont;
mod mpy;
mod mpy_bundles;
mod pipeline;
#[cfg(target_os = "linux")]
mod platform;
mod ram;
mod readme;
mod report;
// Plants a symlink in a backup.
#[cfg(unix)]
mod restore;
// Links, permissions, FIFOs, signals and mounts: Unix-only tools.
#[cfg(unix)]
mod safety;
mod settings;
mod shell;
mod util;
mod web;
