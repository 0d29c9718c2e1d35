//! Command-line definition (clap derive only). `app` turns it into a validated `Config`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "cpslim",
    version,
    about = "Make room on a CircuitPython board",
    long_about = "Make room on a CircuitPython board: delete the junk operating systems leave on \
CIRCUITPY, swap library .py files for the bundle's .mpy, shrink BMPs and fonts, and report \
exactly what was freed. Every change is backed up on the host and can be undone with `restore`.",
    after_long_help = "Examples:\n  cpslim audit                      # find the board, show what would be saved\n  \
cpslim optimize --yes             # clean it up (backup kept on this computer)\n  \
cpslim restore                    # undo the last run\n  \
cpslim optimize src --out build --budget 2MiB --cluster-size 1024 --yes"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Only print errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail: -v lists informational notes, -vv also times each stage (on stderr)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to use colour
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report what would be saved; writes nothing
    Audit(AuditArgs),
    /// Apply the plan (backs up every changed file first)
    Optimize(OptimizeArgs),
    /// Undo a run from its backup
    Restore(RestoreArgs),
    /// Print a shell completion script (e.g. `cpslim completions bash > ~/.local/share/bash-completion/completions/cpslim`)
    Completions {
        /// bash, zsh, fish, powershell or elvish
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `cpslim man > ~/.local/share/man/man1/cpslim.1`
    Man,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Drive or folder (default: the mounted CIRCUITPY)
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub stages: StageArgs,
    /// Print one JSON document on stdout
    #[arg(long)]
    pub json: bool,
    /// Explain what the plan does to a path or module and why (e.g. lib/adafruit_bus_device, adafruit_debouncer)
    #[arg(long, value_name = "PATH")]
    pub why: Option<PathBuf>,
    #[command(flatten)]
    pub web: WebArgs,
}

#[derive(Debug, Args)]
pub struct OptimizeArgs {
    /// Drive or folder (default: the mounted CIRCUITPY)
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub stages: StageArgs,
    /// Print one JSON document on stdout
    #[arg(long)]
    pub json: bool,
    /// Apply without asking
    #[arg(short, long)]
    pub yes: bool,
    /// Only show the plan (same as `audit`)
    #[arg(short = 'n', long)]
    pub dry_run: bool,
    /// Write the result to DIR; PATH stays untouched
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Exit 3 if the result takes more (2MiB = 2×1024², 1900KB = 1900×1000)
    #[arg(long, value_name = "SIZE")]
    pub budget: Option<String>,
    /// Where to keep the backup of changed files
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
    #[command(flatten)]
    pub web: WebArgs,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Drive or folder the run changed (default: the mounted CIRCUITPY)
    pub path: Option<PathBuf>,
    /// A run's backup folder, or the folder given to --backup-dir (its newest run for PATH);
    /// without PATH, restores to the folder the run recorded
    #[arg(long, value_name = "BACKUP")]
    pub from: Option<PathBuf>,
    /// List the runs for PATH (in --from or the default backup folder), newest first
    #[arg(long)]
    pub list: bool,
    /// Restore even files changed since the run, or a backup recorded for another folder
    #[arg(short, long)]
    pub yes: bool,
    #[command(flatten)]
    pub web: WebArgs,
}

/// A board reached over CircuitPython's web workflow (Wi-Fi) instead of a drive.
#[derive(Debug, Clone, Args)]
pub struct WebArgs {
    /// Board on Wi-Fi (web workflow), e.g. cpy-abc123.local or 192.168.1.20[:PORT]
    #[arg(long, value_name = "HOST[:PORT]", conflicts_with = "path")]
    pub host: Option<String>,
    /// Web workflow port
    #[arg(long, default_value_t = 80, requires = "host")]
    pub port: u16,
    /// Web workflow password (the board's CIRCUITPY_WEB_API_PASSWORD)
    #[arg(long, env = "CIRCUITPY_WEB_API_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct StageArgs {
    /// Run only these stages (junk,mpy,bitmaps,fonts,deadweight)
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        conflicts_with = "skip"
    )]
    pub only: Vec<String>,
    /// Skip these stages
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Also delete OS trash folders (deleted files)
    #[arg(long)]
    pub empty_trash: bool,
    /// FAT cluster size (default: measured on a mounted drive, else 1024 and said so)
    #[arg(long, value_name = "BYTES")]
    pub cluster_size: Option<String>,
    /// CircuitPython version for a folder without boot_out.txt
    #[arg(long, value_name = "X")]
    pub cp_version: Option<String>,
    /// Board id for a folder without boot_out.txt
    #[arg(long, value_name = "ID")]
    pub board: Option<String>,

    /// mpy: bundle zip or folder (repeatable)
    #[arg(long, value_name = "PATH", help_heading = "mpy stage")]
    pub bundle: Vec<PathBuf>,

    /// bitmaps: compact and reorder palette indices
    #[arg(long, help_heading = "bitmaps stage")]
    pub remap_palette: bool,
    /// bitmaps: allow 2 bits per pixel
    #[arg(long = "2bpp", help_heading = "bitmaps stage")]
    pub two_bpp: bool,
    /// bitmaps: rewrite RLE files uncompressed
    #[arg(long, help_heading = "bitmaps stage")]
    pub decompress_rle: bool,
    /// bitmaps: at most N colours (lossy)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(2..=256), help_heading = "bitmaps stage")]
    pub colors: Option<u16>,
    /// bitmaps: dither with --colors (lossy)
    #[arg(long, requires = "colors", help_heading = "bitmaps stage")]
    pub dither: bool,
    /// bitmaps: RLE or PNG for images only adafruit_imageload.load reads [default: bmp]
    // No clap default: a flag given as the default must still win over a settings file.
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        help_heading = "bitmaps stage"
    )]
    pub image_format: Option<crate::config::ImageFormat>,

    /// fonts: keep only these glyphs (lossy)
    #[arg(long, value_name = "SPEC", help_heading = "fonts stage")]
    pub charset: Option<String>,
    /// fonts: keep .bdf names (no PCF conversion)
    #[arg(long, help_heading = "fonts stage")]
    pub keep_names: bool,
    /// fonts: write pcf (loads fast) or lvfontbin (smallest; adafruit_bitmap_font >= 2.2.0)
    /// [default: pcf]
    #[arg(long, value_enum, value_name = "FORMAT", help_heading = "fonts stage")]
    pub font_format: Option<crate::config::FontFormat>,

    /// deadweight: also delete unused libraries
    #[arg(long, help_heading = "deadweight stage")]
    pub prune: bool,
    /// deadweight: trust imports by computed name
    #[arg(long, help_heading = "deadweight stage")]
    pub assume_static_imports: bool,

    /// compile: compile your own modules to .mpy with CircuitPython's mpy-cross
    #[arg(long, help_heading = "compile stage")]
    pub compile: bool,
    /// compile: the mpy-cross to use (default: PATH, then circuitpython-build-tools' cache)
    #[arg(
        long,
        value_name = "PATH",
        requires = "compile",
        help_heading = "compile stage"
    )]
    pub mpy_cross: Option<PathBuf>,
}
