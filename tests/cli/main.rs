//! The one integration-test binary: runs the built `cpslim` on temp copies of fixture trees.

mod bitmaps;
mod deadweight;
mod fonts;
mod mpy;
mod util;
