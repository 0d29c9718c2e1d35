//! The one integration-test binary: runs the built `cpslim` on temp copies of fixture trees.
#![allow(clippy::unwrap_used)]

mod bitmaps;
mod charset;
// The stand-in compiler is a shell wrapper.
#[cfg(unix)]
mod compile;
mod contract;
mod deadweight;
mod fonts;
mod frozen;
mod idempotence;
mod idempotence_renames;
mod image_format;
mod image_format_more;
mod junk;
mod mpy;
mod readme;
mod safety;
mod util;
