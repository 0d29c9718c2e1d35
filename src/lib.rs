//! cpslim: make room on a CircuitPython board.
//!
//! The pipeline: [`scan`] the tree into an [`scan::Inventory`], let each stage in [`stages`]
//! plan actions ([`plan`]), [`apply`] them through the one module that writes, and
//! [`report`] what happened.

pub mod board;
pub mod config;
pub mod error;
pub mod fsinfo;
pub mod plan;
pub mod pysrc;
pub mod scan;
pub mod stages;
pub mod units;

pub use error::{Error, Result};
