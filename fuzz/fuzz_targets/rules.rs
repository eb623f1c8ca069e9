//! The rules loader over arbitrary text: it never panics, and every error it reports names the
//! file and a position inside it. A rule set that loads also runs its own examples.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resetsquash::Error;
use resetsquash::rules::{RuleSet, RuleSource};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    // YAML breaks lines at `\n`, `\r\n` and a lone `\r`, and so do the positions it reports.
    let lines = 1 + text.replace("\r\n", "\n").matches(['\n', '\r']).count();
    let source = RuleSource {
        name: "fuzz.yaml".into(),
        text,
    };
    match RuleSet::load(&[source]) {
        Ok(set) => {
            // Examples that fail are an error with a position too; a panic is not.
            if let Err(Error::Rules(errors)) = set.check_examples() {
                assert!(!errors.is_empty());
                for e in &errors {
                    assert_eq!(e.file, "fuzz.yaml");
                    assert!(e.line >= 1 && e.column >= 1, "{e}");
                }
            }
        }
        Err(Error::Rules(errors)) => {
            assert!(!errors.is_empty(), "an error with no problem listed");
            for e in &errors {
                assert_eq!(e.file, "fuzz.yaml");
                assert!(e.line >= 1 && e.line <= lines, "line out of the file: {e}");
                assert!(e.column >= 1, "column 0: {e}");
                assert!(!e.message.is_empty());
            }
        }
        Err(other) => panic!("unexpected kind of error: {other}"),
    }
});
