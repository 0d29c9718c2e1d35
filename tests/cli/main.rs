//! The one integration-test binary: runs the built `cpslim` on temp copies of fixture trees.
#![allow(clippy::unwrap_used)]

mod bitmaps;
mod contract;
mod deadweight;
mod fonts;
mod junk;
mod mpy;
#[cfg(target_os = "linux")]
mod platform;
// Links, permissions, FIFOs, signals and mounts: Unix-only tools.
#[cfg(unix)]
mod safety;
mod settings;
mod shell;
mod util;
