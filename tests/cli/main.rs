//! The one integration-test binary: runs the built `cpslim` on temp copies of fixture trees.
#![allow(clippy::unwrap_used)]

mod bitmaps;
// The stand-in compiler is a shell wrapper.
#[cfg(unix)]
mod compile;
mod contract;
mod deadweight;
mod fonts;
mod junk;
mod mpy;
mod safety;
mod util;
mod web;
