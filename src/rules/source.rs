//! Where rules come from: the files built into the binary, and a rules file read from disk.
//!
//! Apart from the compiled form because it is only about text and its size: what a file says is
//! read in `load.rs`, and nothing here knows a rule.

use crate::error::{Error, RuleError};

/// The longest rules file accepted; a larger one is almost certainly not a rules file.
pub(super) const MAX_FILE_BYTES: usize = 8 << 20;

/// The built-in rule files, compiled into the binary: `(name, YAML)`.
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "rules/outbound.yaml",
        include_str!("../../rules/outbound.yaml"),
    ),
    (
        "rules/evidence.yaml",
        include_str!("../../rules/evidence.yaml"),
    ),
    ("rules/tomcat.yaml", include_str!("../../rules/tomcat.yaml")),
    ("rules/jetty.yaml", include_str!("../../rules/jetty.yaml")),
    (
        "rules/undertow.yaml",
        include_str!("../../rules/undertow.yaml"),
    ),
    ("rules/netty.yaml", include_str!("../../rules/netty.yaml")),
    (
        "rules/websphere.yaml",
        include_str!("../../rules/websphere.yaml"),
    ),
    ("rules/grpc.yaml", include_str!("../../rules/grpc.yaml")),
    ("rules/spring.yaml", include_str!("../../rules/spring.yaml")),
    ("rules/jdk.yaml", include_str!("../../rules/jdk.yaml")),
    (
        "rules/windows.yaml",
        include_str!("../../rules/windows.yaml"),
    ),
    ("rules/python.yaml", include_str!("../../rules/python.yaml")),
    ("rules/node.yaml", include_str!("../../rules/node.yaml")),
    ("rules/dotnet.yaml", include_str!("../../rules/dotnet.yaml")),
    ("rules/go.yaml", include_str!("../../rules/go.yaml")),
    ("rules/ruby.yaml", include_str!("../../rules/ruby.yaml")),
    ("rules/nginx.yaml", include_str!("../../rules/nginx.yaml")),
    ("rules/apache.yaml", include_str!("../../rules/apache.yaml")),
    (
        "rules/haproxy.yaml",
        include_str!("../../rules/haproxy.yaml"),
    ),
    ("rules/caddy.yaml", include_str!("../../rules/caddy.yaml")),
    ("rules/squid.yaml", include_str!("../../rules/squid.yaml")),
    (
        "rules/tinyproxy.yaml",
        include_str!("../../rules/tinyproxy.yaml"),
    ),
    (
        "rules/generic.yaml",
        include_str!("../../rules/generic.yaml"),
    ),
];

/// One rules file's text and the name to report it by.
#[derive(Clone, Debug)]
pub struct RuleSource {
    pub name: String,
    pub text: String,
}

impl RuleSource {
    /// The built-in rule files.
    pub fn built_in() -> Vec<RuleSource> {
        BUILT_IN
            .iter()
            .map(|(name, text)| RuleSource {
                name: (*name).to_string(),
                text: (*text).to_string(),
            })
            .collect()
    }

    /// Whether this is one of the built-in files, unchanged.
    pub fn is_built_in(&self) -> bool {
        BUILT_IN
            .iter()
            .any(|&(name, text)| name == self.name && text == self.text)
    }

    /// Reads a rules file from disk. A file over the size limit is refused by its size, before
    /// it is read, so that a 100 MB file does not take 100 MB of memory to be refused.
    pub fn read(path: &std::path::Path) -> Result<RuleSource, Error> {
        use std::io::Read;
        let err = |source| Error::RulesFile {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(err)?;
        let len = file.metadata().map_err(err)?.len();
        if len > MAX_FILE_BYTES as u64 {
            let name = path.display().to_string();
            return Err(Error::Rules(vec![too_big(&name, len)]));
        }
        // Not a regular file (a pipe): read one byte past the limit at most.
        let mut text = String::new();
        file.take(MAX_FILE_BYTES as u64 + 1)
            .read_to_string(&mut text)
            .map_err(err)?;
        Ok(RuleSource {
            name: path.display().to_string(),
            text,
        })
    }
}

/// The error for a rules file of `len` bytes, over [`MAX_FILE_BYTES`].
pub(super) fn too_big(file: &str, len: u64) -> RuleError {
    RuleError {
        file: file.to_string(),
        line: 1,
        column: 1,
        rule: None,
        message: format!("rules file is {len} bytes; the limit is {MAX_FILE_BYTES}"),
    }
}
