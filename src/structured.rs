//! Structured logs: JSON-lines records as each writer lays them out, read as the plain-text
//! record the same logger would have written. Below both the record stage (a shipped log's
//! lines, see [`crate::shipped`]) and the rules (whose examples may be JSON lines).

pub mod profile;
pub mod scan;
pub mod string;
pub mod trace;

#[cfg(test)]
mod tests;

pub use profile::{PROFILES, Profile};
