//! The one integration-test binary: runs the built `cpslim` on temp copies of fixture trees.
#![allow(clippy::unwrap_used)]

mod bitmaps;
mod contract;
mod deadweight;
mod edges;
mod fonts;
mod golden;
mod json_doc;
mod junk;
mod mpy;
mod report;
mod safety;
mod util;
