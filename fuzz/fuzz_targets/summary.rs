//! The summary-line parser that readers (`report`, the tests) use, over arbitrary bytes: it
//! never panics, and whatever it accepts, written back out, parses to the same summary.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resetsquash::summary::Summary;

fuzz_target!(|data: &[u8]| {
    let Some(parsed) = Summary::parse(data) else {
        return;
    };
    for eol in [&b"\n"[..], b"\r\n", b""] {
        let mut written = Vec::new();
        parsed.write(eol, &mut written);
        let again = Summary::parse(&written);
        assert!(
            again.as_ref() == Some(&parsed),
            "written back as {:?}, parsed as {again:?}, was {parsed:?}",
            String::from_utf8_lossy(&written)
        );
    }
});
