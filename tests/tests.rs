//! The integration tests: one binary, one module per user-visible capability.
//!
//! Each test runs the real `resetsquash` executable (or the library's `run`, where many code
//! paths are compared) on real log excerpts from `testdata/`.
//!
//! Beside each module, what it needs besides the binary: the programs it runs for real (a test
//! whose program is missing fails, it never skips; `scripts/test` installs them all) and where
//! it needs root.

mod util;

mod architecture; // needs: nothing beyond Rust (reads src/)
mod cases; // needs: nothing beyond Rust (the genlog example, which cargo test builds)
mod cli; // needs: gzip, bash
mod corpus; // needs: nothing beyond Rust
mod faults; // needs: root (tmpfs mounts, chattr), gzip, kill
mod hostile; // needs: nothing beyond Rust
mod invariants; // needs: nothing beyond Rust
mod metrics; // needs: gzip
mod passthrough; // needs: nothing beyond Rust
mod pipe; // needs: kill, sh
mod report; // needs: chromium, script (a terminal), gzip
mod rotate; // needs: root (tmpfs mounts), logrotate, gzip, kill, tomcat10 (its tomcat user)
mod rules_check; // needs: nothing beyond Rust
mod scan; // needs: nothing beyond Rust
mod shipped; // needs: nothing beyond Rust
mod survive; // needs: root (tmpfs mounts, chattr), kill, sh, logrotate, setfattr/getfattr (attr), setfacl/getfacl (acl)
mod usage; // needs: root and setpriv, prlimit (util-linux) to run as nobody under a process limit; script (a terminal); cargo with every locked crate in its cache (`cargo fetch`)
