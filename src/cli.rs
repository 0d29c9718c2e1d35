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
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More detail (repeat for more)
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
    /// Explain why a library is kept or dead (e.g. lib/adafruit_bus_device)
    #[arg(long, value_name = "PATH")]
    pub why: Option<PathBuf>,
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
    /// Exit 3 if the result is larger (e.g. 2MiB)
    #[arg(long, value_name = "SIZE")]
    pub budget: Option<String>,
    /// Where to keep the backup of changed files
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Drive or folder the run changed (default: the mounted CIRCUITPY)
    pub path: Option<PathBuf>,
    /// Backup folder to restore (default: the newest for PATH)
    #[arg(long, value_name = "BACKUP")]
    pub from: Option<PathBuf>,
    /// Restore even files changed since the run
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
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
    /// FAT cluster size in bytes (default: from the filesystem)
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

    /// fonts: keep only these glyphs (lossy)
    #[arg(long, value_name = "SPEC", help_heading = "fonts stage")]
    pub charset: Option<String>,
    /// fonts: keep .bdf names (no PCF conversion)
    #[arg(long, help_heading = "fonts stage")]
    pub keep_names: bool,

    /// deadweight: also delete unused libraries
    #[arg(long, help_heading = "deadweight stage")]
    pub prune: bool,
    /// deadweight: trust imports by computed name
    #[arg(long, help_heading = "deadweight stage")]
    pub assume_static_imports: bool,
}
