//! mpy stage: swap `lib/` libraries from `.py` source to the bundle's compiled `.mpy` (about a
//! quarter of the flash), and find `.mpy` files the board cannot load.
//! Facts: `docs/domain/bundles-and-mpy.md`. Order matters on a live board: a `.py` beats a `.mpy` of the same
//! name, so every `.mpy` is written before its `.py` is deleted (`requires`), and the board
//! imports a working library at every moment.

pub mod bundle;
pub mod cache;
pub mod header;
mod place;
mod swap;
mod tailio;
#[cfg(test)]
mod tests;
mod user;
mod version;

use std::path::Path;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::plan::{Action, StagePlan};
use crate::scan::{Category, Inventory};
use crate::units::format_size;

pub use bundle::{Bundle, Platform};
pub use cache::default_circup_cache;
pub use header::{MpyFamily, MpyHeader};

/// `.mpy` bytes per `.py` byte, measured on 12 current libraries (348,012 → 86,087 bytes).
pub const MEASURED_RATIO: f64 = 0.25;

/// The release asset a user should download for a major version.
pub fn bundle_file_for(prefix: &str, major: Option<u32>) -> String {
    match major {
        Some(m) => format!("{prefix}-{m}.x-mpy-YYYYMMDD.zip"),
        None => format!("{prefix}-<major>.x-mpy-YYYYMMDD.zip (the major version of your CircuitPython; give --cp-version)"),
    }
}

const ADAFRUIT_PREFIX: &str = "adafruit-circuitpython-bundle";

/// What the mpy stage planned, with the bundles and major version it planned for (the compile
/// stage's estimate needs them; see [`crate::stages::plan_after`]).
pub struct MpyPlan {
    pub plan: StagePlan,
    pub bundles: Vec<Bundle>,
    pub major: Option<u32>,
}

pub fn plan(inv: &Inventory, cfg: &Config) -> Result<StagePlan> {
    Ok(plan_with_bundles(inv, cfg)?.plan)
}

pub fn plan_with_bundles(inv: &Inventory, cfg: &Config) -> Result<MpyPlan> {
    let mut out = StagePlan::default();
    let mut bundles = cfg
        .mpy
        .bundles
        .iter()
        .map(|p| Bundle::open(p))
        .collect::<Result<Vec<_>>>()?;
    let board_major = inv.board.as_ref().and_then(|b| b.major());
    if bundles.is_empty() {
        if let (Some(m), Some(dir)) = (board_major, cfg.mpy.circup_cache.as_deref()) {
            for p in cache::find_cached(dir, m) {
                match Bundle::open(&p) {
                    Ok(b) => {
                        out.push(Action::report(
                            Path::new("lib"),
                            0,
                            format!(
                                "using bundle {} from circup's cache ({})",
                                b.name,
                                p.display()
                            ),
                        ));
                        bundles.push(b);
                    }
                    Err(e) => {
                        out.push(
                            Action::report(
                                Path::new("lib"),
                                0,
                                format!("circup's cached bundle is unusable: {e}"),
                            )
                            .warning(),
                        );
                    }
                }
            }
        }
    }
    let major = check_versions(inv, cfg, &bundles, &mut out)?;
    let mut ctx = swap::Ctx {
        inv,
        major,
        bundles: &mut bundles,
        out: &mut out,
    };
    swap::plan_lib(&mut ctx)?;
    outside_lib(&mut ctx);
    Ok(MpyPlan {
        plan: out,
        bundles,
        major,
    })
}

/// The major version the files must load on: the board's, or the bundle's for a folder without
/// boot_out.txt. Errors when the .mpy format cannot load; warns when only the minor build differs.
fn check_versions(
    inv: &Inventory,
    cfg: &Config,
    bundles: &[Bundle],
    out: &mut StagePlan,
) -> Result<Option<u32>> {
    let board = inv.board.as_ref();
    let board_major = board.and_then(|b| b.major());
    let source = if cfg.cp_version.is_some() || !inv.is_board {
        "--cp-version"
    } else {
        "boot_out.txt"
    };
    let mut effective = board_major;
    let mut first_family: Option<(MpyFamily, &Bundle)> = None;
    for b in bundles {
        let prefix = b.prefix.as_deref().unwrap_or(ADAFRUIT_PREFIX);
        let (bmajor, family) = match b.platform {
            Platform::Py => {
                return Err(Error::Usage(format!(
                    "bundle {} is the py bundle (.py sources); cpslim needs the compiled mpy bundle: download {}",
                    b.source.display(),
                    bundle_file_for(prefix, board_major)
                )))
            }
            Platform::Mpy { major, family } => (major, family),
        };
        if let (Some(m), Some(bd)) = (board_major, board) {
            if MpyFamily::for_major(m) != family {
                return Err(Error::Usage(format!(
                    "bundle {} ({}) holds .mpy files for {}, but the board runs CircuitPython {} ({source}); they would fail with \"incompatible .mpy file\". Download {} instead",
                    b.name,
                    b.source.display(),
                    family.describe(),
                    bd.version,
                    bundle_file_for(prefix, Some(m))
                )));
            }
            if let Some(bm) = bmajor.filter(|bm| *bm != m) {
                out.push(
                    Action::report(
                        Path::new("lib"),
                        0,
                        format!(
                            "bundle {} is built for CircuitPython {bm}.x but the board runs {} ({source}); its files load (9.x, 10.x and 11.x share one .mpy format), but the matching bundle is {}",
                            b.name,
                            bd.version,
                            bundle_file_for(prefix, Some(m))
                        ),
                    )
                    .warning(),
                );
            }
        }
        match first_family {
            Some((f, other)) if f != family => {
                return Err(Error::Usage(format!(
                    "bundles {} and {} are for different CircuitPython versions ({} / {}); give bundles for one version",
                    other.name,
                    b.name,
                    f.describe(),
                    family.describe()
                )))
            }
            None => first_family = Some((family, b)),
            _ => {}
        }
        if effective.is_none() {
            effective = Some(bmajor.unwrap_or(match family {
                MpyFamily::Cp9Plus => 9,
                MpyFamily::Cp7To8 => 8,
                MpyFamily::MicroPython => 6,
            }));
        }
    }
    Ok(effective)
}

/// `.mpy` files outside `lib/` are not bundle libraries: report the ones that will not load, and
/// root modules that shadow a bundle library.
fn outside_lib(ctx: &mut swap::Ctx) {
    let inv = ctx.inv;
    for e in inv.files() {
        if matches!(e.category, Category::Junk | Category::Marker)
            || crate::fatname::first_is(&e.rel, "lib")
            || crate::layout::is_protected(&e.rel)
        {
            continue;
        }
        let ext = e.ext();
        if ext == "mpy" {
            user::report_if_unloadable(ctx, e, "outside lib/, cpslim does not replace it");
        }
        let at_root = e.rel.components().count() == 1;
        if at_root && (ext == "py" || ext == "mpy") {
            let stem = e
                .rel
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some(b) = ctx.bundles.iter().find(|b| b.module(&stem).is_some()) {
                let note = format!(
                    "{stem} is a library of bundle {}, but a copy at the drive root is imported before lib/ and is not converted ({}); move it to lib/ to convert it",
                    b.name,
                    format_size(e.size)
                );
                ctx.out.push(Action::report(&e.rel, e.size, note));
            }
        }
    }
}
