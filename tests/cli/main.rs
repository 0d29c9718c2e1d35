//! The one integration-test binary: runs the built `cpslim` on temp copies of fixture trees.
#![allow(clippy::unwrap_used)]

mod contract;
mod junk;
mod safety;
mod util;
