//! Logs as they are shipped: the prefix a container runtime, `docker compose`, `kubectl`,
//! journald or syslog puts before each line the server wrote, and the colour escapes a console
//! pattern leaves in a file.
//!
//! A prefix hides the server's own header from the record grammar (`web-1  | 2026-11-24 …`
//! starts no record), so nothing would be squashed. This stage tells, for each line, where the
//! prefix ends, which stream the line belongs to (a compose service, a syslog `ident[pid]`, a
//! CRI stream), and the text the server wrote ([`Clean`]): the record stage cuts records and
//! matches rules on that text, one stream at a time (see [`demux`]), and writes every line it
//! keeps as it came. What kind of prefix a log has is told from its first lines ([`detect`]),
//! the same way for any buffer size; `--prefix KIND` says it instead.

pub mod demux;
pub mod fanout;
pub mod json;
pub mod jsonout;
pub mod kinds;
pub mod shape;
pub mod undecided;

pub use crate::structured::{PROFILES, Profile};
pub use kinds::{Kind, Wrap};
pub use shape::{
    Choice, Clean, Colour, DETECT_LINES, SNIFF_BYTES, Shape, Structured, detect, enough,
};
