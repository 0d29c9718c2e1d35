//! The one integration-test binary: runs the built `cpslim` on temp copies of fixture trees.
#![allow(clippy::unwrap_used)]

mod bitmaps;
mod contract;
mod deadweight;
mod fonts;
mod image_format;
mod image_format_more;
mod junk;
mod mpy;
mod safety;
mod util;
