//! The validated run configuration. Built once from the command line by `app`; stages read it
//! and never look at argv or the environment.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub root: PathBuf,
    /// Stages to run, in pipeline order.
    pub stages: Vec<StageName>,
    /// The cluster size every figure counts in: `--cluster-size`, measured or assumed.
    pub cluster_size: Option<u64>,
    /// Where `cluster_size` came from (the report says it).
    pub cluster_source: crate::cluster::ClusterSource,
    /// `--empty-trash`: delete OS trash folders (they hold files the user deleted).
    pub empty_trash: bool,
    /// `--cp-version`: CircuitPython version for a folder without boot_out.txt.
    pub cp_version: Option<String>,
    /// `--board`: board id for a folder without boot_out.txt.
    pub board_id: Option<String>,
    /// `--yes`: the user confirmed up front (also overrides stage refusals that ask for it).
    pub yes: bool,
    pub mpy: MpyOptions,
    pub bitmaps: BitmapOptions,
    pub fonts: FontOptions,
    pub deadweight: DeadweightOptions,
    pub compile: CompileOptions,
}

#[derive(Debug, Clone, Default)]
pub struct MpyOptions {
    /// `--bundle`: bundle zips or extracted bundle folders.
    pub bundles: Vec<PathBuf>,
    /// Where circup keeps downloaded bundles; `None` disables the lookup.
    pub circup_cache: Option<PathBuf>,
}

#[derive(Debug, Clone, Default)]
pub struct BitmapOptions {
    /// `--remap-palette`: compact and reorder palette indices.
    pub remap_palette: bool,
    /// `--2bpp`: allow 2 bits per pixel (CircuitPython reads it, desktop viewers do not).
    pub two_bpp: bool,
    /// `--decompress-rle`: rewrite RLE BMPs uncompressed even when larger.
    pub decompress_rle: bool,
    /// `--colors N` (lossy): quantise to at most N colours.
    pub colors: Option<u16>,
    /// `--dither` (lossy, with `--colors`).
    pub dither: bool,
    /// `--image-format`: what to write for images only `adafruit_imageload.load` reads.
    pub image_format: ImageFormat,
}

/// `--image-format bmp|rle|png`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ImageFormat {
    /// Uncompressed BMP: both loaders read it.
    #[default]
    Bmp,
    /// RLE8/RLE4 BMP, for images only adafruit_imageload loads.
    Rle,
    /// Indexed PNG, for images only adafruit_imageload loads, on boards with `zlib`.
    Png,
}

#[derive(Debug, Clone, Default)]
pub struct FontOptions {
    /// `--charset SPEC` (lossy): keep only these glyphs.
    pub charset: Option<String>,
    /// `--keep-names`: do not convert BDF to PCF (subsetting in place stays available).
    pub keep_names: bool,
    /// `--font-format`: what converted fonts become.
    pub format: FontFormat,
}

/// `--font-format`: PCF loads fast on the board; LVGL binary is far smaller but needs
/// adafruit_bitmap_font 2.2.0 or newer and loads glyphs more slowly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FontFormat {
    #[default]
    Pcf,
    Lvfontbin,
}

#[derive(Debug, Clone, Default)]
pub struct DeadweightOptions {
    /// `--prune`: also delete libraries nothing imports.
    pub prune: bool,
    /// `--assume-static-imports`: trust the import graph even when code imports by computed name.
    pub assume_static_imports: bool,
}

#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    /// `--compile`: compile the user's own modules with CircuitPython's mpy-cross.
    pub enabled: bool,
    /// `--mpy-cross PATH`: the compiler to use (nothing else is searched).
    pub mpy_cross: Option<PathBuf>,
    /// The folders of `PATH`, searched for `mpy-cross`.
    pub search_path: Vec<PathBuf>,
    /// circuitpython-build-tools' cache, holding `mpy-cross-<major>.x`.
    pub build_tools_cache: Option<PathBuf>,
    /// In a `--out` build: the source folder, which keeps the `.py` files.
    pub sources_kept_in: Option<PathBuf>,
}

/// Every stage cpslim knows, in pipeline order: space is freed before anything is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StageName {
    Junk,
    Deadweight,
    Mpy,
    Bitmaps,
    Fonts,
    /// Opt-in (`--compile`): last, so it compiles the source after the fonts stage's edits.
    Compile,
    /// Reports only: RAM of what the code loads, and memory advice. Last, to read every plan.
    Ram,
}

impl StageName {
    pub const ALL: [StageName; 7] = [
        StageName::Junk,
        StageName::Deadweight,
        StageName::Mpy,
        StageName::Bitmaps,
        StageName::Fonts,
        StageName::Compile,
        StageName::Ram,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StageName::Junk => "junk",
            StageName::Deadweight => "deadweight",
            StageName::Mpy => "mpy",
            StageName::Bitmaps => "bitmaps",
            StageName::Fonts => "fonts",
            StageName::Compile => "compile",
            StageName::Ram => "ram",
        }
    }

    /// Every stage's name, comma-separated, for messages that list them.
    pub fn all_names() -> String {
        StageName::ALL.map(StageName::as_str).join(", ")
    }

    pub fn parse(s: &str) -> Option<StageName> {
        StageName::ALL.into_iter().find(|n| n.as_str() == s)
    }
}

impl fmt::Display for StageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
