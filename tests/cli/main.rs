//! The one integration-test binary: runs the built `cpslim` on temp copies of fixture trees.
#![allow(clippy::unwrap_used)]

mod bitmaps;
mod contract;
mod deadweight;
mod drives;
mod fat_names;
mod fonts;
mod hostile_bundle;
mod junk;
mod mpy;
mod restore;
mod safety;
mod util;
