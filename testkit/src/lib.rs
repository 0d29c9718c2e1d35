//! Test support for cpslim, in one place: folder trees (copy, write, snapshot, compare), paths
//! into the repository's fixtures, drive builders, bundle zips, small image files and
//! deterministic noise.
//!
//! Why a crate of its own: the same helpers serve three kinds of code that cannot share a module
//! otherwise — unit tests inside `src/` (compiled into the library), the integration tests in
//! `tests/cli/` and the benches in `benches/` (each a crate of its own). It is a path
//! dev-dependency, so `pip install .` and the released binary never build it. It does not
//! depend on cpslim: a unit test would otherwise see two copies of every cpslim type. So it
//! speaks only in paths, bytes and temp folders; anything that needs cpslim's types (a scan, a
//! plan) stays with the tests, through `cpslim::pipeline`.
//!
//! Helpers panic with what failed instead of returning errors: they are for tests.

pub mod bundle;
pub mod images;
pub mod noise;
pub mod tree;

pub use noise::Lcg;
pub use tree::{
    assert_same_tree, copy_tree, drive_with, only_child, snapshot, temp_copy, write, Snapshot,
};

use std::path::{Path, PathBuf};

/// A path inside the repository (this crate lives in `testkit/` at its root).
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit/ sits in the repository")
        .join(rel)
}

/// A path under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    repo("tests/fixtures").join(rel)
}

/// A path under `assets/` (the demo drive, the bundle fixture).
pub fn asset(rel: &str) -> PathBuf {
    repo("assets").join(rel)
}
