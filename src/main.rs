use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cpslim::cli::Cli::parse();
    ExitCode::from(cpslim::app::run(cli).code())
}
