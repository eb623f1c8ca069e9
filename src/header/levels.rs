//! Headers that are a level and no time: .NET's console logger and Python's
//! `logging.basicConfig()` default. Such a line starts a record but sets no clock.

/// `info: Category[0]` and friends from .NET's console logger.
pub fn is_dotnet(line: &[u8]) -> bool {
    const LEVELS: [&[u8]; 6] = [
        b"trce: ", b"dbug: ", b"info: ", b"warn: ", b"fail: ", b"crit: ",
    ];
    // The category is a dotted name directly after the level.
    LEVELS
        .iter()
        .find_map(|lvl| line.strip_prefix(*lvl))
        .is_some_and(|rest| rest.first().is_some_and(u8::is_ascii_alphabetic))
}

/// `ERROR:root:message`: a level, a colon, a logger name without spaces, a colon. Or uvicorn's
/// default `ERROR:    message`: the level and its colon padded with spaces, so that every
/// message starts at column 10 (its `%(levelprefix)s %(message)s`).
pub fn is_python(line: &[u8]) -> bool {
    const LEVELS: [&[u8]; 5] = [b"CRITICAL:", b"ERROR:", b"WARNING:", b"INFO:", b"DEBUG:"];
    const UVICORN_COLUMN: usize = 10;
    let Some(rest) = LEVELS.iter().find_map(|lvl| line.strip_prefix(*lvl)) else {
        return false;
    };
    if rest.first() == Some(&b' ') {
        let message = line.len() - rest.len() + rest.iter().take_while(|&&b| b == b' ').count();
        return message == UVICORN_COLUMN && message < line.len();
    }
    rest.iter()
        .position(|&b| b == b':' || b == b' ')
        .is_some_and(|colon| rest[colon] == b':')
}
