//! The integration tests: one binary, one module per user-visible capability.
//!
//! Each test runs the real `resetsquash` executable (or the library's `run`, where many code
//! paths are compared) on real log excerpts from `testdata/`.

mod util;

mod architecture;
mod cases;
mod cli;
mod corpus;
mod faults;
mod hostile;
mod invariants;
mod passthrough;
mod pipe;
mod report;
mod rotate;
mod rules_check;
mod scan;
mod survive;
mod usage;
