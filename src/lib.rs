//! cpslim: make room on a CircuitPython board.
//!
//! The pipeline: [`scan`] the tree into an [`scan::Inventory`], let each stage in [`stages`]
//! plan actions ([`mod@plan`]), [`apply`] them through [`fsops`], the one module that writes, and
//! [`report`] what happened. [`plan()`] ([`pipeline`]) scans and plans in one call, as `audit` does. [`app`] and [`cli`] are the command-line edge.

pub mod app;
pub mod apply;
pub mod backup;
pub mod board;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod detect;
pub mod error;
pub mod exit;
pub mod fatname;
pub mod fsinfo;
pub mod fsops;
#[doc(hidden)]
pub mod fuzzing;
pub mod layout;
pub mod pipeline;
pub mod plan;
pub mod platform;
pub mod project_settings;
pub mod pysrc;
pub mod report;
pub mod restore;
pub mod scan;
pub mod stages;
pub mod ui;
pub mod units;
pub mod web;

pub use error::{Error, Result};
pub use pipeline::{plan, Planned};

#[cfg(test)]
mod architecture_tests;
